import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from '../src/config';
import { startEmulator } from '../src/emulator';
import { AdminApi } from '../tools/emulatorAdmin';
import type { FakeCluster } from '../tools/metacontroller/cluster';
import { clusterWithDriver } from '../tools/metacontroller/clusterWithDriver';
import type { MetacontrollerDriver } from '../tools/metacontroller/driver';
import { scaledDelays, startHookService } from '../tools/hookService';
import { MemorySampler, type MemoryPeak } from './memory';
import { startRoundRobin } from './roundRobin';
import { freePorts, replicaEnvs } from '../tools/freePorts';

export interface BenchEnvironmentOptions {
  root: string;
  transitionMs: number;
  timeScale: number;
  /** The server's DRIFT_CHECK_SECONDS. */
  driftCheckSeconds: number;
  /** Emulator throttle and the server's LATTICE_API_RPS / LATTICE_API_BURST; none: unthrottled. */
  rate?: { perSecond: number; burst: number };
  /**
   * `child`: the server runs alone in a forked process (its memory is its own); needs the
   * compiled benchmark. `in-process`: server, emulator and driver share this process.
   */
  server: 'child' | 'in-process';
  /** Hook servers (replicas), behind a round robin when more than one (default 1). */
  replicas?: number;
  /** Replicas know each other's addresses, as the chart sets them (default true). */
  replicaLinks?: boolean;
  /** Emulator quotas to raise (a big fleet needs more target groups than Lattice's default 500). */
  quotas?: Record<string, number>;
}

export interface BenchEnvironment {
  cluster: FakeCluster;
  driver: MetacontrollerDriver;
  admin: AdminApi;
  /** Where hook calls go: the server, or the round robin in front of the replicas. */
  serverUrl: string;
  /** Hook calls each replica served (one replica: undefined). */
  servedByReplica?: () => number[];
  /** The server's HOOK_DEADLINE_MS. */
  hookDeadlineMs: number;
  /** Peak memory of the server's process, the largest replica's (in-process: of the whole benchmark). */
  peakMemory(): Promise<MemoryPeak>;
  close(): Promise<void>;
}

function serverEnv(options: BenchEnvironmentOptions): Record<string, string> {
  const env: Record<string, string> = {
    LATTICE_BACKEND: 'emulator',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    ...scaledDelays(options.timeScale),
    DRIFT_CHECK_SECONDS: String(options.driftCheckSeconds),
  };
  if (options.rate) {
    // Each replica's own budget, as the chart sets it: together they may exceed the account's
    // rate, and the emulator's throttling slows them down (each budget halves its rate on it).
    env.LATTICE_API_RPS = String(options.rate.perSecond);
    env.LATTICE_API_BURST = String(options.rate.burst);
  }
  return env;
}

async function inProcessServer(
  env: Record<string, string>,
  endpoint: string,
  closers: (() => Promise<void> | void)[],
): Promise<{ url: string; peak: () => Promise<MemoryPeak> }> {
  const sampler = new MemorySampler();
  closers.push(() => sampler.stop());
  const service = await startHookService(env, endpoint);
  closers.push(() => service.close());
  return { url: service.server.url, peak: async () => sampler.peak() };
}

function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type?: string }) => {
      if (message?.type !== type) return;
      child.off('exit', onExit);
      child.off('message', onMessage);
      resolve(message as T);
    };
    const onExit = (code: number | null) => reject(new Error(`the bench server exited (${code}) before answering ${type}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

async function childServer(
  env: Record<string, string>,
  endpoint: string,
  closers: (() => Promise<void> | void)[],
): Promise<{ url: string; peak: () => Promise<MemoryPeak> }> {
  const child = fork(join(__dirname, 'serverProcess.js'), [], {
    env: {
      PATH: process.env.PATH ?? '',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...env,
      BENCH_EMULATOR_ENDPOINT: endpoint,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  closers.push(async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.send('close');
    await exited;
  });
  const { url } = await nextMessage<{ url: string }>(child, 'ready');
  return {
    url,
    peak: async () => {
      const answer = nextMessage<{ peak: MemoryPeak }>(child, 'memory');
      child.send('memory');
      return (await answer).peak;
    },
  };
}

/** The emulator (here), the hook server (here or in a child) and a Metacontroller driver reading `metacontroller/`. */
export async function startBenchEnvironment(options: BenchEnvironmentOptions): Promise<BenchEnvironment> {
  const closers: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    const emulator = await startEmulator({ port: 0, transitionMs: options.transitionMs });
    closers.push(() => emulator.close());
    const admin = new AdminApi(emulator.endpoint);
    if (options.quotas && Object.keys(options.quotas).length > 0) await admin.config({ quotas: options.quotas });
    if (options.rate) await admin.config({ throttle: { ratePerSecond: options.rate.perSecond, burst: options.rate.burst } });
    const replicas = Math.max(1, options.replicas ?? 1);
    const linked = replicas > 1 && options.replicaLinks !== false ? replicaEnvs(await freePorts(replicas)) : [];
    const servers: { url: string; peak: () => Promise<MemoryPeak> }[] = [];
    for (let i = 0; i < replicas; i++) {
      const env = { ...serverEnv(options), ...linked[i] };
      servers.push(
        options.server === 'child'
          ? await childServer(env, emulator.endpoint, closers)
          : await inProcessServer(env, emulator.endpoint, closers),
      );
    }
    const front = servers.length > 1 ? await startRoundRobin(servers.map((s) => s.url)) : undefined;
    if (front) closers.push(() => front.close());
    const server = {
      url: front?.url ?? (servers[0] as { url: string }).url,
      peak: async (): Promise<MemoryPeak> => {
        const peaks = await Promise.all(servers.map((s) => s.peak()));
        return peaks.reduce((largest, peak) => (peak.rssBytes > largest.rssBytes ? peak : largest));
      },
    };
    const { cluster, driver } = clusterWithDriver({
      baseUrl: server.url,
      manifestsDir: join(options.root, 'metacontroller'),
      timeScale: options.timeScale,
    });
    closers.push(() => driver.close());
    return {
      cluster,
      driver,
      admin,
      serverUrl: server.url,
      ...(front ? { servedByReplica: () => front.served() } : {}),
      hookDeadlineMs: loadConfig(serverEnv(options)).hookDeadlineMs,
      peakMemory: server.peak,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
