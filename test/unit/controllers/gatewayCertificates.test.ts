import { createGatewayController } from '../../../src/controllers/gateway';
import { gateway } from '../../support/objects';

const INFRA = 'gateway-conformance-infra';
const WEB = 'gateway-conformance-web-backend';

describe('the Gateway customize hook', () => {
  it('asks Metacontroller for the referenced Secrets by name, and for grants only where a Secret lives in another namespace', async () => {
    const gw = gateway(INFRA, 'gw', 'lattice', [
      { name: 'a', protocol: 'HTTPS', port: 443, tls: { certificateRefs: [{ name: 'one' }, { name: 'two', namespace: WEB }] } },
    ]);
    const controller = createGatewayController();
    const response = await controller.handlers.customize?.({ controller: {}, parent: gw } as never, {} as never);
    const rules = (response as { relatedResources: { resource: string; namespace?: string; names?: string[]; labelSelector?: unknown }[] })
      .relatedResources;
    expect(rules.filter((r) => r.resource === 'secrets')).toEqual([
      { apiVersion: 'v1', resource: 'secrets', namespace: INFRA, names: ['one'] },
      { apiVersion: 'v1', resource: 'secrets', namespace: WEB, names: ['two'] },
    ]);
    expect(rules.filter((r) => r.resource === 'referencegrants').map((r) => r.namespace)).toEqual([WEB]);
  });
});
