import { DEFAULT_PENDING_RECHECK_MS, loadConfig, type Config } from '../src/config';
import { createControllers } from '../src/controllers/registry';
import { startLatticeBackend, type LatticeBackend } from '../src/lattice/backend';
import type { CallBudget } from '../src/lattice/callBudget';
import { createLogger } from '../src/log';
import { createHookMetrics } from '../src/server/metrics';
import { startServer, type RunningServer } from '../src/server/serve';

export interface HookService {
  config: Config;
  backend: LatticeBackend;
  server: RunningServer;
  /** Stops the server, then destroys its AWS clients (the emulator keeps running). */
  close(): Promise<void>;
}

/**
 * The server settings that are delays, scaled like the driver's resyncs (`timeScale`): a
 * converging object's recheck matches its "look again in 5 s" as the driver times it.
 */
export function scaledDelays(timeScale: number): Record<string, string> {
  return { PENDING_RECHECK_MS: String(Math.max(1, Math.round(DEFAULT_PENDING_RECHECK_MS * timeScale))) };
}

/**
 * The hook server as `lattice-gw serve` wires it, talking to an emulator that runs elsewhere
 * (the demo's, the benchmark's, a test's). `env` is read like the server's environment; logs go
 * to `logStream` (stdout when absent) at its LOG_LEVEL.
 */
export async function startHookService(
  env: Record<string, string | undefined>,
  emulatorEndpoint: string,
  logStream?: Parameters<typeof createLogger>[1],
  /** The server's clock (tests move it). */
  now?: () => Date,
  /** The server's AWS call budget (tests make it busy). */
  budget?: CallBudget,
): Promise<HookService> {
  const config = loadConfig({ LATTICE_BACKEND: 'emulator', ...env });
  const log = createLogger(config.logLevel, logStream);
  const backend = await startLatticeBackend(config, log, emulatorEndpoint);
  try {
    const server = await startServer(config, log, {
      controllers: createControllers({ externalDnsEndpoints: config.externalDnsEndpoints }),
      metrics: createHookMetrics({ processMetrics: false }),
      aws: backend,
      ...(now ? { now } : {}),
      ...(budget ? { budget } : {}),
    });
    return {
      config,
      backend,
      server,
      async close() {
        try {
          await server.close();
        } finally {
          await backend.close();
        }
      },
    };
  } catch (error) {
    await backend.close();
    throw error;
  }
}
