import type { BenchOptions } from './measure';

export const USAGE = `usage: npm run bench -- [options]

  --routes N           HTTPRoutes in the fleet (default 20)
  --fleet [N]          the big fleet: N routes (default 1000), 2 resync rounds, 100 Gateway hook replays
  --rollout [K]        after the cold start, add K routes one at a time, each converged before the next (default 10)
  --rounds N           periodic resyncs of everything measured as no-op syncs (default 5; 2 with --fleet)
  --gateway-samples N  replays of the Gateway sync hook with every route related (default 20; 100 with --fleet)
  --emulator-rps R     throttle the emulator to R Lattice calls/s and set the server's LATTICE_API_RPS to R
  --emulator-burst B   the emulator's bucket size and the server's LATTICE_API_BURST (default: R)
  --transition-ms N    how long the emulator keeps resources *_IN_PROGRESS (default 20)
  --time-scale X       multiplies the resync delays hooks ask for (default 0.01)
  --replicas N         hook servers behind a round robin, each request to the next (default 1); each
                       gets the whole LATTICE_API_RPS, as each replica of the chart does
  --replica-links 0|1  1: the replicas know each other (REPLICA_ADDRESS, REPLICA_PEERS), as the chart sets
                       them, and hand a route's sync to the replica holding its pass (default); 0: they do not
  --drift-check-seconds S  the server's DRIFT_CHECK_SECONDS (default 86400: no drift check falls within a run,
                       so each phase counts its own calls; 0: verify on every sync)
  --help               this text

Figures are printed; the exit code is 1 when the run went wrong (a route never Programmed, Lattice
not empty after the deletion, a SyncError, a failed hook call, a no-op sync that wrote to Lattice).
`;

export type ParsedOptions = Omit<BenchOptions, 'root' | 'server'>;

const FLAGS = new Set([
  '--routes',
  '--fleet',
  '--rollout',
  '--rounds',
  '--gateway-samples',
  '--emulator-rps',
  '--emulator-burst',
  '--transition-ms',
  '--time-scale',
  '--drift-check-seconds',
  '--replicas',
  '--replica-links',
  '--help',
]);
/** Flags whose value may be left out. */
const OPTIONAL_VALUE: Record<string, number> = { '--fleet': 1000, '--rollout': 10 };

function number(flag: string, text: string | undefined): number {
  const value = Number(text);
  if (text === undefined || text === '' || !Number.isFinite(value) || value < 0)
    throw new Error(`${flag} needs a non-negative number\n${USAGE}`);
  return value;
}

/** `npm run bench -- …` arguments to options (pure). */
export function parseBenchArgs(args: readonly string[]): ParsedOptions | 'help' {
  const given = new Map<string, number>();
  for (let i = 0; i < args.length; i++) {
    const flag = args[i] as string;
    if (!FLAGS.has(flag)) throw new Error(`unknown option ${flag}\n${USAGE}`);
    if (flag === '--help') return 'help';
    const next = args[i + 1];
    if (flag in OPTIONAL_VALUE && (next === undefined || next.startsWith('--'))) {
      given.set(flag, OPTIONAL_VALUE[flag] as number);
      continue;
    }
    given.set(flag, number(flag, next));
    i++;
  }
  const fleet = given.get('--fleet');
  const whole = (flag: string, fallback: number, least = 0) => Math.max(least, Math.floor(given.get(flag) ?? fallback));
  const rps = given.get('--emulator-rps');
  if (rps !== undefined && rps <= 0) throw new Error(`--emulator-rps needs a positive number\n${USAGE}`);
  if (given.has('--emulator-burst') && rps === undefined) throw new Error(`--emulator-burst needs --emulator-rps\n${USAGE}`);
  return {
    routes: Math.max(1, Math.floor(fleet ?? given.get('--routes') ?? 20)),
    rounds: whole('--rounds', fleet === undefined ? 5 : 2, 1),
    rollout: whole('--rollout', 0),
    gatewaySamples: whole('--gateway-samples', fleet === undefined ? 20 : 100),
    transitionMs: given.get('--transition-ms') ?? 20,
    timeScale: given.get('--time-scale') ?? 0.01,
    driftCheckSeconds: whole('--drift-check-seconds', 86400),
    replicas: whole('--replicas', 1, 1),
    replicaLinks: given.get('--replica-links') !== 0,
    ...(rps === undefined
      ? {}
      : { rate: { perSecond: Math.max(1, Math.floor(rps)), burst: Math.max(1, Math.floor(given.get('--emulator-burst') ?? rps)) } }),
  };
}
