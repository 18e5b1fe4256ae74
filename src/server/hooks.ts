import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config';
import { LatticeGwError } from '../errors';
import type { HookAws, HookController, HookContext } from '../controllers/types';
import { LatticeApi } from '../lattice/api';
import { AcmApi } from '../lattice/acmApi';
import { PolicyApi } from '../lattice/policyApi';
import { CallSession } from '../lattice/callSession';
import type { AwsClients, AwsIdentity } from '../lattice/clients';
import type { Logger } from '../log';
import { parseCompositeHookRequest, parseCustomizeHookRequest, parseDecoratorHookRequest } from '../metacontroller/envelope';
import type { HookName, KubeObject } from '../metacontroller/types';
import { requireBearerToken } from './auth';
import { outcomeOf, type HookMetrics } from './metrics';

export interface HooksOptions {
  config: Config;
  controllers: readonly HookController[];
  metrics: HookMetrics;
  now: () => Date;
  aws: { clients: AwsClients; identity: AwsIdentity } | undefined;
}

/** The route config of a hook route: which controller and hook it serves. */
export interface HookRouteConfig {
  controller: string;
  hook: HookName;
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

function hooksOf(controller: HookController): HookName[] {
  const hooks: HookName[] = ['sync'];
  if (controller.wiring.hooks.customize) hooks.push('customize');
  if (controller.wiring.hooks.finalize) hooks.push('finalize');
  return hooks;
}

/**
 * The hook routes, `POST /hooks/<controller>/<hook>`, one per hook a controller declares.
 * Registered with the prefix `/hooks` and encapsulated: its authentication and metrics hooks
 * run for the requests the router sends to these routes or to this not-found handler, and for no
 * other. The router decides on the percent-decoded path, so whatever spelling of a hook path
 * reaches a hook has passed authentication first.
 */
export async function hooksPlugin(hooks: FastifyInstance, options: HooksOptions): Promise<void> {
  const { config, controllers, metrics, now, aws } = options;

  if (config.hookAuthToken !== undefined) hooks.addHook('onRequest', requireBearerToken(config.hookAuthToken));

  hooks.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = request.routeOptions.config as Partial<HookRouteConfig> | undefined;
    const controller = route?.controller ?? 'unknown';
    const hook = route?.hook ?? 'unknown';
    metrics.observeHook(controller, hook, outcomeOf(reply.statusCode), reply.elapsedTime / 1000);
    request.log.debug({ controller, hook, statusCode: reply.statusCode, durationMs: Math.round(reply.elapsedTime) }, 'hook answered');
  });

  // Behind the authentication hook above: only a caller that may call hooks learns which exist.
  const served = controllers.map((c) => c.wiring.name).join(', ');
  hooks.setNotFoundHandler(async (request: FastifyRequest, reply: FastifyReply) =>
    reply.code(404).send({ code: 'LGW_HOOK_NOT_FOUND', message: `no hook at ${request.method} ${request.url}; served controllers: ${served}`, path: '' }),
  );

  for (const controller of controllers) {
    for (const hook of hooksOf(controller)) {
      const routeConfig: HookRouteConfig = { controller: controller.wiring.name, hook };
      hooks.post(`/${controller.wiring.name}/${hook}`, { config: routeConfig }, async (request: FastifyRequest) => {
        const root = rootObjectOf(request.body, hook);
        // request.log is a child of the pino logger handed to Fastify.
        const log = (request.log as unknown as Logger).child({
          controller: controller.wiring.name,
          hook,
          object: root?.metadata ? { kind: root.kind, namespace: root.metadata.namespace, name: root.metadata.name, uid: root.metadata.uid } : undefined,
        });
        const deadline = Date.now() + config.hookDeadlineMs;
        const session = new CallSession({ deadline, log, onCall: metrics.observeAwsCall });
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
}
