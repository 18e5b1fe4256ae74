import { parseBenchArgs } from '../../../bench/options';
import { fleetQuotas } from '../../../bench/fleet';

describe('npm run bench -- options', () => {
  it('defaults to a small, fast run', () => {
    expect(parseBenchArgs([])).toEqual({
      routes: 20,
      rounds: 5,
      rollout: 0,
      gatewaySamples: 20,
      transitionMs: 20,
      timeScale: 0.01,
      driftCheckSeconds: 86400,
      replicas: 1,
      replicaLinks: true,
    });
    expect(parseBenchArgs(['--drift-check-seconds', '600'])).toMatchObject({ driftCheckSeconds: 600 });
  });

  it('--fleet alone is 1,000 routes; --rollout alone is 10 routes', () => {
    expect(parseBenchArgs(['--fleet', '--rollout'])).toMatchObject({ routes: 1000, rounds: 2, rollout: 10, gatewaySamples: 100 });
    expect(parseBenchArgs(['--fleet', '200', '--rollout', '3', '--rounds', '1'])).toMatchObject({ routes: 200, rounds: 1, rollout: 3 });
  });

  it('--emulator-rps sets the emulator throttle and the server budget, burst defaulting to the rate', () => {
    expect(parseBenchArgs(['--emulator-rps', '10'])).toMatchObject({ rate: { perSecond: 10, burst: 10 } });
    expect(parseBenchArgs(['--emulator-rps', '10', '--emulator-burst', '20'])).toMatchObject({ rate: { perSecond: 10, burst: 20 } });
    expect(parseBenchArgs([])).not.toHaveProperty('rate');
  });

  it('--replicas puts several servers behind a round robin', () => {
    expect(parseBenchArgs(['--replicas', '2'])).toMatchObject({ replicas: 2 });
    expect(parseBenchArgs(['--replicas', '0'])).toMatchObject({ replicas: 1 });
    expect(parseBenchArgs(['--replicas', '2', '--replica-links', '0'])).toMatchObject({ replicas: 2, replicaLinks: false });
  });

  it('refuses what it does not know', () => {
    expect(parseBenchArgs(['--help'])).toBe('help');
    expect(() => parseBenchArgs(['--route', '3'])).toThrow(/unknown option --route/);
    expect(() => parseBenchArgs(['--routes'])).toThrow(/--routes needs a non-negative number/);
    expect(() => parseBenchArgs(['--emulator-rps', '0'])).toThrow(/positive/);
    expect(() => parseBenchArgs(['--emulator-burst', '5'])).toThrow(/needs --emulator-rps/);
  });
});

describe('the quotas a fleet needs', () => {
  it("raises only what Lattice's defaults do not cover, with headroom", () => {
    expect(fleetQuotas(20)).toEqual({});
    expect(fleetQuotas(250)).toEqual({});
    expect(fleetQuotas(1000)).toEqual({ targetGroupsPerRegion: 2200, serviceAssociationsPerServiceNetwork: 1100 });
  });
});
