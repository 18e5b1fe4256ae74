import { DEFAULT_CONTROLLER_NAME } from '../../../src/config';
import { assertConditionsObserved, staleConditions, StaleConditionError } from '../../../tools/metacontroller/observedGeneration';

const OURS = DEFAULT_CONTROLLER_NAME;

function cond(type: string, observedGeneration?: number) {
  return {
    type,
    status: 'True',
    reason: type,
    message: '',
    ...(observedGeneration === undefined ? {} : { observedGeneration }),
    lastTransitionTime: '2024-01-01T00:00:00Z',
  };
}

describe('the observedGeneration check of the Metacontroller driver', () => {
  it('finds nothing when every condition of ours carries the generation', () => {
    const status = {
      conditions: [cond('Accepted', 3)],
      listeners: [{ name: 'http', conditions: [cond('Programmed', 3)] }],
      parents: [{ controllerName: OURS, conditions: [cond('Accepted', 3)] }],
      ancestors: [{ controllerName: OURS, conditions: [cond('Accepted', 3)] }],
    };
    expect(staleConditions(status, 3, OURS)).toEqual([]);
  });

  it('finds stale or missing observedGeneration in conditions, listeners, and our parents and ancestors', () => {
    const status = {
      conditions: [cond('Accepted', 3), cond('Programmed', 2)],
      listeners: [{ name: 'http', conditions: [cond('ResolvedRefs')] }],
      parents: [{ controllerName: OURS, conditions: [cond('Accepted', 3), cond('application-networking.k8s.aws/Programmed', 1)] }],
      ancestors: [{ controllerName: OURS, conditions: [cond('Accepted', 4)] }],
    };
    expect(staleConditions(status, 3, OURS)).toEqual([
      { path: 'status.conditions', type: 'Programmed', observedGeneration: 2 },
      { path: 'status.listeners[0].conditions', type: 'ResolvedRefs', observedGeneration: undefined },
      { path: 'status.parents[0].conditions', type: 'application-networking.k8s.aws/Programmed', observedGeneration: 1 },
      { path: 'status.ancestors[0].conditions', type: 'Accepted', observedGeneration: 4 },
    ]);
  });

  it("leaves other controllers' parent and ancestor entries alone, and the controllerName decides which are ours", () => {
    const status = {
      parents: [{ controllerName: 'example.com/other', conditions: [cond('Accepted', 1)] }],
      ancestors: [{ controllerName: 'example.com/other', conditions: [cond('Accepted', 1)] }],
    };
    expect(staleConditions(status, 2, OURS)).toEqual([]);
    expect(staleConditions(status, 2, 'example.com/other').map((c) => c.path)).toEqual([
      'status.parents[0].conditions',
      'status.ancestors[0].conditions',
    ]);
  });

  it('ignores statuses without conditions and malformed entries', () => {
    expect(staleConditions({ observedGeneration: 1, parents: [null, 'x'], listeners: 'none', conditions: [null] }, 2, OURS)).toEqual([]);
  });

  it('throws naming the object, the generation, and each stale condition with its observedGeneration', () => {
    expect(() => assertConditionsObserved('HTTPRoute apps/shop', { conditions: [cond('Accepted', 2)] }, 2, OURS)).not.toThrow();
    const status = {
      parents: [{ controllerName: OURS, conditions: [cond('Accepted', 2), cond('application-networking.k8s.aws/Programmed', 1)] }],
      conditions: [cond('Ready')],
    };
    expect(() => assertConditionsObserved('HTTPRoute apps/shop', status, 2, OURS)).toThrow(StaleConditionError);
    expect(() => assertConditionsObserved('HTTPRoute apps/shop', status, 2, OURS)).toThrow(
      'HTTPRoute apps/shop is at generation 2 but its status carries stale conditions: status.conditions Ready: observedGeneration missing; status.parents[0].conditions application-networking.k8s.aws/Programmed: observedGeneration 1',
    );
  });
});
