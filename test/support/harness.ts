import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { createControllers } from '../../src/controllers/registry';
import { createHookMetrics } from '../../src/server/metrics';
import { startServer, type RunningServer } from '../../src/server/serve';
import { FakeCluster } from './metacontroller/cluster';
import { MetacontrollerDriver } from './metacontroller/driver';
import { logSink } from './app';

export const MANIFESTS_DIR = join(__dirname, '..', '..', 'metacontroller');

export interface Harness {
  server: RunningServer;
  cluster: FakeCluster;
  driver: MetacontrollerDriver;
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/** The hook server on a real port, a fake cluster and a Metacontroller driver reading `metacontroller/`. */
export async function startHarness(options: { env?: Record<string, string>; timeScale?: number } = {}): Promise<Harness> {
  const config = loadConfig({ LATTICE_BACKEND: 'emulator', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug', ...options.env });
  const sink = logSink();
  const server = await startServer(config, createLogger(config.logLevel, sink.stream), {
    controllers: createControllers(),
    metrics: createHookMetrics({ processMetrics: false }),
  });
  const cluster = new FakeCluster();
  const token = config.hookAuthToken;
  const driver = new MetacontrollerDriver({
    cluster,
    baseUrl: server.url,
    manifestsDir: MANIFESTS_DIR,
    timeScale: options.timeScale ?? 0.01,
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  });
  return {
    server,
    cluster,
    driver,
    logs: sink.lines,
    async close() {
      await driver.close();
      await server.close();
    },
  };
}
