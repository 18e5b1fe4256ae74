import { parseJsonAsItArrives } from './jsonBody';
import type { Server } from 'node:http';
import Fastify, { LogController, type FastifyInstance, type FastifyRouterOptions } from 'fastify';
import type { Config } from '../config';
import type { Logger } from '../log';
import type { HookController } from '../controllers/types';
import { CallBudget } from '../lattice/callBudget';
import { answerClientError, HTTP_SERVER_OPTIONS, httpsServerOptions } from './connections';
import { answerError, errorHandlingPlugin } from './errorHandling';
import { HOOKS_PREFIX } from './hookRoute';
import type { AwsAccess } from './hookContext';
import { hooksPlugin } from './hooks';
import { createHookMetrics, type HookMetrics } from './metrics';
import { operationsPlugin } from './operations';
import { Readiness } from './readiness';

export interface AppOptions {
  config: Config;
  logger: Logger;
  controllers: readonly HookController[];
  metrics?: HookMetrics;
  readiness?: Readiness;
  now?: () => Date;
  /** PEM key and certificate: the server speaks HTTPS. */
  https?: { key: Buffer; cert: Buffer };
  /** AWS clients and identity; hooks that need Lattice fail without them. */
  aws?: AwsAccess;
  /** The process's AWS call budget (default: one from LATTICE_API_RPS and LATTICE_API_BURST). */
  budget?: CallBudget;
}

/**
 * One spelling per route: Metacontroller calls exactly the URLs of `metacontroller/`, so a path
 * that differs in case, slashes or a `;` suffix is a 404, not a second way in. (Fastify's
 * defaults, stated so that nobody loosens them by accident; find-my-way's types do not list
 * `useSemicolonDelimiter` yet.)
 */
const ROUTER_OPTIONS: FastifyRouterOptions<Server> & { useSemicolonDelimiter: boolean } = {
  caseSensitive: true,
  ignoreTrailingSlash: false,
  ignoreDuplicateSlashes: false,
  useSemicolonDelimiter: false,
};

/** Idle keep-alive sockets outlive Metacontroller's (Go: 90 s), so the client always closes first. */
const KEEP_ALIVE_TIMEOUT_MS = 120_000;
/** A request (headers and body) must arrive within this: a caller that trickles one holds its memory no longer (see connections.ts). */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The Fastify application, without `listen` (tests use `inject()`): the error handling, the
 * operations routes and the hook routes, each a plugin. Bodies are parsed as JSON that may
 * legally contain `__proto__` keys.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, logger, controllers } = options;
  const budget = options.budget ?? new CallBudget({ ratePerSecond: config.apiRatePerSecond, burst: config.apiBurst });
  const metrics = options.metrics ?? createHookMetrics();
  metrics.watchBudget(budget);
  const readiness = options.readiness ?? new Readiness();
  const now = options.now ?? (() => new Date());

  const app = Fastify({
    loggerInstance: logger,
    routerOptions: ROUTER_OPTIONS,
    // One structured line per hook (the hook plugin's onResponse) instead of Fastify's two per request.
    logController: new LogController({ disableRequestLogging: true }),
    // Requests the router refuses before routing (an undecodable path) get our error body too.
    frameworkErrors: answerError,
    bodyLimit: config.bodyLimitBytes,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    clientErrorHandler: answerClientError,
    forceCloseConnections: 'idle',
    // The hook routes answer 429 with Retry-After instead (see hooksPlugin); Fastify still closes each connection.
    return503OnClosing: false,
    ...(options.https ? { https: httpsServerOptions(options.https) } : { http: HTTP_SERVER_OPTIONS }),
  }) as unknown as FastifyInstance;

  // Only JSON reaches the hooks; everything else is refused with 415 instead of being parsed as text.
  app.removeContentTypeParser('text/plain');
  // Kubernetes data may hold `__proto__`/`constructor` keys (ConfigMap data, labels of CRs): they
  // stay plain data instead of refusing the request; nothing merges them into objects.
  parseJsonAsItArrives(app);

  // A server that is not ready (shutting down) ends each connection with the answer it is sending:
  // a kept-alive connection would otherwise bypass the Service's endpoint change and, idle after
  // the last in-flight hook, hold close() open until its keep-alive timeout.
  // So does an error answered before the body was read (401, 404, 413, 415): what is left of it would
  // otherwise be read and thrown away, for a caller that may have no token.
  app.addHook('onSend', async (request, reply, payload) => {
    if (!readiness.ready || (reply.statusCode >= 400 && !request.raw.complete)) reply.header('connection', 'close');
    return payload;
  });

  await app.register(errorHandlingPlugin);
  await app.register(operationsPlugin, { metrics, readiness });
  await app.register(hooksPlugin, { prefix: HOOKS_PREFIX, config, controllers, metrics, now, aws: options.aws, budget });

  await app.ready();
  return app;
}
