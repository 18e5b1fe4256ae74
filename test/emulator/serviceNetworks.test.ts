import {
  ConflictException,
  CreateServiceNetworkCommand,
  DeleteServiceNetworkCommand,
  GetServiceNetworkCommand,
  ListServiceNetworksCommand,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  UpdateServiceNetworkCommand,
  ValidationException,
} from '@aws-sdk/client-vpc-lattice';
import { ACCOUNT, REGION, rejection, startHarness, type Harness } from './support';

describe('service networks', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('creates a network with an AWS-shaped id and ARN, and returns it from Get and List', async () => {
    const created = await h.lattice.send(
      new CreateServiceNetworkCommand({ name: 'my-network', authType: 'AWS_IAM', sharingConfig: { enabled: true } }),
    );
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created.id).toMatch(/^sn-[0-9a-z]{17}$/);
    expect(created.arn).toBe(`arn:aws:vpc-lattice:${REGION}:${ACCOUNT}:servicenetwork/${created.id}`);
    expect(created).toMatchObject({ name: 'my-network', authType: 'AWS_IAM', sharingConfig: { enabled: true } });

    const got = await h.lattice.send(new GetServiceNetworkCommand({ serviceNetworkIdentifier: created.arn }));
    expect(got).toMatchObject({
      id: created.id,
      name: 'my-network',
      authType: 'AWS_IAM',
      numberOfAssociatedVPCs: 0,
      numberOfAssociatedServices: 0,
    });
    expect(got.createdAt).toEqual(new Date('2026-01-01T00:00:00.000Z'));
    expect(got.lastUpdatedAt).toEqual(got.createdAt);

    const listed = await h.lattice.send(new ListServiceNetworksCommand({}));
    expect(listed.items?.map((item) => item.id)).toEqual([created.id]);
    expect(listed.nextToken).toBeUndefined();
  });

  it('defaults authType to NONE and changes it with Update', async () => {
    const created = await h.lattice.send(new CreateServiceNetworkCommand({ name: 'plain' }));
    expect(created.authType).toBe('NONE');
    h.clock.advance(1000);
    const updated = await h.lattice.send(new UpdateServiceNetworkCommand({ serviceNetworkIdentifier: created.id, authType: 'AWS_IAM' }));
    expect(updated).toMatchObject({ id: created.id, name: 'plain', authType: 'AWS_IAM' });
    const got = await h.lattice.send(new GetServiceNetworkCommand({ serviceNetworkIdentifier: created.id }));
    expect(got.lastUpdatedAt?.getTime()).toBe((got.createdAt?.getTime() ?? 0) + 1000);
  });

  it('refuses a second network with the same name', async () => {
    const first = await h.lattice.send(new CreateServiceNetworkCommand({ name: 'dup' }));
    const error = await rejection(h.lattice.send(new CreateServiceNetworkCommand({ name: 'dup' })), ConflictException);
    expect(error.resourceId).toBe(first.id);
    expect(error.resourceType).toBe('SERVICE_NETWORK');
    expect(error.$metadata.httpStatusCode).toBe(409);
  });

  it('validates the name against the model pattern and lengths', async () => {
    const error = await rejection(h.lattice.send(new CreateServiceNetworkCommand({ name: 'Bad--Name-' })), ValidationException);
    expect(error.reason).toBe('fieldValidationFailed');
    expect(error.fieldList).toEqual([{ name: 'name', message: expect.stringContaining('regular expression pattern') }]);
    const short = await rejection(h.lattice.send(new CreateServiceNetworkCommand({ name: 'ab' })), ValidationException);
    expect(short.fieldList?.[0]?.message).toContain('length greater than or equal to 3');
  });

  it('deletes a network (204) and then reports it not found', async () => {
    const created = await h.lattice.send(new CreateServiceNetworkCommand({ name: 'gone' }));
    const deleted = await h.lattice.send(new DeleteServiceNetworkCommand({ serviceNetworkIdentifier: created.id }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    const error = await rejection(
      h.lattice.send(new GetServiceNetworkCommand({ serviceNetworkIdentifier: created.id })),
      ResourceNotFoundException,
    );
    expect(error).toMatchObject({ resourceId: created.id, resourceType: 'SERVICE_NETWORK' });
  });

  it('enforces the service networks per region quota (402)', async () => {
    await h.admin.config({ quotas: { serviceNetworksPerRegion: 1 } });
    await h.lattice.send(new CreateServiceNetworkCommand({ name: 'first' }));
    const error = await rejection(h.lattice.send(new CreateServiceNetworkCommand({ name: 'second' })), ServiceQuotaExceededException);
    expect(error).toMatchObject({ serviceCode: 'vpc-lattice', quotaCode: 'L-9CAD07FB', resourceType: 'SERVICE_NETWORK' });
    expect(error.$metadata.httpStatusCode).toBe(402);
  });
});
