import { minimumCalls } from '../../../bench/minimumCalls';
import type { EmulatorState, StateEntry } from '../../../tools/emulatorAdmin';

function state(parts: Partial<EmulatorState> = {}): EmulatorState {
  return {
    serviceNetworks: [],
    services: [],
    listeners: [],
    rules: [],
    targetGroups: [],
    serviceNetworkServiceAssociations: [],
    serviceNetworkVpcAssociations: [],
    authPolicies: [],
    resourcePolicies: [],
    accessLogSubscriptions: [],
    ...parts,
  };
}

const target = (id: string, status = 'HEALTHY') => ({ id, port: 8080, status });

/** A route as the controller builds it: service, listener (with its default rule), two rules, a target group, an association. */
function route(n: number, overrides: { targets?: unknown[]; priority?: number; status?: string } = {}): Partial<EmulatorState> {
  const svc = `svc-${n}`;
  const listener = `listener-${n}`;
  const status = overrides.status ?? 'ACTIVE';
  const rules: StateEntry[] = [
    { id: `rule-${n}-default`, serviceId: svc, listenerId: listener, isDefault: true, action: { fixedResponse: { statusCode: 404 } } },
    {
      id: `rule-${n}-a`,
      serviceId: svc,
      listenerId: listener,
      isDefault: false,
      priority: overrides.priority ?? 1,
      action: { forward: { targetGroups: [{ targetGroupIdentifier: `tg-${n}`, weight: 1 }] } },
    },
    {
      id: `rule-${n}-b`,
      serviceId: svc,
      listenerId: listener,
      isDefault: false,
      priority: 2,
      action: { forward: { targetGroups: [{ targetGroupIdentifier: `tg-${n}`, weight: 1 }] } },
    },
  ];
  return {
    services: [{ id: svc, name: `route-${n}`, status, tags: { owner: 'us' } }],
    listeners: [{ id: listener, serviceId: svc, port: 80 }],
    rules,
    targetGroups: [{ id: `tg-${n}`, status, targets: overrides.targets ?? [target('10.0.0.1'), target('10.0.0.2')], serviceArns: [svc] }],
    serviceNetworkServiceAssociations: [{ id: `snsa-${n}`, serviceId: svc, serviceNetworkId: 'sn-1', status }],
  };
}

function merge(...parts: Partial<EmulatorState>[]): EmulatorState {
  const out = state();
  for (const part of parts)
    for (const [key, entries] of Object.entries(part) as [keyof EmulatorState, StateEntry[]][]) (out[key] ??= []).push(...entries);
  return out;
}

describe('the minimum Lattice calls between two emulator states', () => {
  it('a new route: one create per resource, default rule excluded, one RegisterTargets per group with targets', () => {
    const calls = minimumCalls(state(), merge(route(1)));
    // service, listener, 2 rules, target group, association; RegisterTargets once.
    expect(calls).toEqual({ creates: 6, deletes: 0, updates: 0, targets: 1, tags: 0, total: 7 });
  });

  it('nothing changed (statuses, timestamps and derived fields aside): no call', () => {
    const before = merge(
      route(1, { status: 'CREATE_IN_PROGRESS', targets: [target('10.0.0.1', 'INITIAL'), target('10.0.0.2', 'INITIAL')] }),
    );
    expect(minimumCalls(before, merge(route(1))).total).toBe(0);
    const network = (services: number) => ({ serviceNetworks: [{ id: 'sn-1', name: 'n', numberOfAssociatedServices: services }] });
    expect(minimumCalls(merge(network(1)), merge(network(2))).total).toBe(0);
  });

  it('a deleted route: the association, the service (listeners and rules go with it) and the group', () => {
    expect(minimumCalls(merge(route(1), route(2)), merge(route(2)))).toEqual({
      creates: 0,
      deletes: 3,
      updates: 0,
      targets: 0,
      tags: 0,
      total: 3,
    });
    // A resource still DELETE_IN_PROGRESS is deleted already.
    expect(minimumCalls(merge(route(1)), merge(route(1, { status: 'DELETE_IN_PROGRESS' }))).deletes).toBe(3);
  });

  it('changed rules of one listener are one batch; targets added and removed are one call each', () => {
    const before = merge(route(1));
    const after = merge(route(1, { priority: 3, targets: [target('10.0.0.2'), target('10.0.0.3'), target('10.0.0.1', 'DRAINING')] }));
    expect(minimumCalls(before, after)).toEqual({ creates: 0, deletes: 0, updates: 1, targets: 2, tags: 0, total: 3 });
  });

  it('tags set and tags removed', () => {
    const before = merge(route(1));
    const after = merge(route(1));
    after.services[0] = { ...after.services[0], tags: { team: 'a' } };
    expect(minimumCalls(before, after).tags).toBe(2);
  });

  it('policies: put when new or changed, deleted on their own only when their resource stays', () => {
    const before = merge(route(1), route(2), {
      authPolicies: [
        { resourceId: 'svc-1', policy: 'a' },
        { resourceId: 'svc-2', policy: 'b' },
      ],
    });
    const after = merge(route(1), {
      authPolicies: [{ resourceId: 'svc-1', policy: 'changed' }],
      resourcePolicies: [{ resourceId: 'svc-1', policy: 'r' }],
    });
    expect(minimumCalls(before, after)).toMatchObject({ creates: 1, updates: 1, deletes: 3 });
  });
});
