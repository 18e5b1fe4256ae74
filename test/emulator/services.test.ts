import {
  ConflictException,
  CreateAccessLogSubscriptionCommand,
  CreateRuleCommand,
  CreateServiceCommand,
  CreateServiceNetworkCommand,
  CreateServiceNetworkServiceAssociationCommand,
  DeleteServiceCommand,
  DeleteServiceNetworkServiceAssociationCommand,
  GetAuthPolicyCommand,
  GetServiceCommand,
  GetTargetGroupCommand,
  ListServicesCommand,
  paginateListServices,
  PutAuthPolicyCommand,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  UpdateServiceCommand,
  ValidationException,
} from '@aws-sdk/client-vpc-lattice';
import {
  createListener,
  createService,
  createTargetGroup,
  forwardTo,
  pathPrefix,
  REGION,
  rejection,
  startHarness,
  type Harness,
} from './support';

describe('services', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ transitionMs: 5000 });
  });
  afterEach(() => h.close());

  it('creates a service (201, CREATE_IN_PROGRESS) with an AWS-format DNS entry', async () => {
    const created = await h.lattice.send(
      new CreateServiceCommand({
        name: 'checkout',
        authType: 'AWS_IAM',
        idleTimeoutSeconds: 120,
        customDomainName: 'checkout.example.com',
      }),
    );
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created.id).toMatch(/^svc-[0-9a-z]{17}$/);
    expect(created.status).toBe('CREATE_IN_PROGRESS');
    expect(created.dnsEntry?.domainName).toMatch(
      new RegExp(`^checkout-${created.id}\\.[0-9a-f]{7}\\.vpc-lattice-svcs\\.${REGION}\\.on\\.aws$`),
    );
    expect(created.dnsEntry?.hostedZoneId).toMatch(/^Z[0-9A-Z]+$/);
    expect(created).toMatchObject({ authType: 'AWS_IAM', idleTimeoutSeconds: 120, customDomainName: 'checkout.example.com' });
  });

  it('becomes ACTIVE once transitionMs has passed on the clock', async () => {
    const { id } = await createService(h.lattice, 'slow');
    h.clock.advance(4999);
    expect((await h.lattice.send(new GetServiceCommand({ serviceIdentifier: id }))).status).toBe('CREATE_IN_PROGRESS');
    h.clock.advance(1);
    const got = await h.lattice.send(new GetServiceCommand({ serviceIdentifier: id }));
    expect(got).toMatchObject({ id, name: 'slow', status: 'ACTIVE', authType: 'NONE' });
    expect(got.createdAt).toBeInstanceOf(Date);
  });

  it('stays visible as DELETE_IN_PROGRESS after Delete, then is gone', async () => {
    const { id } = await createService(h.lattice, 'short-lived');
    h.clock.advance(5000);
    const deleted = await h.lattice.send(new DeleteServiceCommand({ serviceIdentifier: id }));
    expect(deleted).toMatchObject({ id, name: 'short-lived', status: 'DELETE_IN_PROGRESS' });
    expect(deleted.$metadata.httpStatusCode).toBe(200);
    h.clock.advance(4000);
    expect((await h.lattice.send(new GetServiceCommand({ serviceIdentifier: id }))).status).toBe('DELETE_IN_PROGRESS');
    expect((await h.lattice.send(new ListServicesCommand({}))).items?.map((s) => s.status)).toEqual(['DELETE_IN_PROGRESS']);
    const again = await h.lattice.send(new DeleteServiceCommand({ serviceIdentifier: id }));
    expect(again.status).toBe('DELETE_IN_PROGRESS');
    h.clock.advance(1000);
    await rejection(h.lattice.send(new GetServiceCommand({ serviceIdentifier: id })), ResourceNotFoundException);
    expect((await h.lattice.send(new ListServicesCommand({}))).items).toEqual([]);
  });

  it('updates certificate, auth type and idle timeout', async () => {
    const { id } = await createService(h.lattice, 'updatable');
    const certificateArn = 'arn:aws:acm:us-west-2:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666';
    const updated = await h.lattice.send(
      new UpdateServiceCommand({ serviceIdentifier: id, certificateArn, authType: 'AWS_IAM', idleTimeoutSeconds: 600 }),
    );
    expect(updated).toMatchObject({ id, certificateArn, authType: 'AWS_IAM', idleTimeoutSeconds: 600 });
    const bad = await rejection(
      h.lattice.send(new UpdateServiceCommand({ serviceIdentifier: id, idleTimeoutSeconds: 30 })),
      ValidationException,
    );
    expect(bad.fieldList).toEqual([{ name: 'idleTimeoutSeconds', message: expect.stringContaining('greater than or equal to 60') }]);
  });

  it('rejects names with the reserved svc- prefix and names over 40 characters, listing every bad field', async () => {
    const error = await rejection(
      h.lattice.send(new CreateServiceCommand({ name: 'svc-payments', customDomainName: 'ab' })),
      ValidationException,
    );
    expect(error.reason).toBe('fieldValidationFailed');
    expect(error.fieldList?.map((field) => field.name).sort()).toEqual(['customDomainName', 'name']);
    expect(error.message).toMatch(/^2 validation errors detected: /);
    await rejection(h.lattice.send(new CreateServiceCommand({ name: 'a'.repeat(41) })), ValidationException);
  });

  it('replays a clientToken: same input returns the same service, other input conflicts', async () => {
    await h.admin.config({ quotas: { servicesPerRegion: 1 } });
    const first = await h.lattice.send(new CreateServiceCommand({ name: 'once', clientToken: 'token-1' }));
    const replay = await h.lattice.send(new CreateServiceCommand({ name: 'once', clientToken: 'token-1' }));
    expect(replay.id).toBe(first.id);
    expect((await h.lattice.send(new ListServicesCommand({}))).items).toHaveLength(1);
    const conflict = await rejection(
      h.lattice.send(new CreateServiceCommand({ name: 'other', clientToken: 'token-1' })),
      ConflictException,
    );
    expect(conflict).toMatchObject({ resourceId: first.id, resourceType: 'SERVICE' });
    const quota = await rejection(h.lattice.send(new CreateServiceCommand({ name: 'second' })), ServiceQuotaExceededException);
    expect(quota.quotaCode).toBe('L-620C821E');
    const badToken = await rejection(h.lattice.send(new CreateServiceCommand({ name: 'once', clientToken: '   ' })), ValidationException);
    expect(badToken.fieldList?.[0]?.name).toBe('clientToken');
  });

  it('keeps service names unique in the account', async () => {
    const first = await createService(h.lattice, 'unique');
    const error = await rejection(createService(h.lattice, 'unique'), ConflictException);
    expect(error).toMatchObject({ resourceId: first.id, resourceType: 'SERVICE' });
  });

  it('refuses to delete a service associated with a network, until the association is gone', async () => {
    const service = await createService(h.lattice, 'associated');
    const network = await h.lattice.send(new CreateServiceNetworkCommand({ name: 'net' }));
    h.clock.advance(5000);
    const association = await h.lattice.send(
      new CreateServiceNetworkServiceAssociationCommand({ serviceIdentifier: service.id, serviceNetworkIdentifier: network.id }),
    );
    h.clock.advance(5000);
    const error = await rejection(h.lattice.send(new DeleteServiceCommand({ serviceIdentifier: service.id })), ConflictException);
    expect(error).toMatchObject({ resourceId: service.id, resourceType: 'SERVICE' });
    await h.lattice.send(new DeleteServiceNetworkServiceAssociationCommand({ serviceNetworkServiceAssociationIdentifier: association.id }));
    await rejection(h.lattice.send(new DeleteServiceCommand({ serviceIdentifier: service.id })), ConflictException);
    h.clock.advance(5000);
    expect((await h.lattice.send(new DeleteServiceCommand({ serviceIdentifier: service.id }))).status).toBe('DELETE_IN_PROGRESS');
  });

  it('deletes listeners, rules, access log subscriptions and the auth policy with the service', async () => {
    const service = await createService(h.lattice, 'cascade');
    const group = await createTargetGroup(h.lattice, 'cascade-tg');
    h.clock.advance(5000);
    const listener = await createListener(h.lattice, service.id);
    await h.lattice.send(
      new CreateRuleCommand({
        serviceIdentifier: service.id,
        listenerIdentifier: listener.id,
        name: 'api',
        priority: 1,
        match: pathPrefix('/api'),
        action: forwardTo(group.id),
      }),
    );
    await h.lattice.send(
      new CreateAccessLogSubscriptionCommand({
        resourceIdentifier: service.id,
        destinationArn: 'arn:aws:logs:us-west-2:123456789012:log-group:lattice',
      }),
    );
    await h.lattice.send(new PutAuthPolicyCommand({ resourceIdentifier: service.id, policy: '{"Version":"2012-10-17","Statement":[]}' }));
    expect((await h.lattice.send(new GetTargetGroupCommand({ targetGroupIdentifier: group.id }))).serviceArns).toEqual([service.arn]);

    await h.lattice.send(new DeleteServiceCommand({ serviceIdentifier: service.id }));

    const state = await h.admin.state();
    expect(state.listeners).toEqual([]);
    expect(state.rules).toEqual([]);
    expect(state.accessLogSubscriptions).toEqual([]);
    expect(state.authPolicies).toEqual([]);
    expect((await h.lattice.send(new GetTargetGroupCommand({ targetGroupIdentifier: group.id }))).serviceArns).toEqual([]);
    await rejection(h.lattice.send(new GetAuthPolicyCommand({ resourceIdentifier: service.id })), ResourceNotFoundException);
  });

  it('paginates ListServices with maxResults and nextToken, also through paginateListServices', async () => {
    const names = Array.from({ length: 7 }, (_, i) => `page-${i}`);
    for (const name of names) await createService(h.lattice, name);

    const first = await h.lattice.send(new ListServicesCommand({ maxResults: 3 }));
    expect(first.items?.map((s) => s.name)).toEqual(names.slice(0, 3));
    expect(first.nextToken).toEqual(expect.any(String));
    const second = await h.lattice.send(new ListServicesCommand({ maxResults: 3, nextToken: first.nextToken }));
    expect(second.items?.map((s) => s.name)).toEqual(names.slice(3, 6));

    const pages: string[][] = [];
    for await (const page of paginateListServices({ client: h.lattice, pageSize: 3 }, {})) {
      pages.push(page.items?.map((s) => s.name ?? '') ?? []);
    }
    expect(pages).toEqual([names.slice(0, 3), names.slice(3, 6), names.slice(6)]);

    const bad = await rejection(h.lattice.send(new ListServicesCommand({ maxResults: 101 })), ValidationException);
    expect(bad.fieldList?.[0]?.name).toBe('maxResults');
  });
});
