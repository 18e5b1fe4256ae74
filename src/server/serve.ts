import { readFileSync } from 'node:fs';
import type { Server as TlsServer } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config';
import { ConfigError } from '../errors';
import type { Logger } from '../log';
import type { HookController } from '../controllers/types';
import { buildApp, type AppOptions } from './app';
import { createHookMetrics, type HookMetrics } from './metrics';
import { Readiness } from './readiness';
import { reloadTlsPeriodically, type TlsReloader } from './tlsReload';

export interface RunningServer {
  readonly app: FastifyInstance;
  /** Base URL, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly readiness: Readiness;
  /** With TLS_CERT_FILE/TLS_KEY_FILE: reads them again periodically and serves a renewed certificate. */
  readonly tlsReloader: TlsReloader | undefined;
  /** Stops accepting connections, lets in-flight hooks finish, then resolves. */
  close(): Promise<void>;
}

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

/** Reads TLS_CERT_FILE/TLS_KEY_FILE; an unreadable file is a configuration error naming the variable. */
export function readTlsFiles(config: Config): TlsFiles | undefined {
  return config.tls ? { cert: readPem('TLS_CERT_FILE', config.tls.certFile), key: readPem('TLS_KEY_FILE', config.tls.keyFile) } : undefined;
}

function readPem(variable: 'TLS_CERT_FILE' | 'TLS_KEY_FILE', file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(variable, `cannot read ${file} (${code})`);
  }
}

export interface StartServerOptions {
  controllers: readonly HookController[];
  aws?: AppOptions['aws'];
  /** Already read TLS files (read from the configuration when absent). */
  tls?: TlsFiles;
  metrics?: HookMetrics;
  readiness?: Readiness;
  now?: () => Date;
  /** The process's AWS call budget (default: one from the configuration). */
  budget?: AppOptions['budget'];
}

export async function startServer(config: Config, logger: Logger, options: StartServerOptions): Promise<RunningServer> {
  const https = options.tls ?? readTlsFiles(config);
  const readiness = options.readiness ?? new Readiness();
  const app = await buildApp({
    config,
    logger,
    controllers: options.controllers,
    metrics: options.metrics ?? createHookMetrics(),
    readiness,
    ...(options.now ? { now: options.now } : {}),
    ...(options.aws ? { aws: options.aws } : {}),
    ...(options.budget ? { budget: options.budget } : {}),
    ...(https ? { https } : {}),
  });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `${https ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url, controllers: options.controllers.map((c) => c.wiring.name), tls: https !== undefined }, 'hook server listening');
  if (config.hookAuthToken === undefined && !isLoopback(config.host))
    logger.warn(
      { host: config.host },
      'HOOK_AUTH_TOKEN is not set: anyone who reaches this port can call the hooks and make the controller change VPC Lattice (install the hook-auth component or the chart, or set the token)',
    );
  const tlsReloader =
    https && config.tls ? reloadTlsPeriodically(app.server as unknown as TlsServer, config.tls, https, logger) : undefined;
  return {
    app,
    url,
    readiness,
    tlsReloader,
    async close() {
      tlsReloader?.stop();
      readiness.markNotReady('shutting down');
      await app.close();
    },
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
