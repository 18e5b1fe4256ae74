import {
  ConflictException,
  CreateRuleCommand,
  CreateServiceNetworkCommand,
  GetServiceNetworkCommand,
  InternalServerException,
  ListServiceNetworksCommand,
  RegisterTargetsCommand,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-vpc-lattice';
import {
  createListener,
  createService,
  createTargetGroup,
  forwardTo,
  latticeClient,
  pathPrefix,
  rejection,
  startHarness,
  type Harness,
} from './support';

describe('admin API', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('shows every resource in /_emulator/state with its tags and parent ids', async () => {
    const service = await createService(h.lattice, 'stateful');
    const listener = await createListener(h.lattice, service.id);
    const group = await createTargetGroup(h.lattice, 'stateful-tg');
    await h.lattice.send(new RegisterTargetsCommand({ targetGroupIdentifier: group.id, targets: [{ id: '10.0.0.7' }] }));
    await h.lattice.send(
      new CreateRuleCommand({
        serviceIdentifier: service.id,
        listenerIdentifier: listener.id,
        name: 'all',
        priority: 1,
        match: pathPrefix('/'),
        action: forwardTo(group.id),
        tags: { owner: 'test' },
      }),
    );
    const state = await h.admin.state();
    expect(Object.keys(state).sort()).toEqual(
      [
        'accessLogSubscriptions',
        'authPolicies',
        'certificates',
        'lambdaFunctions',
        'listeners',
        'resourcePolicies',
        'rules',
        'serviceNetworkServiceAssociations',
        'serviceNetworkVpcAssociations',
        'serviceNetworks',
        'services',
        'targetGroups',
      ].sort(),
    );
    expect(state.services).toEqual([expect.objectContaining({ id: service.id, status: 'ACTIVE', tags: {} })]);
    expect(state.rules).toEqual([
      expect.objectContaining({ isDefault: true, serviceId: service.id, listenerId: listener.id }),
      expect.objectContaining({ name: 'all', isDefault: false, serviceId: service.id, listenerId: listener.id, tags: { owner: 'test' } }),
    ]);
    expect(state.targetGroups).toEqual([
      expect.objectContaining({ id: group.id, serviceArns: [service.arn], targets: [{ id: '10.0.0.7', port: 8080, status: 'HEALTHY' }] }),
    ]);
  });

  it('counts calls per operation, failed ones included, with error answers by type, and resets the counters', async () => {
    await h.lattice.send(new CreateServiceNetworkCommand({ name: 'counted' }));
    await rejection(h.lattice.send(new CreateServiceNetworkCommand({ name: 'counted' })), ConflictException);
    await h.lattice.send(new ListServiceNetworksCommand({}));
    expect(await h.admin.calls()).toEqual({
      total: 3,
      byOperation: { CreateServiceNetwork: 2, ListServiceNetworks: 1 },
      errors: { ConflictException: 1 },
    });
    expect((await h.admin.request('DELETE', 'calls')).status).toBe(204);
    expect(await h.admin.calls()).toEqual({ total: 0, byOperation: {} });
  });

  it('injects an error after afterCalls matching calls, for `times` calls', async () => {
    const rule = await h.admin.addFault({ operation: 'CreateServiceNetwork', error: 'ConflictException', afterCalls: 1, times: 2 });
    expect(rule).toMatchObject({ id: expect.any(String), operation: 'CreateServiceNetwork', afterCalls: 1, times: 2 });
    const create = (name: string) => h.lattice.send(new CreateServiceNetworkCommand({ name }));
    await create('passes-first');
    await h.lattice.send(new ListServiceNetworksCommand({}));
    const injected = await rejection(create('fails-once'), ConflictException);
    expect(injected.message).toContain('Fault injected');
    expect(injected).toMatchObject({ resourceId: rule.id, resourceType: 'RESOURCE' });
    await rejection(create('fails-twice'), ConflictException);
    await create('passes-again');
    expect((await h.admin.calls()).byOperation.CreateServiceNetwork).toBe(4);
    expect((await h.admin.request('DELETE', 'faults')).status).toBe(204);
  });

  it('lets the SDK retry an injected ThrottlingException', async () => {
    const retrying = latticeClient(h.emulator.endpoint, { maxAttempts: 3 });
    try {
      await h.admin.addFault({ operation: 'GetServiceNetwork', error: 'ThrottlingException' });
      const created = await retrying.send(new CreateServiceNetworkCommand({ name: 'retried' }));
      const got = await retrying.send(new GetServiceNetworkCommand({ serviceNetworkIdentifier: created.id }));
      expect(got.name).toBe('retried');
      expect((await h.admin.calls()).byOperation.GetServiceNetwork).toBe(2);
    } finally {
      retrying.destroy();
    }
  });

  it('sends Retry-After with injected InternalServerException and honours probability', async () => {
    await h.admin.addFault({ operation: '*', error: 'InternalServerException', probability: 0 });
    await h.lattice.send(new ListServiceNetworksCommand({}));
    await h.admin.addFault({ operation: 'ListServiceNetworks', error: 'InternalServerException', probability: 1 });
    const error = await rejection(h.lattice.send(new ListServiceNetworksCommand({})), InternalServerException);
    expect(error.retryAfterSeconds).toBe(1);
    expect(error.$metadata.httpStatusCode).toBe(500);
    const again = await rejection(h.lattice.send(new ListServiceNetworksCommand({})), InternalServerException);
    expect(again.$fault).toBe('server');
  });

  it('delays without failing when a fault has only delayMs', async () => {
    await h.admin.addFault({ operation: '*', delayMs: 5 });
    await h.lattice.send(new CreateServiceNetworkCommand({ name: 'delayed' }));
    expect((await h.admin.calls()).total).toBe(1);
  });

  it('throttles Lattice calls with a token bucket (429 + Retry-After)', async () => {
    await h.admin.config({ throttle: { ratePerSecond: 1, burst: 2 } });
    await h.lattice.send(new ListServiceNetworksCommand({}));
    await h.lattice.send(new ListServiceNetworksCommand({}));
    const error = await rejection(h.lattice.send(new ListServiceNetworksCommand({})), ThrottlingException);
    expect(error.$metadata.httpStatusCode).toBe(429);
    expect(error.retryAfterSeconds).toBe(1);
    h.clock.advance(1000);
    await h.lattice.send(new ListServiceNetworksCommand({}));
    await h.admin.config({ throttle: null });
    await h.lattice.send(new ListServiceNetworksCommand({}));
  });

  it('changes quotas and transition time at run time and returns the whole config', async () => {
    const config = await h.admin.config({ transitionMs: 50, quotas: { listenersPerService: 5 } });
    expect(config).toMatchObject({ transitionMs: 50, latencyMs: 0, defaultPageSize: 50, throttle: null });
    expect(config.quotas).toMatchObject({ listenersPerService: 5, rulesPerListener: 10 });
  });

  it('makes calls as another account (callerAccountId): what they create stays listed, like a RAM share', async () => {
    await h.admin.config({ callerAccountId: '999988887777' });
    const shared = await h.lattice.send(new CreateServiceNetworkCommand({ name: 'partner-network' }));
    await h.admin.config({ callerAccountId: null });
    const own = await h.lattice.send(new CreateServiceNetworkCommand({ name: 'own-network' }));
    expect(shared.arn).toMatch(/^arn:aws:vpc-lattice:us-west-2:999988887777:servicenetwork\/sn-/);
    expect(own.arn).toMatch(/^arn:aws:vpc-lattice:us-west-2:123456789012:servicenetwork\//);
    const listed = (await h.lattice.send(new ListServiceNetworksCommand({}))).items?.map((n) => n.name).sort();
    expect(listed).toEqual(['own-network', 'partner-network']);
    expect((await h.admin.request('POST', 'config', { callerAccountId: '42' })).status).toBe(400);
  });

  it('pages List results by the configured default page size', async () => {
    await h.admin.config({ defaultPageSize: 2 });
    for (const name of ['one-net', 'two-net', 'three-net']) await h.lattice.send(new CreateServiceNetworkCommand({ name }));
    const page = await h.lattice.send(new ListServiceNetworksCommand({}));
    expect(page.items?.map((n) => n.name)).toEqual(['one-net', 'two-net']);
    expect(page.nextToken).toBeDefined();
  });

  it('resets state, counters, faults and config', async () => {
    const created = await h.lattice.send(new CreateServiceNetworkCommand({ name: 'forgotten' }));
    await h.admin.addFault({ operation: 'ListServiceNetworks', error: 'ThrottlingException', times: 10 });
    await h.admin.config({ quotas: { serviceNetworksPerRegion: 0 } });
    expect((await h.admin.request('POST', 'reset')).status).toBe(204);
    expect(await h.admin.calls()).toEqual({ total: 0, byOperation: {} });
    expect((await h.lattice.send(new ListServiceNetworksCommand({}))).items).toEqual([]);
    await rejection(h.lattice.send(new GetServiceNetworkCommand({ serviceNetworkIdentifier: created.id })), ResourceNotFoundException);
    await h.lattice.send(new CreateServiceNetworkCommand({ name: 'allowed-again' }));
  });

  it('answers bad admin input with 400 and a message', async () => {
    const cases: [string, string, unknown, RegExp][] = [
      ['POST', 'faults', { operation: 'CreateWidget', error: 'ThrottlingException' }, /operation/],
      ['POST', 'faults', { operation: '*', error: 'TeapotException' }, /error must be one of/],
      ['POST', 'faults', { operation: '*' }, /error or a delayMs/],
      ['POST', 'faults', { operation: '*', error: 'ThrottlingException', probability: 2 }, /probability/],
      ['POST', 'config', { quotas: { widgetsPerService: 1 } }, /unknown key/],
      ['POST', 'config', { transitionMs: -1 }, /transitionMs/],
      ['POST', 'config', { throttle: { ratePerSecond: 0, burst: 1 } }, /ratePerSecond/],
      ['POST', 'config', '{not json', /not valid JSON/],
    ];
    for (const [method, path, body, message] of cases) {
      const response = await h.admin.request(method, path, body);
      expect(response.status).toBe(400);
      expect((response.body as { message: string }).message).toMatch(message);
    }
    expect((await h.admin.request('GET', 'nothing-here')).status).toBe(404);
  });
});
