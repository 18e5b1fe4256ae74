import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Config } from '../config';
import type { Logger } from '../log';
import { HookRequestError, LatticeGwError, RetryLaterError } from '../errors';
import type { HookAws, HookController, HookContext } from '../controllers/types';
import { LatticeApi } from '../lattice/api';
import { AcmApi } from '../lattice/acmApi';
import { PolicyApi } from '../lattice/policyApi';
import { CallSession } from '../lattice/callSession';
import type { AwsClients } from '../lattice/clients';
import type { AwsIdentity } from '../model/identity';
import { parseCompositeHookRequest, parseCustomizeHookRequest, parseDecoratorHookRequest } from '../metacontroller/envelope';
import type { HookName, KubeObject } from '../metacontroller/types';
import { bearerTokenMatches } from './auth';
import { createHookMetrics, outcomeOf, type HookMetrics } from './metrics';
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

/** Idle keep-alive sockets outlive Metacontroller's (Go: 90 s), so the client always closes first. */
const KEEP_ALIVE_TIMEOUT_MS = 120_000;

interface HookRouteConfig {
  controller: string;
  hook: HookName;
}

function errorBody(code: string, message: string, path = ''): { code: string; message: string; path: string } {
  return { code, message, path };
}

function rootObjectOf(body: unknown, hook: HookName): KubeObject | undefined {
  const b = body as Record<string, unknown> | undefined;
  return (hook === 'customize' ? b?.parent : (b?.object ?? b?.parent)) as KubeObject | undefined;
}

async function dispatch(controller: HookController, hook: HookName, body: unknown, ctx: HookContext): Promise<unknown> {
  if (hook === 'customize') {
    const request = parseCustomizeHookRequest(controller.wiring.kind, body);
    return controller.handlers.customize?.(request, ctx);
  }
  if (controller.wiring.kind === 'DecoratorController') {
    const handlers = controller.handlers as Extract<HookController, { wiring: { kind: 'DecoratorController' } }>['handlers'];
    const request = parseDecoratorHookRequest(hook, body);
    return hook === 'finalize' && handlers.finalize ? handlers.finalize(request, ctx) : handlers.sync(request, ctx);
  }
  const handlers = controller.handlers as Extract<HookController, { wiring: { kind: 'CompositeController' } }>['handlers'];
  const request = parseCompositeHookRequest(hook, body);
  return hook === 'finalize' && handlers.finalize ? handlers.finalize(request, ctx) : handlers.sync(request, ctx);
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
    // One structured line per hook (onResponse below) instead of Fastify's two per request.
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

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (config.hookAuthToken === undefined || !request.url.startsWith('/hooks/')) return;
    if (!bearerTokenMatches(request.headers.authorization, config.hookAuthToken)) {
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send(errorBody('LGW_HOOK_UNAUTHORIZED', 'missing or wrong bearer token (HOOK_AUTH_TOKEN)'));
    }
  });

  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.url.startsWith('/hooks/')) return;
    const route = request.routeOptions.config as Partial<HookRouteConfig> | undefined;
    const controller = route?.controller ?? 'unknown';
    const hook = route?.hook ?? 'unknown';
    metrics.observeHook(controller, hook, outcomeOf(reply.statusCode), reply.elapsedTime / 1000);
    request.log.debug({ controller, hook, statusCode: reply.statusCode, durationMs: Math.round(reply.elapsedTime) }, 'hook answered');
  });

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

  app.setNotFoundHandler(async (request: FastifyRequest, reply: FastifyReply) => {
    const message = request.url.startsWith('/hooks/')
      ? `no hook at ${request.method} ${request.url}; served controllers: ${controllers.map((c) => c.wiring.name).join(', ')}`
      : `no route ${request.method} ${request.url}`;
    return reply.code(404).send(errorBody('LGW_HOOK_NOT_FOUND', message));
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request: FastifyRequest, reply: FastifyReply) =>
    readiness.ready ? { status: 'ready' } : reply.code(503).send({ status: 'not ready', reason: readiness.reason }),
  );
  app.get('/metrics', async (_request: FastifyRequest, reply: FastifyReply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  for (const controller of controllers) {
    const hooks: HookName[] = ['sync'];
    if (controller.wiring.hooks.customize) hooks.push('customize');
    if (controller.wiring.hooks.finalize) hooks.push('finalize');
    for (const hook of hooks) {
      const routeConfig: HookRouteConfig = { controller: controller.wiring.name, hook };
      app.post(`/hooks/${controller.wiring.name}/${hook}`, { config: routeConfig }, async (request: FastifyRequest) => {
        const root = rootObjectOf(request.body, hook);
        // request.log is a child of the pino logger handed to Fastify.
        const log = (request.log as unknown as Logger).child({
          controller: controller.wiring.name,
          hook,
          object: root?.metadata ? { kind: root.kind, namespace: root.metadata.namespace, name: root.metadata.name, uid: root.metadata.uid } : undefined,
        });
        const deadline = Date.now() + config.hookDeadlineMs;
        const session = new CallSession({ deadline, log, onCall: metrics.observeAwsCall });
        const aws = options.aws;
        const ctx: HookContext = {
          config,
          log,
          now,
          deadline,
          get aws(): HookAws {
            if (!aws) throw new LatticeGwError('LGW_AWS_UNAVAILABLE', 'this server runs without AWS clients');
            return {
              api: new LatticeApi(aws.clients.lattice, session),
              acm: new AcmApi(aws.clients.acm, session),
              policies: new PolicyApi(aws.clients.lattice, session),
              identity: aws.identity,
            };
          },
        };
        const response = await dispatch(controller, hook, request.body, ctx);
        if (session.calls.length > 0) log.debug({ awsCalls: session.calls.length, awsWrites: session.writes }, 'AWS calls of this hook');
        return response;
      });
    }
  }

  await app.ready();
  return app;
}
