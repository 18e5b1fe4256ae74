import {
  ConflictException,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteRuleCommand,
  DeleteTargetGroupCommand,
  DeregisterTargetsCommand,
  GetTargetGroupCommand,
  ListTargetGroupsCommand,
  ListTargetsCommand,
  paginateListTargets,
  RegisterTargetsCommand,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  UpdateListenerCommand,
  UpdateTargetGroupCommand,
  ValidationException,
} from '@aws-sdk/client-vpc-lattice';
import {
  ACCOUNT,
  createListener,
  createService,
  createTargetGroup,
  forwardTo,
  pathPrefix,
  REGION,
  rejection,
  startHarness,
  VPC_ID,
  type Harness,
} from './support';

const TRANSITION_MS = 1000;

describe('target groups and targets', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ transitionMs: TRANSITION_MS });
  });
  afterEach(() => h.close());

  const targetStatuses = async (targetGroupIdentifier: string) =>
    (await h.lattice.send(new ListTargetsCommand({ targetGroupIdentifier }))).items?.map((t) => [t.id, t.port, t.status]);

  it('creates a target group (201, CREATE_IN_PROGRESS) with documented config defaults', async () => {
    const created = await h.lattice.send(
      new CreateTargetGroupCommand({
        name: 'web',
        type: 'IP',
        config: { protocol: 'HTTPS', vpcIdentifier: VPC_ID, healthCheck: { enabled: true, path: '/healthz' } },
        tags: { team: 'web' },
      }),
    );
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created.id).toMatch(/^tg-[0-9a-z]{17}$/);
    expect(created.arn).toBe(`arn:aws:vpc-lattice:${REGION}:${ACCOUNT}:targetgroup/${created.id}`);
    expect(created.status).toBe('CREATE_IN_PROGRESS');
    expect(created.config).toEqual({
      port: 443,
      protocol: 'HTTPS',
      protocolVersion: 'HTTP1',
      ipAddressType: 'IPV4',
      vpcIdentifier: VPC_ID,
      healthCheck: { enabled: true, path: '/healthz' },
    });
    h.clock.advance(TRANSITION_MS);
    const got = await h.lattice.send(new GetTargetGroupCommand({ targetGroupIdentifier: created.arn }));
    expect(got).toMatchObject({ status: 'ACTIVE', type: 'IP', serviceArns: [] });
  });

  it('checks the config against the target group type', async () => {
    const lambda = await rejection(
      h.lattice.send(new CreateTargetGroupCommand({ name: 'function', type: 'LAMBDA', config: { port: 80 } })),
      ValidationException,
    );
    expect(lambda.fieldList?.[0]?.name).toBe('config.port');
    const created = await h.lattice.send(new CreateTargetGroupCommand({ name: 'function', type: 'LAMBDA' }));
    expect(created.config).toEqual({ lambdaEventStructureVersion: 'V1' });
    const noVpc = await rejection(
      h.lattice.send(new CreateTargetGroupCommand({ name: 'novpc', type: 'INSTANCE', config: { protocol: 'HTTP' } })),
      ValidationException,
    );
    expect(noVpc.fieldList?.[0]?.name).toBe('config.vpcIdentifier');
    const badHealth = await rejection(
      h.lattice.send(
        new CreateTargetGroupCommand({
          name: 'health-check',
          type: 'IP',
          config: { protocol: 'HTTP', vpcIdentifier: VPC_ID, healthCheck: { healthCheckIntervalSeconds: 301, healthyThresholdCount: 11 } },
        }),
      ),
      ValidationException,
    );
    expect(badHealth.fieldList?.map((f) => f.name)).toEqual([
      'config.healthCheck.healthCheckIntervalSeconds',
      'config.healthCheck.healthyThresholdCount',
    ]);
    const badEnum = await rejection(
      h.lattice.send(
        new CreateTargetGroupCommand({ name: 'enum', type: 'IP', config: { protocol: 'UDP' as 'TCP', vpcIdentifier: VPC_ID } }),
      ),
      ValidationException,
    );
    expect(badEnum.fieldList?.[0]?.message).toContain('enum value set: [HTTP, HTTPS, TCP]');
  });

  it('keeps target group names unique and enforces the target groups per region quota', async () => {
    const first = await createTargetGroup(h.lattice, 'named');
    const duplicate = await rejection(createTargetGroup(h.lattice, 'named'), ConflictException);
    expect(duplicate).toMatchObject({ resourceId: first.id, resourceType: 'TARGET_GROUP' });
    await h.admin.config({ quotas: { targetGroupsPerRegion: 1 } });
    const quota = await rejection(createTargetGroup(h.lattice, 'another'), ServiceQuotaExceededException);
    expect(quota).toMatchObject({ quotaCode: 'L-BB11C6B9', resourceType: 'TARGET_GROUP' });
  });

  it('updates the health check, merging it into the config', async () => {
    const { id } = await createTargetGroup(h.lattice, 'checked');
    const updated = await h.lattice.send(
      new UpdateTargetGroupCommand({ targetGroupIdentifier: id, healthCheck: { enabled: false, matcher: { httpCode: '200-299' } } }),
    );
    expect(updated.config?.healthCheck).toEqual({ enabled: false, matcher: { httpCode: '200-299' } });
    expect(updated.config?.port).toBe(8080);
  });

  it('filters ListTargetGroups by VPC and type', async () => {
    await createTargetGroup(h.lattice, 'in-vpc');
    await h.lattice.send(new CreateTargetGroupCommand({ name: 'lambda', type: 'LAMBDA' }));
    const byVpc = await h.lattice.send(new ListTargetGroupsCommand({ vpcIdentifier: VPC_ID }));
    expect(byVpc.items?.map((g) => g.name)).toEqual(['in-vpc']);
    expect(byVpc.items?.[0]).toMatchObject({ port: 8080, protocol: 'HTTP', vpcIdentifier: VPC_ID, ipAddressType: 'IPV4' });
    const byType = await h.lattice.send(new ListTargetGroupsCommand({ targetGroupType: 'LAMBDA' }));
    expect(byType.items?.map((g) => g.name)).toEqual(['lambda']);
  });

  it('refuses deletion while creating and while a rule or default action uses it', async () => {
    const group = await createTargetGroup(h.lattice, 'busy');
    const creating = await rejection(h.lattice.send(new DeleteTargetGroupCommand({ targetGroupIdentifier: group.id })), ConflictException);
    expect(creating.message).toContain('CREATE_IN_PROGRESS');
    h.clock.advance(TRANSITION_MS);
    const service = await createService(h.lattice, 'user');
    const listener = await createListener(h.lattice, service.id);
    const rule = await h.lattice.send(
      new CreateRuleCommand({
        serviceIdentifier: service.id,
        listenerIdentifier: listener.id,
        name: 'fwd',
        priority: 1,
        match: pathPrefix('/'),
        action: forwardTo(group.id),
      }),
    );
    expect((await h.lattice.send(new GetTargetGroupCommand({ targetGroupIdentifier: group.id }))).serviceArns).toEqual([service.arn]);
    const used = await rejection(h.lattice.send(new DeleteTargetGroupCommand({ targetGroupIdentifier: group.id })), ConflictException);
    expect(used).toMatchObject({ resourceId: group.id, resourceType: 'TARGET_GROUP' });
    await h.lattice.send(
      new DeleteRuleCommand({ serviceIdentifier: service.id, listenerIdentifier: listener.id, ruleIdentifier: rule.id }),
    );
    await h.lattice.send(
      new UpdateListenerCommand({ serviceIdentifier: service.id, listenerIdentifier: listener.id, defaultAction: forwardTo(group.id) }),
    );
    await rejection(h.lattice.send(new DeleteTargetGroupCommand({ targetGroupIdentifier: group.id })), ConflictException);
    await h.lattice.send(
      new UpdateListenerCommand({
        serviceIdentifier: service.id,
        listenerIdentifier: listener.id,
        defaultAction: { fixedResponse: { statusCode: 404 } },
      }),
    );
    const deleted = await h.lattice.send(new DeleteTargetGroupCommand({ targetGroupIdentifier: group.id }));
    expect(deleted).toMatchObject({ id: group.id, status: 'DELETE_IN_PROGRESS' });
    h.clock.advance(TRANSITION_MS);
    await rejection(h.lattice.send(new GetTargetGroupCommand({ targetGroupIdentifier: group.id })), ResourceNotFoundException);
  });

  it('refuses targets while the group is being created', async () => {
    const group = await createTargetGroup(h.lattice, 'young');
    const error = await rejection(
      h.lattice.send(new RegisterTargetsCommand({ targetGroupIdentifier: group.id, targets: [{ id: '10.0.0.1' }] })),
      ConflictException,
    );
    expect(error.message).toContain('CREATE_IN_PROGRESS');
  });

  it('reports target health: UNUSED, then INITIAL and HEALTHY once used, DRAINING after deregistration', async () => {
    const group = await createTargetGroup(h.lattice, 'health');
    h.clock.advance(TRANSITION_MS);
    const registered = await h.lattice.send(
      new RegisterTargetsCommand({
        targetGroupIdentifier: group.id,
        targets: [{ id: '10.0.0.1' }, { id: '10.0.0.2', port: 9090 }, { id: 'not-an-ip' }],
      }),
    );
    expect(registered.successful).toEqual([
      { id: '10.0.0.1', port: 8080 },
      { id: '10.0.0.2', port: 9090 },
    ]);
    expect(registered.unsuccessful).toEqual([
      { id: 'not-an-ip', port: 8080, failureCode: 'InvalidTarget', failureMessage: expect.any(String) },
    ]);
    expect(await targetStatuses(group.id)).toEqual([
      ['10.0.0.1', 8080, 'UNUSED'],
      ['10.0.0.2', 9090, 'UNUSED'],
    ]);

    const service = await createService(h.lattice, 'consumer');
    const listener = await createListener(h.lattice, service.id);
    await h.lattice.send(
      new UpdateListenerCommand({ serviceIdentifier: service.id, listenerIdentifier: listener.id, defaultAction: forwardTo(group.id) }),
    );
    expect((await targetStatuses(group.id))?.map(([, , status]) => status)).toEqual(['INITIAL', 'INITIAL']);
    h.clock.advance(TRANSITION_MS);
    expect((await targetStatuses(group.id))?.map(([, , status]) => status)).toEqual(['HEALTHY', 'HEALTHY']);

    const deregistered = await h.lattice.send(
      new DeregisterTargetsCommand({ targetGroupIdentifier: group.id, targets: [{ id: '10.0.0.1' }, { id: '10.9.9.9' }] }),
    );
    expect(deregistered.successful).toEqual([
      { id: '10.0.0.1', port: 8080 },
      { id: '10.9.9.9', port: 8080 },
    ]);
    expect(await targetStatuses(group.id)).toEqual([
      ['10.0.0.1', 8080, 'DRAINING'],
      ['10.0.0.2', 9090, 'HEALTHY'],
    ]);
    const state = await h.admin.state();
    expect(state.targetGroups?.[0]?.targets).toEqual([
      { id: '10.0.0.1', port: 8080, status: 'DRAINING' },
      { id: '10.0.0.2', port: 9090, status: 'HEALTHY' },
    ]);
    h.clock.advance(TRANSITION_MS);
    expect(await targetStatuses(group.id)).toEqual([['10.0.0.2', 9090, 'HEALTHY']]);
  });

  it('holds one target in a Lambda target group and checks target ids against the type', async () => {
    const created = await h.lattice.send(new CreateTargetGroupCommand({ name: 'lambda-tg', type: 'LAMBDA' }));
    h.clock.advance(TRANSITION_MS);
    const fn = 'arn:aws:lambda:us-west-2:123456789012:function:handler';
    const first = await h.lattice.send(
      new RegisterTargetsCommand({ targetGroupIdentifier: created.id, targets: [{ id: fn }, { id: '10.0.0.1' }] }),
    );
    expect(first.successful).toEqual([{ id: fn }]);
    expect(first.unsuccessful?.map((f) => f.failureCode)).toEqual(['InvalidTarget']);
    const second = await h.lattice.send(new RegisterTargetsCommand({ targetGroupIdentifier: created.id, targets: [{ id: `${fn}-two` }] }));
    expect(second.successful).toEqual([]);
    expect(second.unsuccessful).toEqual([{ id: `${fn}-two`, failureCode: 'TooManyTargets', failureMessage: expect.any(String) }]);
  });

  it('validates 1–100 targets per call and enforces the targets per target group quota', async () => {
    const group = await createTargetGroup(h.lattice, 'many');
    h.clock.advance(TRANSITION_MS);
    const tooMany = Array.from({ length: 101 }, (_, i) => ({ id: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}` }));
    const error = await rejection(
      h.lattice.send(new RegisterTargetsCommand({ targetGroupIdentifier: group.id, targets: tooMany })),
      ValidationException,
    );
    expect(error.fieldList?.[0]?.name).toBe('targets');
    await rejection(h.lattice.send(new RegisterTargetsCommand({ targetGroupIdentifier: group.id, targets: [] })), ValidationException);

    await h.admin.config({ quotas: { targetsPerTargetGroup: 3 } });
    await h.lattice.send(new RegisterTargetsCommand({ targetGroupIdentifier: group.id, targets: tooMany.slice(0, 3) }));
    const again = await h.lattice.send(new RegisterTargetsCommand({ targetGroupIdentifier: group.id, targets: tooMany.slice(0, 3) }));
    expect(again.successful).toHaveLength(3);
    const quota = await rejection(
      h.lattice.send(new RegisterTargetsCommand({ targetGroupIdentifier: group.id, targets: tooMany.slice(3, 4) })),
      ServiceQuotaExceededException,
    );
    expect(quota).toMatchObject({ quotaCode: 'L-D71303F3', resourceType: 'TARGET', resourceId: group.id });
  });

  it('paginates and filters ListTargets', async () => {
    const group = await createTargetGroup(h.lattice, 'paged');
    h.clock.advance(TRANSITION_MS);
    const targets = Array.from({ length: 5 }, (_, i) => ({ id: `10.1.0.${i + 1}` }));
    await h.lattice.send(new RegisterTargetsCommand({ targetGroupIdentifier: group.id, targets }));
    const ids: string[] = [];
    for await (const page of paginateListTargets({ client: h.lattice, pageSize: 2 }, { targetGroupIdentifier: group.id })) {
      expect(page.items?.length).toBeLessThanOrEqual(2);
      ids.push(...(page.items?.map((t) => t.id ?? '') ?? []));
    }
    expect(ids).toEqual(targets.map((t) => t.id));
    const filtered = await h.lattice.send(new ListTargetsCommand({ targetGroupIdentifier: group.id, targets: [{ id: '10.1.0.3' }] }));
    expect(filtered.items?.map((t) => t.id)).toEqual(['10.1.0.3']);
  });
});
