import type { ACMClient } from '@aws-sdk/client-acm';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { STSClient } from '@aws-sdk/client-sts';
import type { VPCLatticeClient } from '@aws-sdk/client-vpc-lattice';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config';
import type { HookAws, HookContext, HookController } from '../../src/controllers/types';
import { LatticeApi } from '../../src/lattice/api';
import type { DecoratorHookRequest } from '../../src/metacontroller/types';
import { createLogger } from '../../src/log';
import { buildApp, type AppOptions } from '../../src/server/app';
import { createHookMetrics } from '../../src/server/metrics';
import { gatewayClassDecorator, logSink } from '../support/app';
import { decoratorSyncBody, gatewayClass } from '../support/objects';

/** Clients that are never called: the tests only look at the wrappers built around them. */
const FAKE_AWS: NonNullable<AppOptions['aws']> = {
  clients: {
    lattice: {} as VPCLatticeClient,
    sts: {} as STSClient,
    acm: {} as ACMClient,
    lambda: {} as LambdaClient,
    tagging: {} as ResourceGroupsTaggingAPIClient,
  },
  identity: {
    accountId: '111122223333',
    clusterName: 'test',
    vpcId: 'vpc-0123456789abcdef0',
    managedBy: '111122223333/test/vpc-0123456789abcdef0',
  },
};

function controller(name: string, sync: (ctx: HookContext) => unknown): HookController {
  return gatewayClassDecorator(name, {
    sync(_request: DecoratorHookRequest, ctx: HookContext) {
      sync(ctx);
      return {};
    },
  });
}

async function app(
  controllers: HookController[],
  aws?: AppOptions['aws'],
): Promise<{ app: FastifyInstance; logs: Record<string, unknown>[] }> {
  const config = loadConfig({ LATTICE_BACKEND: 'emulator', LOG_LEVEL: 'debug' });
  const sink = logSink();
  const built = await buildApp({
    config,
    logger: createLogger(config.logLevel, sink.stream),
    controllers,
    metrics: createHookMetrics({ processMetrics: false }),
    ...(aws ? { aws } : {}),
  });
  return { app: built, logs: sink.lines };
}

function sync(a: FastifyInstance, name: string) {
  return a.inject({ method: 'POST', url: `/hooks/${name}/sync`, payload: decoratorSyncBody(`lattice-${name}`, gatewayClass('lattice')) });
}

describe('the context of a hook invocation', () => {
  let t: { app: FastifyInstance; logs: Record<string, unknown>[] } | undefined;
  afterEach(async () => t?.app.close());

  it('builds the AWS wrappers once per invocation, and anew for the next one', async () => {
    type ThreeReads = [HookAws, HookAws, HookAws];
    const seen: ThreeReads[] = [];
    t = await app([controller('aws', (ctx) => seen.push([ctx.aws, ctx.aws, ctx.aws]))], FAKE_AWS);
    expect((await sync(t.app, 'aws')).statusCode).toBe(200);
    expect((await sync(t.app, 'aws')).statusCode).toBe(200);
    expect(seen).toHaveLength(2);
    const [[first, second, third], [next]] = seen as [ThreeReads, ThreeReads];
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(first.api).toBeInstanceOf(LatticeApi);
    expect(first.identity).toBe(FAKE_AWS.identity);
    expect(next).not.toBe(first);
    expect(next.api.session).not.toBe(first.api.session);
  });

  it('lets a hook that does not need AWS work on a server without AWS clients', async () => {
    t = await app([controller('local', (ctx) => ctx.now())]);
    expect((await sync(t.app, 'local')).statusCode).toBe(200);
  });

  it('fails a hook that needs AWS on a server without AWS clients with LGW_AWS_UNAVAILABLE, logged and answered as internal', async () => {
    t = await app([controller('aws', (ctx) => ctx.aws.api)]);
    const res = await sync(t.app, 'aws');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'LGW_HOOK_INTERNAL' });
    expect(t.logs.find((line) => line.errorId === res.json().errorId)).toMatchObject({
      level: 'error',
      code: 'LGW_AWS_UNAVAILABLE',
      controller: 'aws',
      hook: 'sync',
    });
  });
});
