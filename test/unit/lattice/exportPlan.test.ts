import { planExportVisibility, planWithdrawals } from '../../../src/lattice/exportPlan';
import { planTargetGroups, type TargetGroupOp } from '../../../src/lattice/targetGroupPlan';
import type { ObservedTargetGroup } from '../../../src/lattice/targetGroupState';
import type { TargetGroupModel } from '../../../src/model/targetGroups';

const PENDING = 'application-networking.k8s.aws/ExportPending';
const WITHDRAWN = 'application-networking.k8s.aws/Withdrawn';

const h2: TargetGroupModel = {
  key: 'shop/reviews:80',
  name: 'k8s-export-shop-reviews-80-h2',
  config: { port: 80, protocol: 'HTTP', protocolVersion: 'HTTP2' },
  tags: { [PENDING]: 'true' },
  targets: [{ id: '10.2.0.1', port: 8080 }],
};

const group = (overrides: Partial<ObservedTargetGroup>): ObservedTargetGroup => ({
  arn: 'arn:tg/tg-new',
  id: 'tg-new',
  name: h2.name,
  status: 'ACTIVE',
  config: { port: 80, protocol: 'HTTP', protocolVersion: 'HTTP2' },
  serviceArns: [],
  targets: [{ id: '10.2.0.1', port: 8080, status: 'HEALTHY' }],
  tags: {},
  ...overrides,
});
const old = group({
  arn: 'arn:tg/tg-old',
  id: 'tg-old',
  name: 'k8s-export-shop-reviews-80-h1',
  config: { port: 80, protocol: 'HTTP', protocolVersion: 'HTTP1' },
  serviceArns: ['arn:svc/importer'],
});

function plan(desired: TargetGroupModel[], observed: ObservedTargetGroup[]): { ops: TargetGroupOp[]; waits: string[] } {
  const ops: TargetGroupOp[] = [];
  const waits: string[] = [];
  planTargetGroups(desired, observed, ops, waits);
  planExportVisibility(desired, observed, ops, waits);
  return { ops, waits };
}

describe('export plan: a TargetGroupPolicy replaces an exported group that another cluster uses', () => {
  it('creates the replacement hidden and keeps the old group serving, not withdrawn, while it fills', () => {
    const first = plan([h2], [old]);
    expect(first.ops).toEqual([{ kind: 'createTargetGroup', targetGroup: h2 }]);
    expect(first.waits).toContain(
      'target group k8s-export-shop-reviews-80-h1 keeps serving arn:svc/importer until its replacement holds its targets',
    );
    const filling = plan([h2], [old, group({ targets: [], tags: { [PENDING]: 'true' } })]);
    expect(filling.ops.map((o) => o.kind)).toEqual(['registerTargets']);
  });

  it('shows the replacement once its targets are registered, then tells importers the old group is withdrawn', () => {
    const ready = plan([h2], [old, group({ tags: { [PENDING]: 'true' } })]);
    expect(ready.ops).toEqual([
      { kind: 'untagTargetGroup', targetGroupArn: 'arn:tg/tg-new', targetGroupName: h2.name, tagKeys: [PENDING] },
      { kind: 'tagTargetGroup', targetGroupArn: 'arn:tg/tg-old', targetGroupName: old.name, tags: { [WITHDRAWN]: 'true' } },
    ]);
    // Tagged already: nothing is written again while importers move away; once unused it retires.
    expect(plan([h2], [group({}), { ...old, tags: { [WITHDRAWN]: 'true' } }]).ops).toEqual([]);
    expect(plan([h2], [group({}), { ...old, serviceArns: [] }]).ops).toEqual([
      { kind: 'retireTargetGroup', targetGroupArn: 'arn:tg/tg-old', targetGroupName: old.name },
    ]);
  });

  it('shows again a wanted group that was withdrawn (its Service came back)', () => {
    expect(plan([h2], [group({ tags: { [WITHDRAWN]: 'true' } })]).ops).toEqual([
      { kind: 'untagTargetGroup', targetGroupArn: 'arn:tg/tg-new', targetGroupName: h2.name, tagKeys: [WITHDRAWN] },
    ]);
  });
});

describe('export plan: withdraw, then retire', () => {
  it('withdraws a group no longer exported that a rule still uses, and retires one nobody uses', () => {
    const ops: TargetGroupOp[] = [];
    const waits: string[] = [];
    planWithdrawals([old, group({ serviceArns: [] })], ops, waits);
    expect(ops).toEqual([
      { kind: 'tagTargetGroup', targetGroupArn: 'arn:tg/tg-old', targetGroupName: old.name, tags: { [WITHDRAWN]: 'true' } },
      { kind: 'retireTargetGroup', targetGroupArn: 'arn:tg/tg-new', targetGroupName: h2.name },
    ]);
    expect(waits).toEqual([
      `target group ${old.name} is no longer exported but still used by arn:svc/importer; importers were told it is withdrawn`,
    ]);
  });
});
