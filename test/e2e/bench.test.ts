import { join } from 'node:path';
import { benchProblems, runBench, type BenchResult, type PhaseFigures } from '../../bench/measure';
import { benchReport } from '../../bench/report';

const root = join(__dirname, '..', '..');

function phase(result: BenchResult, name: string): PhaseFigures {
  const found = result.phases.find((p) => p.name.startsWith(name));
  if (!found) throw new Error(`no phase ${name}`);
  return found;
}

describe('npm run bench (a small run, so that it cannot rot; figures are call counts, never times)', () => {
  let result: BenchResult;

  beforeAll(async () => {
    result = await runBench({
      root,
      routes: 3,
      rounds: 2,
      rollout: 2,
      gatewaySamples: 3,
      transitionMs: 5,
      timeScale: 0.005,
      driftCheckSeconds: 600,
      server: 'in-process',
    });
  }, 60_000);

  it('converges, tears down to an empty Lattice, and finds nothing wrong with the run', () => {
    expect(benchProblems(result)).toEqual([]);
    expect(result.created).toMatchObject({ services: 3, rules: 9, targetGroups: 6 });
    expect(result).toMatchObject({ syncErrors: 0, failedHooks: 0, pastDeadline: 0, pastTimeout: 0 });
  });

  it('counts the minimum of each phase from the emulator state: the creates and deletes it had to make', () => {
    // Per route: service, listener, 3 rules, 2 target groups, 2 RegisterTargets, the association; plus the network and its VPC association.
    expect(phase(result, 'cold start').minimum).toMatchObject({ creates: 1 + 1 + 3 * 8, targets: 3 * 2, total: 32 });
    expect(phase(result, 'cold start').aws.writes).toBeGreaterThanOrEqual(32);
    expect(phase(result, 'rollout').minimum.total).toBe(2 * 10);
    expect(result.rollout?.minimum).toMatchObject({ p50: 10, max: 10, count: 2 });
    // The new rule, and the priorities of the rules behind it in one batch.
    expect(phase(result, 'change one route').minimum).toMatchObject({ creates: 1, updates: 1, total: 2 });
    // Its association, service and 2 target groups.
    expect(phase(result, 'delete one route').minimum).toMatchObject({ deletes: 4, total: 4 });
    // Per route left: association, service, 2 target groups; plus the VPC association and the network.
    expect(phase(result, 'deletion').minimum).toMatchObject({ deletes: 4 * 4 + 2, total: 18 });
    expect(phase(result, 'no-op resync').minimum.total).toBe(0);
    expect(phase(result, 'Gateway label change').minimum.total).toBe(0);
    expect(phase(result, 'cold start').rateBoundMs).toBeUndefined();
    expect(phase(result, 'cold start').callsAtRateMs).toBeUndefined();
  });

  it('no-op syncs: AWS calls per sync from the emulator counters, never a write', () => {
    const routes = result.noop.find((h) => h.controller === 'lattice-httproute');
    expect(routes?.latency.count).toBe(2 * 3);
    expect(routes?.awsPerCall?.writes).toBe(0);
    expect(routes?.awsPerCall?.max).toBeLessThanOrEqual(12);
    const perSync = result.noop.reduce((sum, h) => sum + (h.awsPerCall?.mean ?? 0) * h.latency.count, 0);
    expect(result.noopAll.awsPerCall?.mean).toBeCloseTo(perSync / result.noopAll.latency.count);
    expect(phase(result, 'no-op resync').aws.writes).toBe(0);
    expect(phase(result, 'Gateway label change').aws.writes).toBe(0);
  });

  it('replays the Gateway hook with every route related, and sizes every hook request', () => {
    expect(result.gatewayHook).toMatchObject({ relatedRoutes: 3 });
    expect(result.gatewayHook?.latency.count).toBe(3);
    const gatewaySync = result.bodies.find((h) => h.controller === 'lattice-gateway' && h.hook === 'sync');
    expect(gatewaySync?.requestBytes.max).toBeGreaterThan(1000);
    expect(result.serverMemory.rssBytes).toBeGreaterThan(result.serverMemory.heapUsedBytes);
  });

  it('prints the figures', () => {
    const lines = benchReport(result);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\s+cold start\s+\d+\s+\d+\s+\d+\s+\d+\s+32\s/),
        expect.stringMatching(/^\s+rollout \(2 routes\)\s/),
        expect.stringMatching(/^\s+lattice-httproute\s+6\s/),
        expect.stringMatching(/^Gateway sync hook with 3 related routes/),
        expect.stringMatching(/^SyncError events: no; failed hook calls \(neither 200 nor 429\): no$/),
      ]),
    );
    expect(lines.at(-1)).toBe(
      'Lattice after the deletion:   0 service networks, 0 services, 0 listeners, 0 rules, 0 target groups, 0 VPC associations, 0 Lambda invoke permissions',
    );
  });
});

describe('npm run bench -- --emulator-rps (the emulator throttled, the server budgeted to the same rate)', () => {
  it('sets the wall time beside minimum calls / rate and still converges without a SyncError', async () => {
    const result = await runBench({
      root,
      routes: 1,
      rounds: 1,
      rollout: 0,
      gatewaySamples: 0,
      transitionMs: 5,
      timeScale: 0.005,
      driftCheckSeconds: 600,
      server: 'in-process',
      rate: { perSecond: 50, burst: 5 },
    });
    expect(benchProblems(result)).toEqual([]);
    const cold = phase(result, 'cold start');
    expect(cold.rateBoundMs).toBeCloseTo((cold.minimum.total / 50) * 1000);
    // The calls the emulator admitted ÷ its rate: no more than every call received.
    expect(cold.callsAtRateMs).toBeGreaterThan(0);
    expect(cold.callsAtRateMs).toBeLessThanOrEqual(((cold.aws.reads + cold.aws.writes) / 50) * 1000);
    // Every Lattice call waited for the server's budget: the phase cannot beat the rate.
    expect(cold.wallMs).toBeGreaterThanOrEqual(((cold.aws.reads + cold.aws.writes - 5) / 50) * 1000 * 0.9);
    expect(result.gatewayHook).toBeUndefined();
  }, 60_000);
});

describe('npm run bench -- --replicas 2 (two servers behind a round robin)', () => {
  it('spreads the hook calls over both servers and still converges and tears down without a SyncError', async () => {
    const result = await runBench({
      root,
      routes: 2,
      rounds: 1,
      rollout: 0,
      gatewaySamples: 2,
      transitionMs: 5,
      timeScale: 0.005,
      driftCheckSeconds: 600,
      server: 'in-process',
      replicas: 2,
    });
    expect(benchProblems(result)).toEqual([]);
    const served = result.servedByReplica ?? [];
    expect(served).toHaveLength(2);
    // Each request goes to the next server: the two differ by at most one.
    expect(Math.abs((served[0] ?? 0) - (served[1] ?? 0))).toBeLessThanOrEqual(1);
    expect((served[0] ?? 0) + (served[1] ?? 0)).toBeGreaterThan(result.phases.reduce((sum, p) => sum + p.hookCalls, 0));
    expect(benchReport(result)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('2 servers behind a round robin'),
        expect.stringMatching(/^Hook calls per server: \d+, \d+$/),
      ]),
    );
  }, 60_000);
});
