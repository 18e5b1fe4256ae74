import { join } from 'node:path';
import { benchProblems, runBench, type BenchResult } from '../../bench/measure';
import { benchReport } from '../../bench/report';

describe('npm run bench (a small run, so that it cannot rot; figures are call counts, never times)', () => {
  let result: BenchResult;

  beforeAll(async () => {
    result = await runBench({ root: join(__dirname, '..', '..'), routes: 3, rounds: 2, transitionMs: 5, timeScale: 0.005 });
  });

  it('converges, tears down to an empty Lattice, and finds nothing wrong with the run', () => {
    expect(benchProblems(result)).toEqual([]);
    expect(result.created).toMatchObject({ services: 3, rules: 9, targetGroups: 6 });
  });

  it('steady-state resyncs read a bounded number of times per route and never write', () => {
    const routes = result.steady.find((h) => h.controller === 'lattice-httproute');
    expect(routes).toMatchObject({ syncs: 6, awsWritesPerSync: 0 });
    // Service, listener, its rules, each target group and its targets, the association: no List of the account.
    expect(routes?.awsReadsPerSync).toBeLessThanOrEqual(12);
    expect(result.steady.every((h) => h.awsWritesPerSync === 0)).toBe(true);
  });

  it('a change to one route touches only that route: one new rule, and a priority batch', () => {
    expect(result.change.aws.writes).toBeLessThanOrEqual(2);
    expect(result.change.aws.byOperation).toMatchObject({ CreateRule: 1 });
    expect(result.change.aws.reads + result.change.aws.writes).toBeLessThan(result.converge.aws.reads / 3);
  });

  it('the teardown reads each route\'s rules once and never lists the account', () => {
    // The rules are read in the pass that deletes the service, not in every pass that waits.
    expect(result.teardown.aws.byOperation.ListRules).toBe(3);
    // The service ARN stays recorded until the teardown is done: a Get, not a List by name.
    expect(result.teardown.aws.byOperation.ListServices).toBeUndefined();
    expect(result.teardown.aws.byOperation).toMatchObject({ DeleteService: 3, DeleteTargetGroup: 6 });
  });

  it('prints the figures', () => {
    const lines = benchReport(result);
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^\s+converge\s+\d/), expect.stringMatching(/^\s+lattice-httproute\s+6\s/)]));
    expect(lines.at(-1)).toBe('Lattice after teardown:   0 service networks, 0 services, 0 listeners, 0 rules, 0 target groups, 0 VPC associations, 0 Lambda invoke permissions');
  });
});
