import { buildRouteStatus } from '../../../src/gatewayapi/routeStatus';
import type { AnyRoute } from '../../../src/gatewayapi/types';
import { condition } from '../../../src/metacontroller/conditions';
import { route } from '../../support/objects';

const OURS = 'application-networking.k8s.aws/gateway-api-controller';
const OLD = '2026-01-01T00:00:00.000Z';
const NOW = '2026-11-26T12:00:00.000Z';

const foreign = {
  parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'envoy', name: 'eg' },
  controllerName: 'gateway.envoyproxy.io/gatewayclass-controller',
  conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'theirs', observedGeneration: 1, lastTransitionTime: OLD }],
};

function withStatus(parents: unknown[], extra: Record<string, unknown> = {}): AnyRoute {
  const r = route('HTTPRoute', 'apps', 'shop', [
    { name: 'edge', namespace: 'infra' },
    { name: 'eg', namespace: 'envoy' },
  ]) as AnyRoute;
  r.metadata.generation = 2;
  r.status = { parents, ...extra };
  return r;
}

describe('route status merge', () => {
  it('keeps another controller’s parents[] entry unchanged and in place, and adds ours with explicit group and kind', () => {
    const status = buildRouteStatus(
      withStatus([foreign], { 'example.io/extra': 1 }),
      [
        {
          specRef: { name: 'edge', namespace: 'infra' },
          conditions: [condition('Accepted', 'True', 'Accepted'), condition('ResolvedRefs', 'True', 'ResolvedRefs')],
        },
      ],
      { controllerName: OURS, generation: 2, now: NOW },
    );
    expect(status['example.io/extra']).toBe(1);
    const parents = status.parents as Record<string, unknown>[];
    expect(parents[0]).toBe(foreign);
    expect(parents[1]).toEqual({
      parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'infra', name: 'edge' },
      controllerName: OURS,
      conditions: [
        { type: 'Accepted', status: 'True', reason: 'Accepted', message: '', observedGeneration: 2, lastTransitionTime: NOW },
        { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs', message: '', observedGeneration: 2, lastTransitionTime: NOW },
      ],
    });
  });

  it('updates our entry in place keeping lastTransitionTime, and removes our stale entries', () => {
    const ours = (name: string, sectionName?: string) => ({
      parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'infra', name, ...(sectionName ? { sectionName } : {}) },
      controllerName: OURS,
      conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: '', observedGeneration: 1, lastTransitionTime: OLD }],
    });
    const status = buildRouteStatus(
      withStatus([ours('gone'), foreign, ours('edge')]),
      [{ specRef: { name: 'edge', namespace: 'infra' }, conditions: [condition('Accepted', 'True', 'Accepted', 'still')] }],
      {
        controllerName: OURS,
        generation: 2,
        now: NOW,
      },
    );
    const parents = status.parents as {
      parentRef: { name: string };
      conditions: { lastTransitionTime: string; observedGeneration: number }[];
    }[];
    expect(parents.map((p) => p.parentRef.name)).toEqual(['eg', 'edge']);
    expect(parents[1]?.conditions[0]).toMatchObject({ lastTransitionTime: OLD, observedGeneration: 2 });
  });

  it('treats two parentRefs to one Gateway with different sectionNames as two entries', () => {
    const status = buildRouteStatus(
      withStatus([]),
      [
        { specRef: { name: 'edge', namespace: 'infra', sectionName: 'a' }, conditions: [condition('Accepted', 'True', 'Accepted')] },
        {
          specRef: { name: 'edge', namespace: 'infra', sectionName: 'b' },
          conditions: [condition('Accepted', 'False', 'NoMatchingParent')],
        },
      ],
      { controllerName: OURS, generation: 2, now: NOW },
    );
    expect((status.parents as { parentRef: { sectionName: string } }[]).map((p) => p.parentRef.sectionName)).toEqual(['a', 'b']);
  });
});
