import {
  ConflictException,
  CreateAccessLogSubscriptionCommand,
  CreateServiceNetworkCommand,
  DeleteAccessLogSubscriptionCommand,
  DeleteAuthPolicyCommand,
  DeleteResourcePolicyCommand,
  DeleteServiceNetworkCommand,
  GetAccessLogSubscriptionCommand,
  GetAuthPolicyCommand,
  GetResourcePolicyCommand,
  ListAccessLogSubscriptionsCommand,
  ListTagsForResourceCommand,
  PutAuthPolicyCommand,
  PutResourcePolicyCommand,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAccessLogSubscriptionCommand,
  UpdateServiceCommand,
  ValidationException,
} from '@aws-sdk/client-vpc-lattice';
import { createListener, createService, rejection, startHarness, type Harness } from './support';

const POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] });
const LOG_GROUP = 'arn:aws:logs:us-west-2:123456789012:log-group:/lattice/access';
const BUCKET = 'arn:aws:s3:::lattice-access-logs';
const MISSING_SERVICE_ARN = 'arn:aws:vpc-lattice:us-west-2:123456789012:service/svc-0000000000000000a';

describe('policies, access logs and tags', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('puts, gets and deletes an auth policy whose state follows the resource auth type', async () => {
    const service = await createService(h.lattice, 'guarded');
    const put = await h.lattice.send(new PutAuthPolicyCommand({ resourceIdentifier: service.arn, policy: POLICY }));
    expect(put).toMatchObject({ policy: POLICY, state: 'Inactive' });
    await h.lattice.send(new UpdateServiceCommand({ serviceIdentifier: service.id, authType: 'AWS_IAM' }));
    const got = await h.lattice.send(new GetAuthPolicyCommand({ resourceIdentifier: service.id }));
    expect(got).toMatchObject({ policy: POLICY, state: 'Active' });
    expect(got.createdAt).toBeInstanceOf(Date);
    expect((await h.admin.state()).authPolicies).toEqual([
      expect.objectContaining({ resourceArn: service.arn, resourceId: service.id, state: 'Active' }),
    ]);
    const deleted = await h.lattice.send(new DeleteAuthPolicyCommand({ resourceIdentifier: service.id }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    await rejection(h.lattice.send(new GetAuthPolicyCommand({ resourceIdentifier: service.id })), ResourceNotFoundException);
    await rejection(
      h.lattice.send(new PutAuthPolicyCommand({ resourceIdentifier: 'svc-0000000000000000a', policy: POLICY })),
      ResourceNotFoundException,
    );
    const multiline = await rejection(
      h.lattice.send(new PutAuthPolicyCommand({ resourceIdentifier: service.id, policy: JSON.stringify(JSON.parse(POLICY), null, 2) })),
      ValidationException,
    );
    expect(multiline.fieldList?.[0]?.name).toBe('policy');
  });

  it('puts, gets and deletes a resource policy by ARN', async () => {
    const network = await h.lattice.send(new CreateServiceNetworkCommand({ name: 'shared' }));
    const put = await h.lattice.send(new PutResourcePolicyCommand({ resourceArn: network.arn, policy: POLICY }));
    expect(put.$metadata.httpStatusCode).toBe(200);
    expect((await h.lattice.send(new GetResourcePolicyCommand({ resourceArn: network.arn }))).policy).toBe(POLICY);
    await h.lattice.send(new DeleteResourcePolicyCommand({ resourceArn: network.arn }));
    await rejection(h.lattice.send(new GetResourcePolicyCommand({ resourceArn: network.arn })), ResourceNotFoundException);
    const byId = await rejection(h.lattice.send(new GetResourcePolicyCommand({ resourceArn: network.id ?? '' })), ValidationException);
    expect(byId.fieldList?.[0]?.name).toBe('resourceArn');
  });

  it('manages access log subscriptions, one per destination type and resource', async () => {
    const network = await h.lattice.send(new CreateServiceNetworkCommand({ name: 'logged' }));
    const created = await h.lattice.send(
      new CreateAccessLogSubscriptionCommand({ resourceIdentifier: network.arn, destinationArn: LOG_GROUP }),
    );
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created.id).toMatch(/^als-[0-9a-z]{17}$/);
    expect(created).toMatchObject({
      resourceId: network.id,
      resourceArn: network.arn,
      destinationArn: LOG_GROUP,
      serviceNetworkLogType: 'SERVICE',
    });
    const duplicate = await rejection(
      h.lattice.send(new CreateAccessLogSubscriptionCommand({ resourceIdentifier: network.id, destinationArn: `${LOG_GROUP}-2` })),
      ConflictException,
    );
    expect(duplicate).toMatchObject({ resourceId: created.id, resourceType: 'ACCESS_LOG_SUBSCRIPTION' });
    await h.lattice.send(new CreateAccessLogSubscriptionCommand({ resourceIdentifier: network.id, destinationArn: BUCKET }));
    const listed = await h.lattice.send(new ListAccessLogSubscriptionsCommand({ resourceIdentifier: network.id }));
    expect(listed.items?.map((s) => s.destinationArn)).toEqual([LOG_GROUP, BUCKET]);
    const updated = await h.lattice.send(
      new UpdateAccessLogSubscriptionCommand({ accessLogSubscriptionIdentifier: created.arn, destinationArn: `${LOG_GROUP}-new` }),
    );
    expect(updated.destinationArn).toBe(`${LOG_GROUP}-new`);
    const got = await h.lattice.send(new GetAccessLogSubscriptionCommand({ accessLogSubscriptionIdentifier: created.id }));
    expect(got.lastUpdatedAt).toBeInstanceOf(Date);
    await h.lattice.send(new DeleteAccessLogSubscriptionCommand({ accessLogSubscriptionIdentifier: created.id }));
    await rejection(
      h.lattice.send(new GetAccessLogSubscriptionCommand({ accessLogSubscriptionIdentifier: created.id })),
      ResourceNotFoundException,
    );
    await rejection(
      h.lattice.send(
        new CreateAccessLogSubscriptionCommand({
          resourceIdentifier: network.id,
          destinationArn: 'arn:aws:sqs:us-west-2:123456789012:queue',
        }),
      ),
      ValidationException,
    );
  });

  it('refuses a destination that does not exist once destinations are declared, as AWS does', async () => {
    const network = await h.lattice.send(new CreateServiceNetworkCommand({ name: 'declared' }));
    expect((await h.admin.request('GET', 'destinations')).body).toEqual({ mode: 'any', destinations: [] });
    const declared = await h.admin.request('POST', 'destinations', { arns: [`${LOG_GROUP}:*`, `${BUCKET}/prefix/`] });
    expect(declared).toEqual({ status: 201, body: { mode: 'declared', destinations: [LOG_GROUP, BUCKET] } });

    // The log group with or without CloudWatch's `:*`, the bucket with or without a key prefix.
    const logs = await h.lattice.send(
      new CreateAccessLogSubscriptionCommand({ resourceIdentifier: network.id, destinationArn: LOG_GROUP }),
    );
    await h.lattice.send(new CreateAccessLogSubscriptionCommand({ resourceIdentifier: network.id, destinationArn: `${BUCKET}/other/` }));
    const missing = await rejection(
      h.lattice.send(
        new CreateAccessLogSubscriptionCommand({
          resourceIdentifier: network.id,
          destinationArn: 'arn:aws:firehose:us-west-2:123456789012:deliverystream/nope',
        }),
      ),
      ResourceNotFoundException,
    );
    expect(missing).toMatchObject({
      resourceType: 'ACCESS_LOG_DESTINATION',
      resourceId: 'arn:aws:firehose:us-west-2:123456789012:deliverystream/nope',
    });
    const moved = await rejection(
      h.lattice.send(
        new UpdateAccessLogSubscriptionCommand({ accessLogSubscriptionIdentifier: logs.id, destinationArn: `${LOG_GROUP}-gone` }),
      ),
      ResourceNotFoundException,
    );
    expect(moved.resourceType).toBe('ACCESS_LOG_DESTINATION');

    expect((await h.admin.request('POST', 'destinations', { arns: ['bucket'] })).status).toBe(400);
    expect((await h.admin.request('DELETE', 'destinations')).status).toBe(204);
    await h.lattice.send(
      new UpdateAccessLogSubscriptionCommand({ accessLogSubscriptionIdentifier: logs.id, destinationArn: `${LOG_GROUP}-gone` }),
    );
  });

  it('deletes the auth policy, resource policy and access logs with the service network', async () => {
    const network = await h.lattice.send(new CreateServiceNetworkCommand({ name: 'cascade' }));
    await h.lattice.send(new PutAuthPolicyCommand({ resourceIdentifier: network.id, policy: POLICY }));
    await h.lattice.send(new PutResourcePolicyCommand({ resourceArn: network.arn, policy: POLICY }));
    await h.lattice.send(new CreateAccessLogSubscriptionCommand({ resourceIdentifier: network.id, destinationArn: BUCKET }));
    await h.lattice.send(new DeleteServiceNetworkCommand({ serviceNetworkIdentifier: network.id }));
    const state = await h.admin.state();
    expect([state.authPolicies, state.resourcePolicies, state.accessLogSubscriptions]).toEqual([[], [], []]);
  });

  it('tags, lists and untags resources by percent-encoded ARN, with repeated tagKeys', async () => {
    const service = await createService(h.lattice, 'tagged');
    const listener = await createListener(h.lattice, service.id);
    await h.lattice.send(new TagResourceCommand({ resourceArn: listener.arn, tags: { a: '1', 'b c': '2', keep: '3' } }));
    await h.lattice.send(new UntagResourceCommand({ resourceArn: listener.arn, tagKeys: ['a', 'b c'] }));
    const listed = await h.lattice.send(new ListTagsForResourceCommand({ resourceArn: listener.arn }));
    expect(listed.tags).toEqual({ keep: '3' });
    const state = await h.admin.state();
    expect(state.listeners?.[0]).toMatchObject({ id: listener.id, serviceId: service.id, tags: { keep: '3' } });

    const reserved = await rejection(
      h.lattice.send(new TagResourceCommand({ resourceArn: service.arn, tags: { 'aws:owner': 'me' } })),
      ValidationException,
    );
    expect(reserved.fieldList?.[0]?.name).toBe('tags');
    const tooMany = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`k${i}`, 'v']));
    await rejection(h.lattice.send(new TagResourceCommand({ resourceArn: service.arn, tags: tooMany })), ValidationException);
    await rejection(h.lattice.send(new ListTagsForResourceCommand({ resourceArn: MISSING_SERVICE_ARN })), ResourceNotFoundException);
  });
});
