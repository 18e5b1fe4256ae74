import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config';
import { createLogger, type Logger } from '../../src/log';
import { buildApp } from '../../src/server/app';
import { createHookMetrics } from '../../src/server/metrics';
import { Readiness } from '../../src/server/readiness';
import { createControllers } from '../../src/controllers/registry';
import type { HookController } from '../../src/controllers/types';

export const FIXED_NOW = new Date('2026-11-26T12:00:00.000Z');

/** A pino destination that keeps every log line as parsed JSON, for assertions on fields. */
export function logSink(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { lines, stream };
}

export interface TestApp {
  app: FastifyInstance;
  config: Config;
  logs: Record<string, unknown>[];
  logger: Logger;
  readiness: Readiness;
}

export async function testApp(
  options: { env?: Record<string, string>; controllers?: HookController[]; now?: Date } = {},
): Promise<TestApp> {
  const config = loadConfig({ LATTICE_BACKEND: 'emulator', LOG_LEVEL: 'debug', ...options.env });
  const sink = logSink();
  const logger = createLogger(config.logLevel, sink.stream);
  const readiness = new Readiness();
  const now = options.now ?? FIXED_NOW;
  const app = await buildApp({
    config,
    logger,
    controllers: options.controllers ?? createControllers(),
    metrics: createHookMetrics({ processMetrics: false }),
    readiness,
    now: () => now,
  });
  return { app, config, logs: sink.lines, logger, readiness };
}

/** A decorator controller of GatewayClasses named `name`, with only `handlers` (a test's probe, a throwing or a slow hook). */
export function gatewayClassDecorator(
  name: string,
  handlers: HookController['handlers'],
  hooks = { customize: false, finalize: false },
): HookController {
  return {
    wiring: {
      kind: 'DecoratorController',
      name,
      description: 'test',
      resources: [{ apiVersion: 'gateway.networking.k8s.io/v1', resource: 'gatewayclasses' }],
      hooks,
    },
    handlers,
  } as HookController;
}
