import { policyTargetRefs, resolvePolicyTarget, winningPolicy, type PolicyObject } from '../../../src/gatewayapi/policy';
import { referencePermitted } from '../../../src/gatewayapi/referenceGrants';
import { ObjectIndex } from '../../../src/metacontroller/objectIndex';
import type { KubeObject } from '../../../src/metacontroller/types';
import { gateway, objectMap } from '../../support/objects';

const GW = 'gateway.networking.k8s.io';

function policy(namespace: string, name: string, created: string, targetRef: Record<string, unknown>, extra: Record<string, unknown> = {}): PolicyObject {
  return {
    apiVersion: 'application-networking.k8s.aws/v1alpha1',
    kind: 'VpcAssociationPolicy',
    metadata: { name, namespace, creationTimestamp: created, uid: `${namespace}-${name}` },
    spec: { targetRef, ...extra },
  } as PolicyObject;
}

function grant(namespace: string, from: Record<string, string>, to: Record<string, string>): KubeObject {
  return { apiVersion: `${GW}/v1beta1`, kind: 'ReferenceGrant', metadata: { name: `g-${Object.values(to).join('-')}`, namespace }, spec: { from: [from], to: [to] } };
}

describe('policy attachment core', () => {
  it('normalizes targetRef and targetRefs, defaulting the namespace to the policy’s', () => {
    expect(policyTargetRefs(policy('apps', 'p', 't', { group: GW, kind: 'Gateway', name: 'edge' }))).toEqual([{ group: GW, kind: 'Gateway', name: 'edge', namespace: 'apps' }]);
    const plural = { ...policy('apps', 'p', 't', {}), spec: { targetRefs: [{ group: GW, kind: 'HTTPRoute', name: 'a', sectionName: 'r1' }, { kind: 'Service', name: 'svc', namespace: 'other' }] } } as PolicyObject;
    expect(policyTargetRefs(plural)).toEqual([
      { group: GW, kind: 'HTTPRoute', name: 'a', namespace: 'apps', sectionName: 'r1' },
      { group: '', kind: 'Service', name: 'svc', namespace: 'other' },
    ]);
  });

  it('lets the oldest policy win, then the first by namespace/name, ignoring deleting ones', () => {
    const target = { group: GW, kind: 'Gateway', name: 'edge', namespace: 'apps' };
    const ref = { group: GW, kind: 'Gateway', name: 'edge' };
    const a = policy('apps', 'b', '2026-01-02T00:00:00Z', ref);
    const b = policy('apps', 'a', '2026-01-02T00:00:00Z', ref);
    const c = policy('apps', 'c', '2026-01-03T00:00:00Z', ref);
    expect(winningPolicy([c, a, b], target)?.metadata.name).toBe('a');
    const oldestDeleting = { ...policy('apps', 'z', '2025-01-01T00:00:00Z', ref), metadata: { name: 'z', namespace: 'apps', creationTimestamp: '2025-01-01T00:00:00Z', deletionTimestamp: 'now' } } as PolicyObject;
    expect(winningPolicy([c, oldestDeleting], target)?.metadata.name).toBe('c');
    expect(winningPolicy([c], { ...target, name: 'other' })).toBeUndefined();
  });

  it('resolves targets: Invalid kind, TargetNotFound, cross-namespace only with a ReferenceGrant', () => {
    const gw = gateway('infra', 'edge', 'lattice');
    const kinds = [{ group: GW, kind: 'Gateway' }];
    const cross = policy('apps', 'p', 't', { group: GW, kind: 'Gateway', name: 'edge', namespace: 'infra' });
    const [crossRef] = policyTargetRefs(cross);
    const without = ObjectIndex.of(cross, objectMap(gw));
    expect(resolvePolicyTarget(cross, crossRef!, without, { kinds })).toMatchObject({ state: 'invalid', condition: { reason: 'Invalid' } });
    const withGrant = ObjectIndex.of(cross, objectMap(gw, grant('infra', { group: 'application-networking.k8s.aws', kind: 'VpcAssociationPolicy', namespace: 'apps' }, { group: GW, kind: 'Gateway' })));
    expect(resolvePolicyTarget(cross, crossRef!, withGrant, { kinds })).toMatchObject({ state: 'found' });
    expect(resolvePolicyTarget(cross, crossRef!, withGrant, { kinds, isOurs: () => false })).toMatchObject({ state: 'notFound', condition: { reason: 'TargetNotFound' } });
    const wrongKind = policy('apps', 'p', 't', { group: GW, kind: 'HTTPRoute', name: 'r' });
    expect(resolvePolicyTarget(wrongKind, policyTargetRefs(wrongKind)[0]!, without, { kinds })).toMatchObject({ state: 'invalid' });
  });

  it('matches ReferenceGrants by from (group, kind, namespace) and to (group, kind, optional name)', () => {
    const request = { from: { group: GW, kind: 'HTTPRoute', namespace: 'apps' }, to: { group: '', kind: 'Service', namespace: 'backend', name: 'web' } };
    const route: KubeObject = { apiVersion: `${GW}/v1`, kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'apps' } };
    const idx = (...grants: KubeObject[]) => ObjectIndex.of(route, objectMap(...grants));
    expect(referencePermitted(request, idx())).toBe(false);
    expect(referencePermitted(request, idx(grant('backend', { group: GW, kind: 'HTTPRoute', namespace: 'apps' }, { group: '', kind: 'Service' })))).toBe(true);
    expect(referencePermitted(request, idx(grant('backend', { group: GW, kind: 'HTTPRoute', namespace: 'apps' }, { group: '', kind: 'Service', name: 'api' })))).toBe(false);
    expect(referencePermitted(request, idx(grant('backend', { group: GW, kind: 'GRPCRoute', namespace: 'apps' }, { group: '', kind: 'Service' })))).toBe(false);
    expect(referencePermitted(request, idx(grant('elsewhere', { group: GW, kind: 'HTTPRoute', namespace: 'apps' }, { group: '', kind: 'Service' })))).toBe(false);
    expect(referencePermitted({ ...request, to: { ...request.to, namespace: 'apps' } }, idx())).toBe(true);
  });
});
