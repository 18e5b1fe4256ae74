import {
  attachPolicy,
  holderOf,
  policyTargetRefs,
  resolvePolicyTarget,
  sameLatticeResource,
  winningPolicy,
  type PolicyAttachmentRules,
  type PolicyObject,
} from '../../../src/gatewayapi/policy';
import { policyRelatedRules } from '../../../src/gatewayapi/policyTargets';
import { mergePolicyAncestors, policyAncestors, policyStatus } from '../../../src/gatewayapi/policyStatus';
import { referencePermitted } from '../../../src/gatewayapi/referenceGrants';
import { ObjectIndex } from '../../../src/metacontroller/objectIndex';
import type { KubeObject } from '../../../src/metacontroller/types';
import { gateway, objectMap, OUR_CONTROLLER, FOREIGN_CONTROLLER } from '../../support/objects';

const GW = 'gateway.networking.k8s.io';

function policy(
  namespace: string,
  name: string,
  created: string,
  targetRef: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): PolicyObject {
  return {
    apiVersion: 'application-networking.k8s.aws/v1alpha1',
    kind: 'VpcAssociationPolicy',
    metadata: { name, namespace, creationTimestamp: created, uid: `${namespace}-${name}` },
    spec: { targetRef, ...extra },
  } as PolicyObject;
}

function grant(namespace: string, from: Record<string, string>, to: Record<string, string>): KubeObject {
  return {
    apiVersion: `${GW}/v1beta1`,
    kind: 'ReferenceGrant',
    metadata: { name: `g-${Object.values(to).join('-')}`, namespace },
    spec: { from: [from], to: [to] },
  };
}

describe('policy attachment core', () => {
  it('normalizes targetRef and targetRefs, defaulting the namespace to the policy’s', () => {
    expect(policyTargetRefs(policy('apps', 'p', 't', { group: GW, kind: 'Gateway', name: 'edge' }))).toEqual([
      { group: GW, kind: 'Gateway', name: 'edge', namespace: 'apps' },
    ]);
    const plural = {
      ...policy('apps', 'p', 't', {}),
      spec: {
        targetRefs: [
          { group: GW, kind: 'HTTPRoute', name: 'a', sectionName: 'r1' },
          { kind: 'Service', name: 'svc', namespace: 'other' },
        ],
      },
    } as PolicyObject;
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
    const oldestDeleting = {
      ...policy('apps', 'z', '2025-01-01T00:00:00Z', ref),
      metadata: { name: 'z', namespace: 'apps', creationTimestamp: '2025-01-01T00:00:00Z', deletionTimestamp: 'now' },
    } as PolicyObject;
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
    const withGrant = ObjectIndex.of(
      cross,
      objectMap(
        gw,
        grant(
          'infra',
          { group: 'application-networking.k8s.aws', kind: 'VpcAssociationPolicy', namespace: 'apps' },
          { group: GW, kind: 'Gateway' },
        ),
      ),
    );
    expect(resolvePolicyTarget(cross, crossRef!, withGrant, { kinds })).toMatchObject({ state: 'found' });
    expect(resolvePolicyTarget(cross, crossRef!, withGrant, { kinds, isOurs: () => false })).toMatchObject({
      state: 'notFound',
      condition: { reason: 'TargetNotFound' },
    });
    const wrongKind = policy('apps', 'p', 't', { group: GW, kind: 'HTTPRoute', name: 'r' });
    expect(resolvePolicyTarget(wrongKind, policyTargetRefs(wrongKind)[0]!, without, { kinds })).toMatchObject({ state: 'invalid' });
  });

  it('matches ReferenceGrants by from (group, kind, namespace) and to (group, kind, optional name)', () => {
    const request = {
      from: { group: GW, kind: 'HTTPRoute', namespace: 'apps' },
      to: { group: '', kind: 'Service', namespace: 'backend', name: 'web' },
    };
    const route: KubeObject = { apiVersion: `${GW}/v1`, kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'apps' } };
    const idx = (...grants: KubeObject[]) => ObjectIndex.of(route, objectMap(...grants));
    expect(referencePermitted(request, idx())).toBe(false);
    expect(
      referencePermitted(
        request,
        idx(grant('backend', { group: GW, kind: 'HTTPRoute', namespace: 'apps' }, { group: '', kind: 'Service' })),
      ),
    ).toBe(true);
    expect(
      referencePermitted(
        request,
        idx(grant('backend', { group: GW, kind: 'HTTPRoute', namespace: 'apps' }, { group: '', kind: 'Service', name: 'api' })),
      ),
    ).toBe(false);
    expect(
      referencePermitted(
        request,
        idx(grant('backend', { group: GW, kind: 'GRPCRoute', namespace: 'apps' }, { group: '', kind: 'Service' })),
      ),
    ).toBe(false);
    expect(
      referencePermitted(
        request,
        idx(grant('elsewhere', { group: GW, kind: 'HTTPRoute', namespace: 'apps' }, { group: '', kind: 'Service' })),
      ),
    ).toBe(false);
    expect(referencePermitted({ ...request, to: { ...request.to, namespace: 'apps' } }, idx())).toBe(true);
  });
});

describe('policy attachment decisions', () => {
  const managed = { labels: { 'application-networking.k8s.aws/managed': 'true' } };
  const route: KubeObject = { apiVersion: `${GW}/v1`, kind: 'HTTPRoute', metadata: { name: 'shop', namespace: 'apps', ...managed } };
  const routeRef = { group: GW, kind: 'HTTPRoute', name: 'shop' };
  const logPolicy = (name: string, created: string, destinationArn: string, targetRef: Record<string, unknown> = routeRef) =>
    ({ ...policy('apps', name, created, targetRef, { destinationArn }), kind: 'AccessLogPolicy' }) as PolicyObject;
  const typeOf = (p: PolicyObject) => String(p.spec?.destinationArn).split(':')[2];
  const rules: PolicyAttachmentRules<PolicyObject, KubeObject> = {
    kinds: [{ group: GW, kind: 'HTTPRoute' }],
    isOurs: (t) => t.metadata.labels?.['application-networking.k8s.aws/managed'] === 'true',
    specProblem: (p) => (String(p.spec?.destinationArn).includes('broken') ? 'not a destination' : undefined),
    contends: (p, other) => typeOf(p) === typeOf(other),
  };

  it('makes a policy conflict only with older ones of the same destination type on the same target', () => {
    const s3Old = logPolicy('s3-old', '2026-01-01T00:00:00Z', 'arn:aws:s3:::a');
    const s3New = logPolicy('s3-new', '2026-01-02T00:00:00Z', 'arn:aws:s3:::b');
    const logs = logPolicy('logs', '2026-01-03T00:00:00Z', 'arn:aws:logs:us-west-2:123456789012:log-group:g');
    const all = [s3New, logs, s3Old];
    const index = ObjectIndex.of(s3New, objectMap(route, s3Old, logs));
    expect(attachPolicy(s3Old, all, index, rules)).toMatchObject({
      state: 'attached',
      ref: { kind: 'HTTPRoute', namespace: 'apps', name: 'shop' },
    });
    expect(attachPolicy(logs, all, index, rules)).toMatchObject({ state: 'attached' });
    expect(attachPolicy(s3New, all, index, rules)).toMatchObject({
      state: 'conflicted',
      winner: { metadata: { name: 's3-old' } },
      condition: { type: 'Accepted', status: 'False', reason: 'Conflicted' },
    });
  });

  it('never lets a policy with an invalid spec win, and rejects it as Invalid', () => {
    const broken = logPolicy('broken', '2025-01-01T00:00:00Z', 'arn:aws:s3:::broken');
    const fine = logPolicy('fine', '2026-01-01T00:00:00Z', 'arn:aws:s3:::a');
    const index = ObjectIndex.of(fine, objectMap(route));
    expect(attachPolicy(broken, [broken, fine], index, rules)).toEqual({
      state: 'rejected',
      condition: { type: 'Accepted', status: 'False', reason: 'Invalid', message: 'not a destination' },
    });
    expect(attachPolicy(fine, [broken, fine], index, rules)).toMatchObject({ state: 'attached' });
  });

  it('needs exactly one targetRef, and a target of ours', () => {
    const none = { ...logPolicy('none', 't', 'arn:aws:s3:::a'), spec: { destinationArn: 'arn:aws:s3:::a' } } as PolicyObject;
    const two = {
      ...none,
      spec: { destinationArn: 'arn:aws:s3:::a', targetRefs: [routeRef, { ...routeRef, name: 'other' }] },
    } as PolicyObject;
    const index = ObjectIndex.of(none, objectMap({ ...route, metadata: { name: 'shop', namespace: 'apps' } }));
    expect(attachPolicy(none, [none], index, rules)).toMatchObject({
      state: 'rejected',
      condition: { reason: 'Invalid', message: 'A AccessLogPolicy needs exactly one targetRef' },
    });
    expect(attachPolicy(two, [two], index, rules)).toMatchObject({ state: 'rejected', condition: { reason: 'Invalid' } });
    const unlabelled = logPolicy('p', 't', 'arn:aws:s3:::a');
    expect(attachPolicy(unlabelled, [unlabelled], index, rules)).toMatchObject({
      state: 'rejected',
      condition: { reason: 'TargetNotFound' },
    });
  });
});

describe('who competes for a target', () => {
  const OURS = 'application-networking.k8s.aws';
  const managed = { labels: { 'application-networking.k8s.aws/managed': 'true' } };
  const ours = (object: KubeObject): KubeObject => ({ ...object, metadata: { ...object.metadata, ...managed } });
  const logPolicy = (namespace: string, name: string, created: string, targetRef: Record<string, unknown>) =>
    ({ ...policy(namespace, name, created, targetRef, { destinationArn: 'arn:aws:s3:::logs' }), kind: 'AccessLogPolicy' }) as PolicyObject;
  const rules: PolicyAttachmentRules<PolicyObject, KubeObject> = {
    kinds: [
      { group: GW, kind: 'Gateway' },
      { group: GW, kind: 'HTTPRoute' },
    ],
    isOurs: (t) => t.metadata.labels?.['application-networking.k8s.aws/managed'] === 'true',
    sameResource: sameLatticeResource,
  };
  const shop: KubeObject = ours({ apiVersion: `${GW}/v1`, kind: 'HTTPRoute', metadata: { name: 'shop', namespace: 'apps' } });
  const toShop = { group: GW, kind: 'HTTPRoute', name: 'shop', namespace: 'apps' };
  const grantFromOps = grant('apps', { group: OURS, kind: 'AccessLogPolicy', namespace: 'ops' }, { group: GW, kind: 'HTTPRoute' });

  it('leaves out a policy of another namespace without a ReferenceGrant: it never takes the target from the rightful one', () => {
    const intruder = logPolicy('ops', 'intruder', '2026-01-01T00:00:00Z', toShop);
    const rightful = logPolicy('apps', 'rightful', '2026-02-01T00:00:00Z', toShop);
    const all = [intruder, rightful];
    const without = ObjectIndex.of(rightful, objectMap(shop, intruder));
    expect(attachPolicy(intruder, all, without, rules)).toMatchObject({ state: 'rejected', condition: { reason: 'Invalid' } });
    expect(attachPolicy(rightful, all, without, rules)).toMatchObject({ state: 'attached' });
    const granted = ObjectIndex.of(rightful, objectMap(shop, intruder, grantFromOps));
    expect(attachPolicy(intruder, all, granted, rules)).toMatchObject({ state: 'attached' });
    expect(attachPolicy(rightful, all, granted, rules)).toMatchObject({ state: 'conflicted', winner: { metadata: { name: 'intruder' } } });
    // The successor of a deleted policy is chosen the same way.
    const deleting = { ...rightful, metadata: { ...rightful.metadata, deletionTimestamp: 'now' } } as PolicyObject;
    expect(holderOf(deleting, toShop, [intruder, deleting], without, rules)).toBeUndefined();
    expect(holderOf(deleting, toShop, [intruder, deleting], granted, rules)?.metadata.name).toBe('intruder');
  });

  it('leaves out policies with several targetRefs or a sectionName, and refuses sectionName as Invalid', () => {
    const two = {
      ...logPolicy('apps', 'two', '2025-01-01T00:00:00Z', toShop),
      spec: { targetRefs: [toShop, { ...toShop, name: 'cart' }] },
    } as PolicyObject;
    const section = logPolicy('apps', 'section', '2025-06-01T00:00:00Z', { ...toShop, sectionName: 'rule-1' });
    const whole = logPolicy('apps', 'whole', '2026-01-01T00:00:00Z', toShop);
    const all = [two, section, whole];
    const index = ObjectIndex.of(whole, objectMap(shop));
    expect(attachPolicy(section, all, index, rules)).toEqual({
      state: 'rejected',
      condition: {
        type: 'Accepted',
        status: 'False',
        reason: 'Invalid',
        message: 'sectionName is not supported: the policy applies to the whole HTTPRoute',
      },
    });
    expect(attachPolicy(two, all, index, rules)).toMatchObject({ state: 'rejected' });
    expect(attachPolicy(whole, all, index, rules)).toMatchObject({ state: 'attached' });
  });

  it('makes policies on Gateways of one name compete when they act on one Lattice resource, if that Gateway is ours', () => {
    const infraEdge = ours(gateway('infra', 'edge', 'lattice'));
    const teamEdge = ours(gateway('team', 'edge', 'lattice'));
    const older = logPolicy('team', 'older', '2026-01-01T00:00:00Z', { group: GW, kind: 'Gateway', name: 'edge' });
    const younger = logPolicy('infra', 'younger', '2026-02-01T00:00:00Z', { group: GW, kind: 'Gateway', name: 'edge' });
    const all = [older, younger];
    const index = ObjectIndex.of(younger, objectMap(infraEdge, teamEdge));
    const conflicted = attachPolicy(younger, all, index, rules);
    expect(conflicted).toMatchObject({ state: 'conflicted', winner: { metadata: { name: 'older' } } });
    expect(conflicted.state === 'conflicted' && conflicted.condition.message).toBe(
      'AccessLogPolicy team/older already targets Gateway team/edge, the same VPC Lattice resource as Gateway infra/edge (the oldest policy wins)',
    );
    // Only with sameResource; and a same-named Gateway of another implementation is nobody's target.
    expect(attachPolicy(younger, all, index, { ...rules, sameResource: undefined })).toMatchObject({ state: 'attached' });
    expect(
      attachPolicy(younger, all, ObjectIndex.of(younger, objectMap(infraEdge, gateway('team', 'edge', 'envoy'))), rules),
    ).toMatchObject({ state: 'attached' });
    expect(sameLatticeResource({ ...toShop }, { ...toShop, namespace: 'other' })).toBe(false);
  });

  it('asks for the target (a Gateway in every namespace), every ReferenceGrant and every policy of the kind', () => {
    const kinds = [
      { group: GW, kind: 'Gateway', apiVersion: `${GW}/v1`, resource: 'gateways' },
      { group: GW, kind: 'HTTPRoute', apiVersion: `${GW}/v1`, resource: 'httproutes' },
    ];
    const grants = { apiVersion: `${GW}/v1beta1`, resource: 'referencegrants', labelSelector: {} };
    const policies = { apiVersion: `${OURS}/v1alpha1`, resource: 'accesslogpolicies', labelSelector: {} };
    expect(
      policyRelatedRules(logPolicy('infra', 'p', 't', { group: GW, kind: 'Gateway', name: 'edge' }), kinds, 'accesslogpolicies'),
    ).toEqual([{ apiVersion: `${GW}/v1`, resource: 'gateways', names: ['edge'] }, grants, policies]);
    expect(policyRelatedRules(logPolicy('ops', 'p', 't', toShop), kinds, 'accesslogpolicies')).toEqual([
      { apiVersion: `${GW}/v1`, resource: 'httproutes', namespace: 'apps', names: ['shop'] },
      grants,
      policies,
    ]);
  });
});

describe('policy ancestors (GEP-713 status)', () => {
  const gwRef = { group: GW, kind: 'Gateway', name: 'edge', namespace: 'infra' };
  const options = {
    controllerName: OUR_CONTROLLER,
    generation: 3,
    now: '2026-02-01T00:00:00.000Z',
    ownedTypes: ['Accepted', 'Programmed'],
  };
  const accepted = { type: 'Accepted', status: 'True' as const, reason: 'Accepted', message: '' };
  const ancestor = (name: string, namespace = 'infra') => ({ group: GW, kind: 'Gateway', namespace, name });

  it('are the Gateway itself, or the route’s Gateways of our class as its status reports them', () => {
    expect(policyAncestors(gwRef, gateway('infra', 'edge', 'lattice'), OUR_CONTROLLER)).toEqual([ancestor('edge')]);
    const route: KubeObject = {
      apiVersion: `${GW}/v1`,
      kind: 'HTTPRoute',
      metadata: { name: 'shop', namespace: 'apps' },
      status: {
        parents: [
          { parentRef: { name: 'edge', namespace: 'infra', sectionName: 'http' }, controllerName: OUR_CONTROLLER },
          { parentRef: { name: 'edge', namespace: 'infra', sectionName: 'https' }, controllerName: OUR_CONTROLLER },
          { parentRef: { name: 'local' }, controllerName: OUR_CONTROLLER },
          { parentRef: { name: 'envoy' }, controllerName: FOREIGN_CONTROLLER },
        ],
      },
    };
    expect(policyAncestors({ group: GW, kind: 'HTTPRoute', name: 'shop', namespace: 'apps' }, route, OUR_CONTROLLER)).toEqual([
      ancestor('edge'),
      ancestor('local', 'apps'),
    ]);
  });

  it('keep other controllers’ entries in place, update ours keeping lastTransitionTime, drop ours no longer wanted', () => {
    const foreign = {
      ancestorRef: ancestor('edge'),
      controllerName: FOREIGN_CONTROLLER,
      conditions: [{ type: 'Accepted', status: 'False', reason: 'Whatever' }],
    };
    const old = {
      type: 'Accepted',
      status: 'True',
      reason: 'Accepted',
      message: '',
      observedGeneration: 2,
      lastTransitionTime: '2026-01-01T00:00:00.000Z',
    };
    const existing = [
      { ancestorRef: ancestor('gone'), controllerName: OUR_CONTROLLER, conditions: [old] },
      foreign,
      { ancestorRef: ancestor('edge'), controllerName: OUR_CONTROLLER, conditions: [old] },
    ];
    const p = { ...policy('apps', 'p', 't', gwRef), status: { conditions: [old], ancestors: existing, other: 'kept' } } as PolicyObject;
    const status = policyStatus(p, { conditions: [accepted], ancestors: [ancestor('edge'), ancestor('new')] }, options);
    const ours = { ...old, observedGeneration: 3 };
    expect(status).toEqual({
      other: 'kept',
      conditions: [ours],
      ancestors: [
        foreign,
        { ancestorRef: ancestor('edge'), controllerName: OUR_CONTROLLER, conditions: [ours] },
        {
          ancestorRef: ancestor('new'),
          controllerName: OUR_CONTROLLER,
          conditions: [{ ...accepted, observedGeneration: 3, lastTransitionTime: options.now }],
        },
      ],
    });
    // Without ancestors, ours go (and an empty list is not written).
    expect(
      policyStatus({ ...p, status: { ancestors: [existing[0]] } } as PolicyObject, { conditions: [accepted], ancestors: [] }, options),
    ).not.toHaveProperty('ancestors');
  });

  it('never grow past 16 entries', () => {
    const full = Array.from({ length: 15 }, (_, i) => ({
      ancestorRef: ancestor(`gw-${i}`),
      controllerName: FOREIGN_CONTROLLER,
      conditions: [],
    }));
    const merged = mergePolicyAncestors(full, [ancestor('a'), ancestor('b')], OUR_CONTROLLER, () => []);
    expect(merged).toHaveLength(16);
    expect((merged[15] as { ancestorRef: unknown }).ancestorRef).toEqual(ancestor('a'));
  });
});
