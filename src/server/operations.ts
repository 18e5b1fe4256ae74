import type { FastifyInstance, FastifyReply } from 'fastify';
import type { HookMetrics } from './metrics';
import type { Readiness } from './readiness';

export interface OperationsOptions {
  metrics: HookMetrics;
  readiness: Readiness;
}

/** Health, readiness and Prometheus metrics: open to every caller, also when hooks need a token. */
export async function operationsPlugin(app: FastifyInstance, options: OperationsOptions): Promise<void> {
  const { metrics, readiness } = options;
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply: FastifyReply) =>
    readiness.ready ? { status: 'ready' } : reply.code(503).send({ status: 'not ready', reason: readiness.reason }),
  );
  app.get('/metrics', async (_request, reply: FastifyReply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}
