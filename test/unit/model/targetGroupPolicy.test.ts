import { attachPolicy } from '../../../src/gatewayapi/policy';
import { ObjectIndex } from '../../../src/metacontroller/objectIndex';
import type { KubeObject } from '../../../src/metacontroller/types';
import { policyFor, targetGroupPolicyRules, targetGroupSettings, type TargetGroupPolicy } from '../../../src/model/targetGroupPolicy';
import { objectMap } from '../../support/objects';

const OURS = 'application-networking.k8s.aws';
const web: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { ports: [{ port: 80 }] },
};

function policy(
  name: string,
  created: string,
  spec: Record<string, unknown>,
  targetRef: Record<string, unknown> = { group: '', kind: 'Service', name: 'web' },
  namespace = 'shop',
): TargetGroupPolicy {
  return {
    apiVersion: `${OURS}/v1alpha1`,
    kind: 'TargetGroupPolicy',
    metadata: { name, namespace, uid: name, creationTimestamp: created },
    spec: { targetRef, ...spec },
  };
}

const index = (...policies: TargetGroupPolicy[]) => ObjectIndex.of(web, objectMap(web, ...policies));
const WEB = { group: '', kind: 'Service' as const, namespace: 'shop', name: 'web' };

describe('TargetGroupPolicy attachment', () => {
  it('validates settings against the ranges Lattice accepts', () => {
    expect(targetGroupSettings(policy('p', '', { healthCheck: { intervalSeconds: 4, statusMatch: '2xx', path: 'ready' } }))).toEqual({
      problem:
        'healthCheck.intervalSeconds must be 5-300, got 4; healthCheck.path ready is not a valid path; healthCheck.statusMatch 2xx must look like 200, 200-299 or 200,202',
    });
    expect(targetGroupSettings(policy('p', '', { protocol: 'HTTPS', healthCheck: { statusMatch: '200,202' } }))).toEqual({
      settings: { protocol: 'HTTPS', healthCheck: { matcher: { httpCode: '200,202' } } },
    });
  });

  it('an older invalid policy never wins: the younger valid one applies, and its status agrees', () => {
    const broken = policy('broken', '2026-01-01T00:00:00Z', { protocolVersion: 'HTTP3' });
    const valid = policy('valid', '2026-02-01T00:00:00Z', { protocolVersion: 'HTTP2' });
    const objects = index(broken, valid);
    expect(policyFor(objects, WEB)).toEqual({ protocolVersion: 'HTTP2' });
    expect(attachPolicy(valid, [broken, valid], objects, targetGroupPolicyRules).state).toBe('attached');
    expect(attachPolicy(broken, [broken, valid], objects, targetGroupPolicyRules)).toMatchObject({
      state: 'rejected',
      condition: { reason: 'Invalid' },
    });
  });

  it('the oldest of two valid policies wins; the other is Conflicted', () => {
    const first = policy('first', '2026-01-01T00:00:00Z', { healthCheck: { path: '/first' } });
    const second = policy('second', '2026-02-01T00:00:00Z', { healthCheck: { path: '/second' } });
    const objects = index(second, first);
    expect(policyFor(objects, WEB)?.healthCheck?.path).toBe('/first');
    expect(attachPolicy(second, [first, second], objects, targetGroupPolicyRules)).toMatchObject({
      state: 'conflicted',
      condition: { reason: 'Conflicted' },
    });
  });

  it('refuses a target in another namespace (where the target group hooks would never see the policy)', () => {
    const elsewhere = policy(
      'elsewhere',
      '2026-01-01T00:00:00Z',
      {},
      { group: '', kind: 'Service', name: 'web', namespace: 'shop' },
      'ops',
    );
    const attachment = attachPolicy(elsewhere, [elsewhere], index(elsewhere), targetGroupPolicyRules);
    expect(attachment).toMatchObject({
      state: 'rejected',
      condition: { reason: 'Invalid', message: expect.stringContaining('its own namespace') },
    });
    expect(policyFor(index(elsewhere), WEB)).toBeUndefined();
  });

  it('refuses sectionName (a target group is the whole Service), and such a policy never wins', () => {
    const section = policy(
      'section',
      '2025-01-01T00:00:00Z',
      { protocolVersion: 'HTTP2' },
      { group: '', kind: 'Service', name: 'web', sectionName: 'http' },
    );
    const whole = policy('whole', '2026-01-01T00:00:00Z', { protocolVersion: 'HTTP1' });
    const objects = index(section, whole);
    expect(attachPolicy(section, [section, whole], objects, targetGroupPolicyRules)).toMatchObject({
      state: 'rejected',
      condition: { reason: 'Invalid', message: expect.stringContaining('sectionName is not supported') },
    });
    expect(attachPolicy(whole, [section, whole], objects, targetGroupPolicyRules).state).toBe('attached');
    expect(policyFor(objects, WEB)).toEqual({ protocolVersion: 'HTTP1' });
  });

  it('ignores policies for another kind or name', () => {
    const exportPolicy = policy(
      'export',
      '2026-01-01T00:00:00Z',
      { protocol: 'HTTPS' },
      { group: OURS, kind: 'ServiceExport', name: 'web' },
    );
    const other = policy('other', '2026-01-01T00:00:00Z', { protocol: 'HTTPS' }, { group: '', kind: 'Service', name: 'api' });
    expect(policyFor(index(exportPolicy, other), WEB)).toBeUndefined();
    expect(policyFor(index(exportPolicy), { ...WEB, group: OURS, kind: 'ServiceExport' })).toEqual({ protocol: 'HTTPS' });
  });
});
