import { buildGatewayStatus, gatewayAccepted, type GatewayFacts } from '../../../src/gatewayapi/gatewayStatus';
import { analyzeListeners } from '../../../src/gatewayapi/listeners';
import type { Gateway } from '../../../src/gatewayapi/types';
import { summary } from '../../support/assertions';
import { gateway } from '../../support/objects';

const NOW = '2026-11-26T12:00:00.000Z';
const ARN = 'arn:aws:vpc-lattice:us-west-2:123456789012:servicenetwork/sn-0123456789abcdef0';

function facts(gw: Gateway, overrides: Partial<GatewayFacts> = {}): GatewayFacts {
  return {
    gateway: gw,
    classProblem: undefined,
    analyses: analyzeListeners(gw),
    attachedRoutes: new Map(),
    network: { state: 'found', arn: ARN, id: 'sn-0123456789abcdef0', name: 'edge' },
    addresses: [],
    ...overrides,
  };
}

describe('Gateway status', () => {
  it('never reports Accepted=True when every listener is invalid (the Go controller does)', () => {
    const gw = gateway('infra', 'edge', 'lattice', [{ name: 'tcp', protocol: 'TCP', port: 1 }]) as Gateway;
    expect(gatewayAccepted(facts(gw))).toMatchObject({ status: 'False', reason: 'ListenersNotValid' });
  });

  it.each([
    [
      { spec: { gatewayClassName: 'lattice', listeners: [{ name: 'h', protocol: 'HTTP', port: 80 }], addresses: [{ value: '10.0.0.1' }] } },
      'UnsupportedAddress',
    ],
    [
      {
        spec: {
          gatewayClassName: 'lattice',
          listeners: [{ name: 'h', protocol: 'HTTP', port: 80 }],
          infrastructure: { parametersRef: { group: 'x.io', kind: 'P', name: 'p' } },
        },
      },
      'InvalidParameters',
    ],
  ])('refuses what Lattice cannot do: %j → %s', (extra, reason) => {
    const gw = { ...gateway('infra', 'edge', 'lattice'), ...extra } as Gateway;
    expect(gatewayAccepted(facts(gw))).toMatchObject({ status: 'False', reason });
  });

  it('names the fields Lattice has no use for instead of silently ignoring them', () => {
    const gw = {
      ...gateway('infra', 'edge', 'lattice'),
      spec: {
        gatewayClassName: 'lattice',
        listeners: [{ name: 'h', protocol: 'HTTP', port: 80 }],
        tls: { frontend: {} },
        infrastructure: { labels: { a: 'b' } },
        allowedListeners: { namespaces: { from: 'All' } },
      },
    } as Gateway;
    const accepted = gatewayAccepted(facts(gw));
    expect(accepted.status).toBe('True');
    expect(accepted.message).toContain('spec.tls');
    expect(accepted.message).toContain('spec.infrastructure labels and annotations have no effect');
    expect(accepted.message).toContain('spec.allowedListeners has no effect');
  });

  it('says Invalid when the class is not accepted', () => {
    const gw = gateway('infra', 'edge', 'lattice') as Gateway;
    expect(gatewayAccepted(facts(gw, { classProblem: 'GatewayClass lattice not found' }))).toMatchObject({
      status: 'False',
      reason: 'Invalid',
    });
  });

  it('reports a missing or ambiguous network on Programmed, and keeps listeners Pending', () => {
    const gw = gateway('infra', 'edge', 'lattice') as Gateway;
    const missing = buildGatewayStatus(facts(gw, { network: { state: 'missing', retryAfterSeconds: 30 } }), { generation: 1, now: NOW });
    expect(summary(missing.conditions)).toEqual({ Accepted: 'True/Accepted', Programmed: 'False/Pending' });
    expect(summary((missing.listeners as { conditions: unknown }[])[0]?.conditions).Programmed).toBe('False/Pending');
    const ambiguous = buildGatewayStatus(facts(gw, { network: { state: 'ambiguous', candidates: ['sn-b', 'sn-a'] } }), {
      generation: 1,
      now: NOW,
    });
    const programmed = (ambiguous.conditions as { type: string; message: string }[]).find((c) => c.type === 'Programmed');
    expect(programmed?.message).toContain('Found 2 VPC Lattice service networks matching "edge" (sn-b, sn-a)');
  });

  it('drops listener entries of removed listeners, keeps foreign conditions, and publishes Hostname addresses once each, in the order given', () => {
    const gw = gateway('infra', 'edge', 'lattice', [{ name: 'http', protocol: 'HTTP', port: 80 }], {
      status: {
        conditions: [{ type: 'example.io/Audited', status: 'True', reason: 'Audited', message: '', lastTransitionTime: NOW }],
        listeners: [
          { name: 'gone', attachedRoutes: 3, supportedKinds: [], conditions: [] },
          {
            name: 'http',
            attachedRoutes: 0,
            supportedKinds: [],
            conditions: [{ type: 'example.io/Listener', status: 'True', reason: 'X', message: '', lastTransitionTime: NOW }],
          },
        ],
      },
    }) as Gateway;
    const status = buildGatewayStatus(
      facts(gw, { attachedRoutes: new Map([['http', 2]]), addresses: ['b-svc.aws', 'a-svc.aws', 'b-svc.aws'] }),
      { generation: 4, now: NOW },
    );
    expect(summary(status.conditions)).toEqual({
      'example.io/Audited': 'True/Audited',
      Accepted: 'True/Accepted',
      Programmed: 'True/Programmed',
    });
    const listeners = status.listeners as { name: string; attachedRoutes: number; conditions: unknown }[];
    expect(listeners.map((l) => [l.name, l.attachedRoutes])).toEqual([['http', 2]]);
    expect(summary(listeners[0]?.conditions)).toEqual({
      'example.io/Listener': 'True/X',
      Accepted: 'True/Accepted',
      ResolvedRefs: 'True/ResolvedRefs',
      Programmed: 'True/Programmed',
    });
    expect(status.addresses).toEqual([
      { type: 'Hostname', value: 'b-svc.aws' },
      { type: 'Hostname', value: 'a-svc.aws' },
    ]);
  });

  it('is deterministic: building twice from its own output changes nothing', () => {
    const gw = gateway('infra', 'edge', 'lattice') as Gateway;
    const first = buildGatewayStatus(facts(gw), { generation: 1, now: NOW });
    const second = buildGatewayStatus(facts({ ...gw, status: first } as Gateway), { generation: 1, now: '2030-01-01T00:00:00.000Z' });
    expect(second).toEqual(first);
  });
});
