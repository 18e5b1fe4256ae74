import { routeParents } from '../../../src/gatewayapi/routeParents';
import type { AnyRoute } from '../../../src/gatewayapi/types';
import type { AwsIdentity } from '../../../src/model/identity';
import { ObjectIndex } from '../../../src/metacontroller/objectIndex';
import { buildRouteModel } from '../../../src/model/routeModel';
import { tlsRouteAdapter } from '../../../src/model/routeKinds';
import { routeParentConditions } from '../../../src/gatewayapi/routeConditions';
import { gateway, gatewayClass, objectMap, OUR_CONTROLLER, route } from '../../support/objects';

const identity: AwsIdentity = {
  accountId: '123456789012',
  clusterName: 'c',
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  managedBy: '123456789012/c/vpc-0a1b2c3d4e5f60718',
};
const NETWORK = {
  'application-networking.k8s.aws/service-network-arn': 'arn:aws:vpc-lattice:us-west-2:123456789012:servicenetwork/sn-0123456789abcdef0',
};

/** One Gateway with one TLS passthrough listener of the given hostname, and one TLSRoute on it (upstream TLSRouteHostnameIntersection). */
function build(listenerHostname: string | undefined, hostnames: string[]) {
  const gw = gateway('infra', 'gw', 'lattice', [
    { name: 'tls', protocol: 'TLS', port: 443, ...(listenerHostname ? { hostname: listenerHostname } : {}), tls: { mode: 'Passthrough' } },
  ]);
  gw.metadata.annotations = NETWORK;
  const r = route('TLSRoute', 'infra', 'r', [{ name: 'gw' }], {
    hostnames,
    rules: [{ backendRefs: [{ name: 'tls-backend', port: 443 }] }],
  }) as AnyRoute;
  const backend = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'tls-backend', namespace: 'infra' },
    spec: { ports: [{ port: 443 }] },
  };
  const index = ObjectIndex.of(r, objectMap(gw, gatewayClass('lattice', OUR_CONTROLLER), backend));
  const parents = routeParents(r, index, OUR_CONTROLLER);
  const built = buildRouteModel(r, tlsRouteAdapter, parents, index, { identity, maxRulesPerListener: 10, maxListenersPerService: 2 });
  const [status] = routeParentConditions(parents, built, { state: 'none' }, { certificateRecheckSeconds: 60 });
  const accepted = status?.conditions.find((c) => c.type === 'Accepted');
  return {
    domain: built.model?.service.customDomainName,
    accepted: `${accepted?.status}/${accepted?.reason}`,
    message: accepted?.message ?? '',
  };
}

describe('TLSRoute custom domain from the listener and route hostnames (upstream TLSRouteHostnameIntersection)', () => {
  it.each([
    ['abc.example.com', ['*.example.com'], 'abc.example.com'],
    ['*.example.com', ['abc.example.com'], 'abc.example.com'],
    ['*.com', ['abc.example.com'], 'abc.example.com'],
    [undefined, ['abc.example.com'], 'abc.example.com'],
    ['abc.example.com', ['*.com', 'abc.example.com'], 'abc.example.com'],
  ])('listener %s, route %j → custom domain %s, Accepted', (listener, hostnames, domain) => {
    expect(build(listener, hostnames)).toMatchObject({ domain, accepted: 'True/Accepted' });
  });

  it.each([
    ['*.example.com', ['*.com'], '*.example.com'],
    ['*.com', ['*.example.com'], '*.example.com'],
    [undefined, ['*.com'], '*.com'],
  ])('listener %s, route %j → only the wildcard %s: refused, never claimed Accepted', (listener, hostnames, wildcard) => {
    const result = build(listener, hostnames);
    expect(result).toMatchObject({ domain: undefined, accepted: 'False/UnsupportedValue' });
    expect(result.message).toContain(`(${wildcard}) are all wildcards`);
  });
});
