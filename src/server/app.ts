import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyRouterOptions } from 'fastify';
import type { Config } from '../config';
import type { Logger } from '../log';
import { HookRequestError, LatticeGwError, RetryLaterError } from '../errors';
import type { HookController } from '../controllers/types';
import type { AwsClients, AwsIdentity } from '../lattice/clients';
import { hooksPlugin, type HookRouteConfig } from './hooks';
import { createHookMetrics, type HookMetrics } from './metrics';
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
  aws?: { clients: AwsClients; identity: AwsIdentity };
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

function errorBody(code: string, message: string, path = ''): { code: string; message: string; path: string } {
  return { code, message, path };
}

/**
 * The Fastify application, without `listen` (tests use `inject()`). Routes come from the
 * controllers' wiring; bodies are parsed as JSON that may legally contain `__proto__` keys.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, logger, controllers } = options;
  const metrics = options.metrics ?? createHookMetrics();
  const readiness = options.readiness ?? new Readiness();
  const now = options.now ?? (() => new Date());

  const app = Fastify({
    loggerInstance: logger,
    routerOptions: ROUTER_OPTIONS,
    // One structured line per hook (the hook plugin's onResponse) instead of Fastify's two per request.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    // Kubernetes data may hold `__proto__`/`constructor` keys (ConfigMap data, labels of CRs):
    // keep them as plain data instead of refusing the request; nothing merges them into objects.
    onProtoPoisoning: 'ignore',
    onConstructorPoisoning: 'ignore',
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    ...(options.https ? { https: options.https } : {}),
  }) as unknown as FastifyInstance;

  // Only JSON reaches the hooks; everything else is refused with 415 instead of being parsed as text.
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler(async (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof HookRequestError) {
      return reply.code(error.statusCode).send(errorBody(error.code, error.message, error.path));
    }
    if (error instanceof RetryLaterError) {
      request.log.warn({ code: error.code, retryAfterSeconds: error.retryAfterSeconds, err: error.cause }, error.message);
      return reply.code(429).header('retry-after', String(error.retryAfterSeconds)).send(errorBody(error.code, error.message));
    }
    const fastifyCode = (error as { code?: unknown }).code;
    if (fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply
        .code(413)
        .send(errorBody('LGW_HOOK_BODY_TOO_LARGE', `request body exceeds ${config.bodyLimitBytes} bytes (BODY_LIMIT_BYTES)`));
    }
    if (fastifyCode === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.code(415).send(errorBody('LGW_HOOK_UNSUPPORTED_MEDIA_TYPE', 'hook requests must be application/json'));
    }
    if (fastifyCode === 'FST_ERR_CTP_EMPTY_JSON_BODY' || fastifyCode === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
      const detail = error instanceof Error ? error.message : 'unparsable body';
      return reply.code(400).send(errorBody('LGW_HOOK_INVALID_JSON', `request body is not valid JSON: ${detail}`, '/'));
    }
    const errorId = randomUUID();
    const code = error instanceof LatticeGwError ? error.code : 'LGW_HOOK_INTERNAL';
    const route = request.routeOptions.config as Partial<HookRouteConfig> | undefined;
    request.log.error({ err: error, errorId, code, controller: route?.controller, hook: route?.hook }, 'hook failed');
    return reply.code(500).send({ code: 'LGW_HOOK_INTERNAL', message: `internal error (error id ${errorId})`, errorId });
  });

  // Paths outside /hooks; the hook plugin answers the paths under it.
  app.setNotFoundHandler(async (request: FastifyRequest, reply: FastifyReply) =>
    reply.code(404).send(errorBody('LGW_HOOK_NOT_FOUND', `no route ${request.method} ${request.url}`)),
  );

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request: FastifyRequest, reply: FastifyReply) =>
    readiness.ready ? { status: 'ready' } : reply.code(503).send({ status: 'not ready', reason: readiness.reason }),
  );
  app.get('/metrics', async (_request: FastifyRequest, reply: FastifyReply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  await app.register(hooksPlugin, { prefix: '/hooks', config, controllers, metrics, now, aws: options.aws });

  await app.ready();
  return app;
}
