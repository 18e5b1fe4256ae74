import {
  ConflictException,
  CreateServiceNetworkCommand,
  CreateServiceNetworkServiceAssociationCommand,
  CreateServiceNetworkVpcAssociationCommand,
  DeleteServiceNetworkCommand,
  DeleteServiceNetworkServiceAssociationCommand,
  DeleteServiceNetworkVpcAssociationCommand,
  GetServiceNetworkCommand,
  GetServiceNetworkServiceAssociationCommand,
  GetServiceNetworkVpcAssociationCommand,
  ListServiceNetworkServiceAssociationsCommand,
  ListServiceNetworkVpcAssociationsCommand,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  UpdateServiceNetworkVpcAssociationCommand,
  ValidationException,
} from '@aws-sdk/client-vpc-lattice';
import { ACCOUNT, createService, rejection, startHarness, VPC_ID, type Harness } from './support';

const TRANSITION_MS = 2000;
const SG = 'sg-0123456789abcdef0';
const OTHER_SG = 'sg-0fedcba9876543210';

describe('service network associations', () => {
  let h: Harness;
  let network: { id: string; arn: string; name: string };

  beforeEach(async () => {
    h = await startHarness({ transitionMs: TRANSITION_MS });
    const created = await h.lattice.send(new CreateServiceNetworkCommand({ name: 'mesh' }));
    network = { id: created.id ?? '', arn: created.arn ?? '', name: 'mesh' };
  });
  afterEach(() => h.close());

  const activeService = async (name: string, customDomainName?: string) => {
    const service = await createService(h.lattice, name, customDomainName);
    h.clock.advance(TRANSITION_MS);
    return service;
  };
  const associateService = (serviceIdentifier: string, serviceNetworkIdentifier = network.id) =>
    h.lattice.send(new CreateServiceNetworkServiceAssociationCommand({ serviceIdentifier, serviceNetworkIdentifier }));
  const associateVpc = (vpcIdentifier = VPC_ID, serviceNetworkIdentifier = network.id, securityGroupIds?: string[]) =>
    h.lattice.send(new CreateServiceNetworkVpcAssociationCommand({ vpcIdentifier, serviceNetworkIdentifier, securityGroupIds }));

  describe('with services', () => {
    it('creates an association (200, CREATE_IN_PROGRESS) that becomes ACTIVE', async () => {
      const service = await activeService('orders', 'orders.example.com');
      const created = await associateService(service.arn, network.arn);
      expect(created.$metadata.httpStatusCode).toBe(200);
      expect(created.id).toMatch(/^snsa-[0-9a-z]{17}$/);
      expect(created).toMatchObject({
        status: 'CREATE_IN_PROGRESS',
        createdBy: ACCOUNT,
        customDomainName: 'orders.example.com',
        dnsEntry: { domainName: expect.stringContaining(`orders-${service.id}.`) },
      });
      h.clock.advance(TRANSITION_MS);
      const got = await h.lattice.send(
        new GetServiceNetworkServiceAssociationCommand({ serviceNetworkServiceAssociationIdentifier: created.arn }),
      );
      expect(got).toMatchObject({
        status: 'ACTIVE',
        serviceId: service.id,
        serviceName: 'orders',
        serviceArn: service.arn,
        serviceNetworkId: network.id,
        serviceNetworkName: 'mesh',
        serviceNetworkArn: network.arn,
      });
      const counts = await h.lattice.send(new GetServiceNetworkCommand({ serviceNetworkIdentifier: network.id }));
      expect(counts.numberOfAssociatedServices).toBe(1);
    });

    it('refuses to associate a service still being created (the message names CREATE_IN_PROGRESS)', async () => {
      const service = await createService(h.lattice, 'fresh');
      const error = await rejection(associateService(service.id), ConflictException);
      expect(error).toMatchObject({ resourceId: service.id, resourceType: 'SERVICE' });
      expect(error.message).toContain('CREATE_IN_PROGRESS');
    });

    it('refuses a duplicate association, also while the old one is being deleted', async () => {
      const service = await activeService('dup');
      const first = await associateService(service.id);
      expect((await rejection(associateService(service.id), ConflictException)).resourceId).toBe(first.id);
      const early = await rejection(
        h.lattice.send(new DeleteServiceNetworkServiceAssociationCommand({ serviceNetworkServiceAssociationIdentifier: first.id })),
        ConflictException,
      );
      expect(early.message).toContain('CREATE_IN_PROGRESS');
      h.clock.advance(TRANSITION_MS);
      const deleted = await h.lattice.send(
        new DeleteServiceNetworkServiceAssociationCommand({ serviceNetworkServiceAssociationIdentifier: first.id }),
      );
      expect(deleted).toMatchObject({ id: first.id, status: 'DELETE_IN_PROGRESS' });
      const whileDeleting = await rejection(associateService(service.id), ConflictException);
      expect(whileDeleting.message).toContain('being disassociated');
      h.clock.advance(TRANSITION_MS);
      expect((await associateService(service.id)).status).toBe('CREATE_IN_PROGRESS');
    });

    it('lists by network or by service, and requires one of them', async () => {
      const a = await activeService('alpha');
      const b = await activeService('bravo');
      await associateService(a.id);
      await associateService(b.id);
      const byNetwork = await h.lattice.send(new ListServiceNetworkServiceAssociationsCommand({ serviceNetworkIdentifier: network.arn }));
      expect(byNetwork.items?.map((i) => i.serviceName)).toEqual(['alpha', 'bravo']);
      const byService = await h.lattice.send(new ListServiceNetworkServiceAssociationsCommand({ serviceIdentifier: b.id }));
      expect(byService.items?.map((i) => i.serviceName)).toEqual(['bravo']);
      await rejection(h.lattice.send(new ListServiceNetworkServiceAssociationsCommand({})), ValidationException);
    });

    it('enforces the service associations per network quota', async () => {
      await h.admin.config({ quotas: { serviceAssociationsPerServiceNetwork: 1 } });
      await associateService((await activeService('one')).id);
      const error = await rejection(associateService((await activeService('two')).id), ServiceQuotaExceededException);
      expect(error).toMatchObject({ quotaCode: 'L-75D4A19E', resourceId: network.id });
    });
  });

  describe('with VPCs', () => {
    it('creates, gets, lists, updates (UPDATE_IN_PROGRESS) and deletes an association', async () => {
      const created = await associateVpc(VPC_ID, network.id, [SG]);
      expect(created.id).toMatch(/^snva-[0-9a-z]{17}$/);
      expect(created).toMatchObject({ status: 'CREATE_IN_PROGRESS', securityGroupIds: [SG], createdBy: ACCOUNT });
      h.clock.advance(TRANSITION_MS);
      const got = await h.lattice.send(new GetServiceNetworkVpcAssociationCommand({ serviceNetworkVpcAssociationIdentifier: created.arn }));
      expect(got).toMatchObject({ status: 'ACTIVE', vpcId: VPC_ID, serviceNetworkName: 'mesh', serviceNetworkArn: network.arn });
      const listed = await h.lattice.send(new ListServiceNetworkVpcAssociationsCommand({ vpcIdentifier: VPC_ID }));
      expect(listed.items?.map((i) => i.id)).toEqual([created.id]);

      const updated = await h.lattice.send(
        new UpdateServiceNetworkVpcAssociationCommand({ serviceNetworkVpcAssociationIdentifier: created.id, securityGroupIds: [OTHER_SG] }),
      );
      expect(updated).toMatchObject({ status: 'UPDATE_IN_PROGRESS', securityGroupIds: [OTHER_SG] });
      const busy = await rejection(
        h.lattice.send(new DeleteServiceNetworkVpcAssociationCommand({ serviceNetworkVpcAssociationIdentifier: created.id })),
        ConflictException,
      );
      expect(busy.message).toContain('UPDATE_IN_PROGRESS');
      h.clock.advance(TRANSITION_MS);
      const deleted = await h.lattice.send(
        new DeleteServiceNetworkVpcAssociationCommand({ serviceNetworkVpcAssociationIdentifier: created.id }),
      );
      expect(deleted.status).toBe('DELETE_IN_PROGRESS');
      const whileDeleting = await rejection(associateVpc(), ConflictException);
      expect(whileDeleting.message).toContain('being disassociated');
      h.clock.advance(TRANSITION_MS);
      await rejection(
        h.lattice.send(new GetServiceNetworkVpcAssociationCommand({ serviceNetworkVpcAssociationIdentifier: created.id })),
        ResourceNotFoundException,
      );
    });

    it('associates a VPC with one network only', async () => {
      const first = await associateVpc();
      const other = await h.lattice.send(new CreateServiceNetworkCommand({ name: 'other-mesh' }));
      const error = await rejection(associateVpc(VPC_ID, other.id), ConflictException);
      expect(error).toMatchObject({ resourceId: first.id, resourceType: 'SERVICE_NETWORK_VPC_ASSOCIATION' });
      await rejection(associateVpc(), ConflictException);
    });

    it('never removes every security group (the model requires 1–5)', async () => {
      const created = await associateVpc(VPC_ID, network.id, [SG]);
      h.clock.advance(TRANSITION_MS);
      const error = await rejection(
        h.lattice.send(
          new UpdateServiceNetworkVpcAssociationCommand({ serviceNetworkVpcAssociationIdentifier: created.id, securityGroupIds: [] }),
        ),
        ValidationException,
      );
      expect(error.fieldList?.[0]?.name).toBe('securityGroupIds');
      await rejection(associateVpc('vpc-0123456789abcdef1', network.id, ['sg-bad']), ValidationException);
    });

    it('enforces the VPC associations per network quota', async () => {
      await h.admin.config({ quotas: { vpcAssociationsPerServiceNetwork: 1 } });
      await associateVpc();
      const error = await rejection(associateVpc('vpc-0123456789abcdef1'), ServiceQuotaExceededException);
      expect(error.quotaCode).toBe('L-EF6E2D62');
    });
  });

  it('refuses to delete a network with VPC or service associations', async () => {
    const vpcAssociation = await associateVpc();
    const service = await activeService('member');
    const serviceAssociation = await associateService(service.id);
    h.clock.advance(TRANSITION_MS);
    const withVpc = await rejection(
      h.lattice.send(new DeleteServiceNetworkCommand({ serviceNetworkIdentifier: network.id })),
      ConflictException,
    );
    expect(withVpc).toMatchObject({ resourceId: network.id, resourceType: 'SERVICE_NETWORK' });
    expect(withVpc.message).toContain('VPC');
    await h.lattice.send(new DeleteServiceNetworkVpcAssociationCommand({ serviceNetworkVpcAssociationIdentifier: vpcAssociation.id }));
    h.clock.advance(TRANSITION_MS);
    const withService = await rejection(
      h.lattice.send(new DeleteServiceNetworkCommand({ serviceNetworkIdentifier: network.id })),
      ConflictException,
    );
    expect(withService.message).toContain('service');
    await h.lattice.send(
      new DeleteServiceNetworkServiceAssociationCommand({ serviceNetworkServiceAssociationIdentifier: serviceAssociation.id }),
    );
    h.clock.advance(TRANSITION_MS);
    await h.lattice.send(new DeleteServiceNetworkCommand({ serviceNetworkIdentifier: network.id }));
    expect((await h.admin.state()).serviceNetworks).toEqual([]);
  });
});
