import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config';
import { ConvergingPasses } from '../controllers/convergingPasses';
import { ExpiringSet } from '../lattice/expiringSet';
import { TaggingAvailability } from '../lattice/taggingApi';
import { createRuleMemory } from '../lattice/contentMemory';
import type { HookController } from '../controllers/types';
import type { CallBudget } from '../lattice/callBudget';
import { CallSession } from '../lattice/callSession';
import { RetryLaterError } from '../errors';
import type { Logger } from '../log';
import type { HookName } from '../metacontroller/types';
import { requireBearerToken } from './auth';
import { dispatch, rootObjectOf } from './dispatch';
import { sendError } from './errorReply';
import { createHookContext, type AwsAccess } from './hookContext';
import { HOOKS_PREFIX, hookRouteOf, type HookRouteConfig } from './hookRoute';
import { outcomeOf, type HookMetrics } from './metrics';
import { deadlineOf, handedOver, ReplicaLink, replicaConfigDigest } from './replicaLink';

/** How long a fact a teardown saw (a group ours, a service gone) is remembered, and how many at most (see routeTeardown). */
const TEARDOWN_FACTS_TTL_MS = 15 * 60_000;
const TEARDOWN_FACTS_MAX = 100_000;

export interface HooksOptions {
  config: Config;
  controllers: readonly HookController[];
  metrics: HookMetrics;
  now: () => Date;
  aws: AwsAccess | undefined;
  /** Shared by every hook of the process. */
  budget: CallBudget;
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
  const { config, controllers, metrics, now, aws, budget } = options;

  const converging = config.pendingRecheckMs > 0 ? new ConvergingPasses(config.pendingRecheckMs) : undefined;
  // A route's teardown takes a few passes over seconds to minutes: its verdicts outlive it a little.
  const teardownFacts = new ExpiringSet(TEARDOWN_FACTS_TTL_MS, TEARDOWN_FACTS_MAX);
  const budgetBusy = () => budget.busy();
  const taggingAvailability = new TaggingAvailability();
  const rememberedRules = createRuleMemory(config.driftCheckSeconds, () => now().getTime());
  const configDigest = replicaConfigDigest(config);
  const replicaLink = config.replicas ? new ReplicaLink(config, config.replicas, configDigest, hooks.log as unknown as Logger) : undefined;

  if (config.hookAuthToken !== undefined) hooks.addHook('onRequest', requireBearerToken(config.hookAuthToken));

  // How long the hook took in this server, from request received to answer serialized (W3C
  // Server-Timing): what the benchmark reports as hook latency, apart from the caller's own time.
  hooks.addHook('onSend', async (_request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    reply.header('server-timing', `hook;dur=${reply.elapsedTime.toFixed(2)}`);
    return payload;
  });

  hooks.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = hookRouteOf(request);
    const controller = route.controller ?? 'unknown';
    const hook = route.hook ?? 'unknown';
    metrics.observeHook(controller, hook, outcomeOf(reply.statusCode), reply.elapsedTime / 1000);
    request.log.debug({ controller, hook, statusCode: reply.statusCode, durationMs: Math.round(reply.elapsedTime) }, 'hook answered');
  });

  // A hook whose caller hung up keeps running (its AWS calls are under way), but its connection
  // is gone, so the HTTP server would call itself drained: close() waits for the hooks themselves.
  // Once the server is closing, a request starts no hook (one arriving on a kept-alive connection,
  // or one whose body was still arriving): 429 with Retry-After re-queues it without an error
  // event (a 503 would be one), and no AWS work follows close().
  const running = new Set<Promise<unknown>>();
  let closing = false;
  hooks.addHook('preClose', async () => {
    closing = true;
  });
  hooks.addHook('onClose', async () => {
    await Promise.allSettled(running);
  });

  // Behind the authentication hook above: only a caller that may call hooks learns which exist.
  const served = controllers.map((c) => c.wiring.name).join(', ');
  hooks.setNotFoundHandler(async (request: FastifyRequest, reply: FastifyReply) =>
    sendError(reply, 'LGW_HOOK_NOT_FOUND', `no hook at ${request.method} ${request.url}; served controllers: ${served}`),
  );

  for (const controller of controllers) {
    for (const hook of hooksOf(controller)) {
      const routeConfig: HookRouteConfig = { controller: controller.wiring.name, hook };
      const run = async (request: FastifyRequest) => {
        const root = rootObjectOf(request.body, hook);
        // request.log is a child of the pino logger handed to Fastify.
        const log = (request.log as unknown as Logger).child({
          controller: controller.wiring.name,
          hook,
          object: root?.metadata
            ? { kind: root.kind, namespace: root.metadata.namespace, name: root.metadata.name, uid: root.metadata.uid }
            : undefined,
        });
        const { body, headers } = request;
        const fromReplica = handedOver(headers, configDigest);
        const deadline = deadlineOf(headers, Date.now(), config.hookDeadlineMs);
        const session = new CallSession({ deadline, log, onCall: metrics.observeAwsCall, budget });
        const path = `${HOOKS_PREFIX}/${controller.wiring.name}/${hook}`;
        const replicas = replicaLink?.accessFor({ path, body, authorization: headers.authorization, deadline, log }, fromReplica);
        const ctx = createHookContext({
          config,
          log,
          now,
          deadline,
          session,
          aws,
          metrics,
          teardownFacts,
          budgetBusy,
          taggingAvailability,
          rememberedRules,
          ...(converging ? { converging } : {}),
          ...(replicas ? { replicas } : {}),
        });
        const response = await dispatch(controller, hook, body, ctx);
        if (session.calls.length > 0) log.debug({ awsCalls: session.calls.length, awsWrites: session.writes }, 'AWS calls of this hook');
        return response;
      };
      hooks.post(`/${controller.wiring.name}/${hook}`, { config: routeConfig }, async (request: FastifyRequest) => {
        if (closing) throw new RetryLaterError('the server is shutting down', 1);
        const work = run(request);
        running.add(work);
        try {
          return await work;
        } finally {
          running.delete(work);
        }
      });
    }
  }
}
