import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetPolicyCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import { ListTargetsCommand } from '@aws-sdk/client-vpc-lattice';
import { PROGRAMMED_CONDITION, SERVICE_ARN_ANNOTATION, VERIFY_NOW_ANNOTATION } from '../../src/gatewayapi/ourKeys';
import type { KubeObject } from '../../src/metacontroller/types';
import { GW, OURS, statusOf, summary, writeCalls } from '../support/assertions';
import type { StateEntry } from '../../tools/emulatorAdmin';
import { type Harness, installGatewayApi, sharedNetworkGateway, startHarness } from '../support/harness';
import { endpointSlice, httpRoute, latticeView, service } from '../support/routeFixtures';

const ACCOUNT = '123456789012';
const THUMBS = `arn:aws:lambda:us-west-2:${ACCOUNT}:function:thumbnails`;
const RESIZER_LIVE = `arn:aws:lambda:us-west-2:${ACCOUNT}:function:resizer:live`;
const routeRef = { group: GW, kind: 'HTTPRoute', namespace: 'apps', name: 'shop' };
const targetRef = { group: OURS, kind: 'LambdaTarget', namespace: 'apps', name: 'thumbs' };

function lambdaTarget(functionArn: string, eventStructureVersion?: 'V1' | 'V2'): KubeObject {
  return {
    apiVersion: `${OURS}/v1alpha1`,
    kind: 'LambdaTarget',
    metadata: { name: 'thumbs', namespace: 'apps' },
    spec: { functionArn, ...(eventStructureVersion ? { eventStructureVersion } : {}) },
  };
}

/** `/thumbnails` to the function alone; everything else 3:1 to pods and the function. */
const MIXED = {
  parentRefs: [{ name: 'edge', namespace: 'infra' }],
  rules: [
    {
      matches: [{ path: { type: 'PathPrefix', value: '/thumbnails' } }],
      backendRefs: [{ group: OURS, kind: 'LambdaTarget', name: 'thumbs' }],
    },
    {
      backendRefs: [
        { name: 'web', port: 80, weight: 75 },
        { group: OURS, kind: 'LambdaTarget', name: 'thumbs', weight: 25 },
      ],
    },
  ],
};

interface Statement {
  Sid: string;
  Principal: unknown;
  Action: string;
  Resource: string;
  Condition?: { ArnLike?: Record<string, string> };
}

describe('Lambda backends: HTTPRoute → LAMBDA target groups and invoke permissions (driver + emulator)', () => {
  let h: Harness;
  let lambda: LambdaClient;

  beforeEach(async () => {
    h = await startHarness();
    lambda = new LambdaClient({
      endpoint: h.emulator.endpoint,
      region: 'us-west-2',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    installGatewayApi(h.cluster);
    await sharedNetworkGateway(h, 'infra', 'edge');
    h.cluster.apply(service('apps', 'web'));
    h.cluster.apply(endpointSlice('apps', 'web', ['10.0.2.1']));
    for (const name of ['thumbnails', 'resizer']) {
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Role: `arn:aws:iam::${ACCOUNT}:role/fn`,
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Code: { ZipFile: new Uint8Array([80, 75]) },
          Publish: true,
        }),
      );
    }
    await lambda.send(new CreateAliasCommand({ FunctionName: 'resizer', Name: 'live', FunctionVersion: '1' }));
    // Someone else's statement on the function: never touched.
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: 'thumbnails',
        StatementId: 'from-s3',
        Action: 'lambda:InvokeFunction',
        Principal: 's3.amazonaws.com',
        SourceArn: 'arn:aws:s3:::images',
      }),
    );
  });
  afterEach(async () => {
    lambda.destroy();
    await h.close();
  });

  function routeConditions(): Record<string, string> {
    const parents = (statusOf(h.cluster.get(routeRef)).parents as { conditions: unknown }[] | undefined) ?? [];
    return summary(parents[0]?.conditions);
  }

  async function converge(): Promise<void> {
    await h.driver.runUntil(() => routeConditions()[PROGRAMMED_CONDITION] === 'True/Programmed');
    await h.driver.runUntilStable();
  }

  async function lambdaGroups(): Promise<StateEntry[]> {
    return (await h.admin.state()).targetGroups.filter((g) => g.type === 'LAMBDA');
  }

  async function statements(functionName: string): Promise<Statement[]> {
    try {
      const policy = await lambda.send(new GetPolicyCommand({ FunctionName: functionName }));
      return (JSON.parse(policy.Policy ?? '{}') as { Statement: Statement[] }).Statement;
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return [];
      throw error;
    }
  }

  async function targetsOf(id: string): Promise<{ id?: string; port?: number }[]> {
    const items = (await h.lattice.send(new ListTargetsCommand({ targetGroupIdentifier: id }))).items ?? [];
    return items.filter((t) => t.status !== 'DRAINING').map((t) => ({ id: t.id, port: t.port }));
  }

  async function expectOneGroupFor(functionArn: string, functionName: string): Promise<StateEntry> {
    const groups = await lambdaGroups();
    expect(groups).toHaveLength(1);
    const [group] = groups as [StateEntry];
    expect(group.config).toEqual({ lambdaEventStructureVersion: 'V2' });
    expect(await targetsOf(group.id as string)).toEqual([{ id: functionArn, port: undefined }]);
    const ours = (await statements(functionName)).filter((s) => s.Sid.startsWith('lattice-gateway-hooks-'));
    expect(ours).toEqual([
      {
        Sid: `lattice-gateway-hooks-${group.id as string}`,
        Effect: 'Allow',
        Principal: { Service: 'vpc-lattice.amazonaws.com' },
        Action: 'lambda:InvokeFunction',
        Resource: functionArn,
        Condition: { ArnLike: { 'AWS:SourceArn': group.arn } },
      },
    ]);
    return group;
  }

  it('programs a LAMBDA group beside a Service group, follows a function change, and on delete leaves only foreign statements', async () => {
    h.cluster.apply(lambdaTarget(THUMBS));
    h.cluster.apply(httpRoute('apps', 'shop', MIXED));
    await converge();
    expect(routeConditions()).toEqual({
      Accepted: 'True/Accepted',
      ResolvedRefs: 'True/ResolvedRefs',
      [PROGRAMMED_CONDITION]: 'True/Programmed',
    });
    const targetStatus = summary(statusOf(h.cluster.get(targetRef)).conditions);
    expect(targetStatus).toEqual({ Accepted: 'True/Accepted', ResolvedRefs: 'True/ResolvedRefs' });
    expect(JSON.stringify(statusOf(h.cluster.get(targetRef)).conditions)).toContain('unqualified');

    const group = await expectOneGroupFor(THUMBS, 'thumbnails');
    expect(group.tags).toMatchObject({
      'application-networking.k8s.aws/ManagedBy': h.identity.managedBy,
      'application-networking.k8s.aws/RouteName': 'shop',
      'application-networking.k8s.aws/RouteNamespace': 'apps',
    });
    const web = (await h.admin.state()).targetGroups.find((g) => g.type === 'IP');
    const serviceArn = h.cluster.mustGet(routeRef).metadata.annotations?.[SERVICE_ARN_ANNOTATION] ?? '';
    const [listener] = (await latticeView(h.lattice, serviceArn)).listeners;
    // `/thumbnails` (exact and prefix) to the function; the rest 75:25 to pods and the function.
    const toFunction = { forward: { targetGroups: [{ targetGroupIdentifier: group.id, weight: 1 }] } };
    expect(listener?.rules.map((r) => r.action)).toEqual([
      toFunction,
      toFunction,
      {
        forward: {
          targetGroups: [
            { targetGroupIdentifier: web?.id, weight: 75 },
            { targetGroupIdentifier: group.id, weight: 25 },
          ],
        },
      },
    ]);

    // A sync that changes nothing writes nothing (to Lattice or to Lambda).
    await h.admin.resetCalls();
    const route = h.cluster.mustGet(routeRef);
    h.cluster.apply({ ...route, metadata: { ...route.metadata, labels: { touch: 'again' } } });
    await h.driver.runUntilStable();
    expect(writeCalls((await h.admin.calls()).byOperation)).toEqual({});

    // A full check (verify-now) that misses our statement (here: one GetPolicy answers "no policy") adds it
    // again: Lambda says the statement id exists, which is ours, so it is no error and no duplicate.
    await h.admin.resetCalls();
    await h.admin.addFault({ operation: 'GetPolicy', error: 'ResourceNotFoundException', times: 1 });
    const synced = h.cluster.mustGet(routeRef);
    h.cluster.apply({
      ...synced,
      metadata: { ...synced.metadata, annotations: { ...synced.metadata.annotations, [VERIFY_NOW_ANNOTATION]: 'yes' } },
    });
    await h.driver.runUntilStable();
    expect((await h.admin.calls()).byOperation).toMatchObject({ GetPolicy: 2, AddPermission: 1 });
    expect(routeConditions()[PROGRAMMED_CONDITION]).toBe('True/Programmed');
    await expectOneGroupFor(THUMBS, 'thumbnails');

    // Another function (an alias): the old statement and group go, the new ones come.
    h.cluster.apply(lambdaTarget(RESIZER_LIVE));
    const recorded = () =>
      h.cluster.mustGet(routeRef).metadata.annotations?.['application-networking.k8s.aws/lattice-target-group-arns'] ?? '';
    await h.driver.runUntil(() => recorded() !== '' && !recorded().includes(group.arn as string));
    await converge();
    await expectOneGroupFor(RESIZER_LIVE, 'resizer:live');
    expect((await statements('thumbnails')).map((s) => s.Sid)).toEqual(['from-s3']);

    // Delete the route: no group, no statement of ours; the foreign one stays.
    h.cluster.delete(routeRef);
    await h.driver.runUntil(() => h.cluster.get(routeRef) === undefined);
    expect(await lambdaGroups()).toEqual([]);
    expect(await statements('resizer:live')).toEqual([]);
    expect((await statements('thumbnails')).map((s) => s.Sid)).toEqual(['from-s3']);
  });

  it.each(['AddPermission', 'RegisterTargets'])(
    'converges after a failure at %s with no duplicate statement or group',
    async (operation) => {
      // Three failures in a row exhaust the SDK's own retries, so the hook itself must recover.
      await h.admin.addFault({ operation, error: 'InternalServerException', times: 3 });
      h.cluster.apply(lambdaTarget(THUMBS));
      h.cluster.apply(httpRoute('apps', 'shop', MIXED));
      await converge();
      expect(h.driver.calls.filter((c) => c.statusCode === 429).length).toBeGreaterThan(0);
      expect((await h.admin.calls()).byOperation[operation]).toBeGreaterThanOrEqual(4);
      await expectOneGroupFor(THUMBS, 'thumbnails');
      expect((await statements('thumbnails')).map((s) => s.Sid).filter((sid) => sid === 'from-s3')).toHaveLength(1);
    },
  );

  it("says in a LambdaTarget's status why a function in another account cannot be used, and the route refuses it", async () => {
    h.cluster.apply(lambdaTarget(`arn:aws:lambda:us-west-2:999999999999:function:thumbnails`));
    h.cluster.apply(httpRoute('apps', 'shop', MIXED));
    await converge();
    const conditions = statusOf(h.cluster.get(targetRef)).conditions as { type: string; status: string; reason: string; message: string }[];
    expect(conditions.find((c) => c.type === 'Accepted')).toMatchObject({
      status: 'False',
      reason: 'InvalidFunctionArn',
      message: expect.stringContaining('own account (123456789012)'),
    });
    expect(routeConditions().ResolvedRefs).toBe('False/BackendNotFound');
    expect(await lambdaGroups()).toEqual([]);
    expect((await h.admin.calls()).byOperation.GetFunction).toBeUndefined();
  });

  it('reports a missing function, lets its share fail, programs it once the function exists, and empties the group when it is deleted', async () => {
    const missing = `arn:aws:lambda:us-west-2:${ACCOUNT}:function:later`;
    h.cluster.apply(lambdaTarget(missing));
    h.cluster.apply(httpRoute('apps', 'shop', MIXED));
    await converge();
    expect(routeConditions().ResolvedRefs).toBe('False/BackendNotFound');
    const message = (
      statusOf(h.cluster.get(routeRef)).parents as { conditions: { type: string; message: string }[] }[]
    )[0]?.conditions.find((c) => c.type === 'ResolvedRefs')?.message;
    expect(message).toContain(missing);
    expect(summary(statusOf(h.cluster.get(targetRef)).conditions).ResolvedRefs).toBe('False/FunctionNotFound');
    const [group] = (await lambdaGroups()) as [StateEntry];
    expect(await targetsOf(group.id as string)).toEqual([]);
    const serviceArn = h.cluster.mustGet(routeRef).metadata.annotations?.[SERVICE_ARN_ANNOTATION] ?? '';
    const [listener] = (await latticeView(h.lattice, serviceArn)).listeners;
    // The rules with only the function answer 500; the mixed rule keeps the function's weight on its empty group.
    const web = (await h.admin.state()).targetGroups.find((g) => g.type === 'IP');
    expect(listener?.rules.map((r) => r.action)).toEqual([
      { fixedResponse: { statusCode: 500 } },
      { fixedResponse: { statusCode: 500 } },
      {
        forward: {
          targetGroups: [
            { targetGroupIdentifier: web?.id, weight: 75 },
            { targetGroupIdentifier: group.id, weight: 25 },
          ],
        },
      },
    ]);

    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'later',
        Role: `arn:aws:iam::${ACCOUNT}:role/fn`,
        Code: { ZipFile: new Uint8Array([80, 75]) },
      }),
    );
    await h.driver.runUntil(() => routeConditions().ResolvedRefs === 'True/ResolvedRefs');
    await converge();
    const ready = await expectOneGroupFor(missing, 'later');

    // Deleted while in use: the same group stays, without target, and the share fails again.
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'later' }));
    await h.driver.runUntil(() => routeConditions().ResolvedRefs === 'False/BackendNotFound');
    await h.driver.runUntilStable();
    expect((await lambdaGroups()).map((g) => g.id)).toEqual([ready.id]);
    expect(await targetsOf(ready.id as string)).toEqual([]);
  });
});
