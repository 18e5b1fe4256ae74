import {
  BatchUpdateRuleCommand,
  ConflictException,
  CreateListenerCommand,
  CreateRuleCommand,
  DeleteListenerCommand,
  DeleteRuleCommand,
  GetListenerCommand,
  GetRuleCommand,
  ListListenersCommand,
  ListRulesCommand,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  UpdateListenerCommand,
  UpdateRuleCommand,
  ValidationException,
  type CreateRuleCommandInput,
} from '@aws-sdk/client-vpc-lattice';
import { createListener, createService, createTargetGroup, forwardTo, pathPrefix, rejection, startHarness, type Harness } from './support';

describe('listeners and rules', () => {
  let h: Harness;
  let service: { id: string; arn: string };
  let listener: { id: string; arn: string };

  beforeEach(async () => {
    h = await startHarness();
    service = await createService(h.lattice, 'shop');
    listener = await createListener(h.lattice, service.id);
  });
  afterEach(() => h.close());

  const rule = (name: string, priority: number, extra: Partial<CreateRuleCommandInput> = {}) =>
    h.lattice.send(
      new CreateRuleCommand({
        serviceIdentifier: service.id,
        listenerIdentifier: listener.id,
        name,
        priority,
        match: pathPrefix(`/${name}`),
        action: { fixedResponse: { statusCode: 404 } },
        ...extra,
      }),
    );

  it('creates a listener with ARN under its service, a default port and a default rule', async () => {
    const created = await h.lattice.send(
      new CreateListenerCommand({
        serviceIdentifier: service.arn,
        name: 'secure',
        protocol: 'HTTPS',
        defaultAction: { fixedResponse: { statusCode: 500 } },
      }),
    );
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created.id).toMatch(/^listener-[0-9a-z]{17}$/);
    expect(created).toMatchObject({
      arn: `${service.arn}/listener/${created.id}`,
      port: 443,
      protocol: 'HTTPS',
      serviceId: service.id,
      serviceArn: service.arn,
      defaultAction: { fixedResponse: { statusCode: 500 } },
    });
    const got = await h.lattice.send(new GetListenerCommand({ serviceIdentifier: service.id, listenerIdentifier: created.arn }));
    expect(got.createdAt).toBeInstanceOf(Date);
    const rules = await h.lattice.send(new ListRulesCommand({ serviceIdentifier: service.id, listenerIdentifier: created.id }));
    expect(rules.items).toHaveLength(1);
    expect(rules.items?.[0]).toMatchObject({ isDefault: true, arn: expect.stringContaining(`${created.arn}/rule/rule-`) });
    const listeners = await h.lattice.send(new ListListenersCommand({ serviceIdentifier: service.id }));
    expect(listeners.items?.map((l) => l.port).sort()).toEqual([443, 80]);
  });

  it('finds no listener under another service', async () => {
    const other = await createService(h.lattice, 'other');
    const error = await rejection(
      h.lattice.send(new GetListenerCommand({ serviceIdentifier: other.id, listenerIdentifier: listener.id })),
      ResourceNotFoundException,
    );
    expect(error).toMatchObject({ resourceId: listener.id, resourceType: 'LISTENER' });
  });

  it('keeps listener names and ports unique per service and enforces 2 listeners per service', async () => {
    const sameName = await rejection(createListener(h.lattice, service.id, 'http', 8080), ConflictException);
    expect(sameName.resourceId).toBe(listener.id);
    const samePort = await rejection(createListener(h.lattice, service.id, 'another', 80), ConflictException);
    expect(samePort.message).toContain('Port 80');
    await createListener(h.lattice, service.id, 'second', 8080);
    const quota = await rejection(createListener(h.lattice, service.id, 'third', 8081), ServiceQuotaExceededException);
    expect(quota).toMatchObject({ quotaCode: 'L-D64E952E', resourceType: 'LISTENER' });
  });

  it('creates, gets, updates and deletes a rule', async () => {
    const group = await createTargetGroup(h.lattice, 'api-tg');
    const created = await rule('api', 10, { action: forwardTo(group.arn) });
    expect(created.id).toMatch(/^rule-[0-9a-z]{17}$/);
    expect(created).toMatchObject({
      arn: `${listener.arn}/rule/${created.id}`,
      priority: 10,
      action: { forward: { targetGroups: [{ targetGroupIdentifier: group.id, weight: 100 }] } },
    });
    const updated = await h.lattice.send(
      new UpdateRuleCommand({
        serviceIdentifier: service.id,
        listenerIdentifier: listener.id,
        ruleIdentifier: created.arn,
        priority: 20,
        match: { httpMatch: { method: 'GET', headerMatches: [{ name: 'x-env', match: { exact: 'prod' } }] } },
      }),
    );
    expect(updated).toMatchObject({ priority: 20, match: { httpMatch: { method: 'GET' } } });
    const got = await h.lattice.send(
      new GetRuleCommand({ serviceIdentifier: service.id, listenerIdentifier: listener.id, ruleIdentifier: created.id }),
    );
    expect(got).toMatchObject({ name: 'api', priority: 20, isDefault: false });
    const deleted = await h.lattice.send(
      new DeleteRuleCommand({ serviceIdentifier: service.id, listenerIdentifier: listener.id, ruleIdentifier: created.id }),
    );
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    await rejection(
      h.lattice.send(new GetRuleCommand({ serviceIdentifier: service.id, listenerIdentifier: listener.id, ruleIdentifier: created.id })),
      ResourceNotFoundException,
    );
  });

  it('refuses a duplicate priority and a duplicate name in a listener', async () => {
    const first = await rule('one', 5);
    const priority = await rejection(rule('two', 5), ConflictException);
    expect(priority).toMatchObject({ resourceId: first.id, resourceType: 'RULE' });
    const name = await rejection(rule('one', 6), ConflictException);
    expect(name.resourceId).toBe(first.id);
  });

  it('protects the default rule: not deletable, not updatable; UpdateListener changes its action', async () => {
    const rules = await h.lattice.send(new ListRulesCommand({ serviceIdentifier: service.id, listenerIdentifier: listener.id }));
    const defaultRuleId = rules.items?.[0]?.id ?? '';
    const scope = { serviceIdentifier: service.id, listenerIdentifier: listener.id, ruleIdentifier: defaultRuleId };
    const onDelete = await rejection(h.lattice.send(new DeleteRuleCommand(scope)), ConflictException);
    expect(onDelete).toMatchObject({ resourceId: defaultRuleId, resourceType: 'RULE' });
    await rejection(h.lattice.send(new UpdateRuleCommand({ ...scope, priority: 3 })), ConflictException);

    const group = await createTargetGroup(h.lattice, 'default-tg');
    const updated = await h.lattice.send(
      new UpdateListenerCommand({ serviceIdentifier: service.id, listenerIdentifier: listener.id, defaultAction: forwardTo(group.id) }),
    );
    expect(updated.defaultAction).toEqual({ forward: { targetGroups: [{ targetGroupIdentifier: group.id, weight: 100 }] } });
    const defaultRule = await h.lattice.send(new GetRuleCommand(scope));
    expect(defaultRule).toMatchObject({ isDefault: true, action: updated.defaultAction });
  });

  it('swaps priorities with BatchUpdateRule and reports rules it cannot update', async () => {
    const a = await rule('alpha', 1);
    const b = await rule('beta', 2);
    const missing = 'rule-0000000000000000a';
    const result = await h.lattice.send(
      new BatchUpdateRuleCommand({
        serviceIdentifier: service.id,
        listenerIdentifier: listener.id,
        rules: [
          { ruleIdentifier: a.id, priority: 2 },
          { ruleIdentifier: b.arn, priority: 1 },
          { ruleIdentifier: missing, priority: 9 },
        ],
      }),
    );
    expect(result.successful?.map((r) => [r.id, r.priority])).toEqual([
      [a.id, 2],
      [b.id, 1],
    ]);
    expect(result.unsuccessful).toEqual([
      { ruleIdentifier: missing, failureCode: 'ResourceNotFoundException', failureMessage: expect.any(String) },
    ]);
    const collision = await rejection(
      h.lattice.send(
        new BatchUpdateRuleCommand({
          serviceIdentifier: service.id,
          listenerIdentifier: listener.id,
          rules: [{ ruleIdentifier: a.id, priority: 1 }],
        }),
      ),
      ConflictException,
    );
    expect(collision.resourceId).toBe(b.id);
    await rejection(
      h.lattice.send(new BatchUpdateRuleCommand({ serviceIdentifier: service.id, listenerIdentifier: listener.id, rules: [] })),
      ValidationException,
    );
  });

  it('enforces 10 rules per listener, not counting the default rule', async () => {
    for (let priority = 1; priority <= 10; priority += 1) await rule(`route-${priority}`, priority);
    const error = await rejection(rule('route-11', 11), ServiceQuotaExceededException);
    expect(error).toMatchObject({ quotaCode: 'L-CF78395E', resourceType: 'RULE' });
  });

  it('validates matches and actions against the model', async () => {
    const headers = Array.from({ length: 6 }, (_, i) => ({ name: `h${i}`, match: { exact: 'v' } }));
    const tooManyHeaders = await rejection(rule('headers', 1, { match: { httpMatch: { headerMatches: headers } } }), ValidationException);
    expect(tooManyHeaders.fieldList?.[0]?.name).toBe('match.httpMatch.headerMatches');
    const badPath = await rejection(rule('path', 1, { match: pathPrefix('no-leading-slash') }), ValidationException);
    expect(badPath.fieldList?.[0]?.name).toBe('match.httpMatch.pathMatch.match.prefix');
    const priority = await rejection(rule('priority', 2001), ValidationException);
    expect(priority.fieldList?.[0]).toEqual({ name: 'priority', message: expect.stringContaining('less than or equal to 2000') });
    const badStatus = await rejection(rule('status', 1, { action: { fixedResponse: { statusCode: 600 } } }), ValidationException);
    expect(badStatus.fieldList?.[0]?.name).toBe('action.fixedResponse.statusCode');
    const unsupportedStatus = await rejection(rule('teapot', 1, { action: { fixedResponse: { statusCode: 418 } } }), ValidationException);
    expect(unsupportedStatus.fieldList?.[0]?.name).toBe('action.fixedResponse.statusCode');
    const tg1 = await createTargetGroup(h.lattice, 'weight-1');
    const tg2 = await createTargetGroup(h.lattice, 'weight-2');
    const noWeights = await rejection(
      rule('unweighted', 1, {
        action: { forward: { targetGroups: [{ targetGroupIdentifier: tg1.id }, { targetGroupIdentifier: tg2.id }] } },
      }),
      ValidationException,
    );
    expect(noWeights.fieldList?.[0]?.name).toBe('action.forward.targetGroups[0].weight');
    const heavy = await rejection(
      rule('heavy', 1, { action: { forward: { targetGroups: [{ targetGroupIdentifier: tg1.id, weight: 1000 }] } } }),
      ValidationException,
    );
    expect(heavy.fieldList?.[0]?.name).toBe('action.forward.targetGroups[0].weight');
    await rejection(rule('empty', 1, { action: { forward: { targetGroups: [] } } }), ValidationException);
    const weighted = await rule('weighted', 1, { action: forwardTo(tg1.id, tg2.id) });
    expect(weighted.action).toEqual(forwardTo(tg1.id, tg2.id));
  });

  it('refuses a target group that another service already uses, and a missing one', async () => {
    const group = await createTargetGroup(h.lattice, 'owned');
    await rule('mine', 1, { action: forwardTo(group.id) });
    const other = await createService(h.lattice, 'thief');
    const otherListener = await createListener(h.lattice, other.id);
    const error = await rejection(
      h.lattice.send(
        new UpdateListenerCommand({
          serviceIdentifier: other.id,
          listenerIdentifier: otherListener.id,
          defaultAction: forwardTo(group.id),
        }),
      ),
      ConflictException,
    );
    expect(error).toMatchObject({ resourceId: group.id, resourceType: 'TARGET_GROUP' });
    const missing = await rejection(rule('gone', 2, { action: forwardTo('tg-0000000000000000a') }), ResourceNotFoundException);
    expect(missing.resourceType).toBe('TARGET_GROUP');
  });

  it('refuses a target group used by another service in every write that names it, and allows it in several listeners of one service', async () => {
    const group = await createTargetGroup(h.lattice, 'taken');
    const mine = await rule('mine', 1, { action: forwardTo(group.id) });
    const own = await h.lattice.send(
      new CreateListenerCommand({
        serviceIdentifier: service.id,
        name: 'second',
        protocol: 'HTTP',
        port: 8080,
        defaultAction: forwardTo(group.arn),
      }),
    );
    expect(own.defaultAction?.forward?.targetGroups?.[0]?.targetGroupIdentifier).toBe(group.id);
    const other = await createService(h.lattice, 'other');
    const otherListener = await createListener(h.lattice, other.id);
    const otherRule = await h.lattice.send(
      new CreateRuleCommand({
        serviceIdentifier: other.id,
        listenerIdentifier: otherListener.id,
        name: 'theirs',
        priority: 1,
        match: pathPrefix('/'),
        action: { fixedResponse: { statusCode: 404 } },
      }),
    );
    const refused = {
      resourceId: group.id,
      resourceType: 'TARGET_GROUP',
      message: `Target group ${group.id} is already used by service ${service.id}`,
    };
    const writes = [
      new CreateListenerCommand({
        serviceIdentifier: other.id,
        name: 'steal',
        protocol: 'HTTP',
        port: 8080,
        defaultAction: forwardTo(group.id),
      }),
      new CreateRuleCommand({
        serviceIdentifier: other.id,
        listenerIdentifier: otherListener.id,
        name: 'steal',
        priority: 2,
        match: pathPrefix('/x'),
        action: forwardTo(group.id),
      }),
      new UpdateRuleCommand({
        serviceIdentifier: other.id,
        listenerIdentifier: otherListener.id,
        ruleIdentifier: otherRule.id,
        action: forwardTo(group.arn),
      }),
      new UpdateListenerCommand({ serviceIdentifier: other.id, listenerIdentifier: otherListener.id, defaultAction: forwardTo(group.id) }),
    ];
    for (const write of writes) expect(await rejection(h.lattice.send(write as never), ConflictException)).toMatchObject(refused);
    // BatchUpdateRule reports it per rule (a partial failure is no HTTP error).
    const batch = await h.lattice.send(
      new BatchUpdateRuleCommand({
        serviceIdentifier: other.id,
        listenerIdentifier: otherListener.id,
        rules: [{ ruleIdentifier: otherRule.id, action: forwardTo(group.id) }],
      }),
    );
    expect(batch.successful).toEqual([]);
    expect(batch.unsuccessful).toEqual([
      { ruleIdentifier: otherRule.id, failureCode: 'ConflictException', failureMessage: refused.message },
    ]);
    // Once the first service no longer uses it, another may.
    await h.lattice.send(
      new DeleteRuleCommand({ serviceIdentifier: service.id, listenerIdentifier: listener.id, ruleIdentifier: mine.id }),
    );
    await h.lattice.send(new DeleteListenerCommand({ serviceIdentifier: service.id, listenerIdentifier: own.id }));
    const moved = await h.lattice.send(
      new UpdateRuleCommand({
        serviceIdentifier: other.id,
        listenerIdentifier: otherListener.id,
        ruleIdentifier: otherRule.id,
        action: forwardTo(group.id),
      }),
    );
    expect(moved.action?.forward?.targetGroups?.[0]?.targetGroupIdentifier).toBe(group.id);
  });

  it('enforces 10 target groups per service', async () => {
    await h.admin.config({ quotas: { targetGroupsPerService: 2 } });
    const groups = await Promise.all(['group-1', 'group-2', 'group-3'].map((name) => createTargetGroup(h.lattice, name)));
    await rule('first', 1, { action: forwardTo(groups[0]?.id ?? '') });
    await rule('second', 2, { action: forwardTo(groups[1]?.id ?? '', groups[0]?.id ?? '') });
    const error = await rejection(rule('third', 3, { action: forwardTo(groups[2]?.id ?? '') }), ServiceQuotaExceededException);
    expect(error).toMatchObject({ quotaCode: 'L-3DEC3B9F', resourceType: 'TARGET_GROUP' });
  });

  it('deletes a listener with its rules', async () => {
    await rule('doomed', 1);
    await h.lattice.send(new DeleteListenerCommand({ serviceIdentifier: service.id, listenerIdentifier: listener.id }));
    const state = await h.admin.state();
    expect(state.listeners).toEqual([]);
    expect(state.rules).toEqual([]);
    await rejection(
      h.lattice.send(new ListRulesCommand({ serviceIdentifier: service.id, listenerIdentifier: listener.id })),
      ResourceNotFoundException,
    );
  });

  it('requires TLS passthrough listeners to have a custom domain, a TCP target group and no extra rules', async () => {
    const tcp = await createTargetGroup(h.lattice, 'tcp-tg', 'TCP');
    const passthrough = (serviceIdentifier: string, targetGroup: string) =>
      h.lattice.send(
        new CreateListenerCommand({
          serviceIdentifier,
          name: 'tls',
          protocol: 'TLS_PASSTHROUGH',
          port: 443,
          defaultAction: forwardTo(targetGroup),
        }),
      );
    await rejection(passthrough(service.id, tcp.id), ValidationException);
    const withDomain = await createService(h.lattice, 'tls-svc', 'tls.example.com');
    const http = await createTargetGroup(h.lattice, 'http-tg');
    const wrongProtocol = await rejection(passthrough(withDomain.id, http.id), ValidationException);
    expect(wrongProtocol.fieldList?.[0]?.name).toBe('defaultAction.forward.targetGroups[0].targetGroupIdentifier');
    const created = await passthrough(withDomain.id, tcp.id);
    await rejection(
      h.lattice.send(
        new CreateRuleCommand({
          serviceIdentifier: withDomain.id,
          listenerIdentifier: created.id,
          name: 'extra',
          priority: 1,
          match: pathPrefix('/'),
          action: forwardTo(tcp.id),
        }),
      ),
      ValidationException,
    );
  });
});
