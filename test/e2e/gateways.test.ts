import {
  CreateServiceNetworkCommand,
  CreateServiceNetworkVpcAssociationCommand,
  DeleteServiceNetworkVpcAssociationCommand,
  GetServiceNetworkCommand,
  GetServiceNetworkVpcAssociationCommand,
  ListServiceNetworksCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-vpc-lattice';
import { ASSOCIATION_ARN_ANNOTATION } from '../../src/controllers/vpcAssociationPolicy';
import { VPC_ASSOCIATION_POLICY_TAG } from '../../src/lattice/vpcAssociations';
import { SERVICE_NETWORK_ARN_ANNOTATION } from '../../src/gatewayapi/ourKeys';
import { condition, conditionsOf, GW, OURS, statusOf, summary } from '../support/assertions';
import { type Harness, installGatewayApi, startHarness } from '../support/harness';
import { gateway, route } from '../support/objects';

const MANAGED_BY_KEY = 'application-networking.k8s.aws/ManagedBy';
const OTHER_VPC = 'vpc-0fedcba9876543210';

function serviceNetwork(name: string, annotations?: Record<string, string>) {
  return { apiVersion: `${OURS}/v1alpha1`, kind: 'ServiceNetwork', metadata: { name, ...(annotations ? { annotations } : {}) }, spec: {} };
}

function vap(namespace: string, name: string, spec: Record<string, unknown>) {
  return { apiVersion: `${OURS}/v1alpha1`, kind: 'VpcAssociationPolicy', metadata: { name, namespace }, spec };
}

function namespace(name: string, labels: Record<string, string> = {}) {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } };
}

const snRef = (name: string) => ({ group: OURS, kind: 'ServiceNetwork', name });
const gwRef = (namespace: string, name: string) => ({ group: GW, kind: 'Gateway', namespace, name });

async function networkNamed(h: Harness, name: string) {
  const list = await h.lattice.send(new ListServiceNetworksCommand({}));
  return list.items?.find((sn) => sn.name === name);
}

async function tagsOf(h: Harness, arn: string) {
  return (await h.lattice.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags ?? {};
}

describe('gateways and service networks, end to end (driver + emulator)', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness();
    installGatewayApi(h.cluster);
  });
  afterEach(async () => h.close());

  describe('ServiceNetwork', () => {
    it('creates a network with our tags and the extra tags, and reports it', async () => {
      h.cluster.apply(serviceNetwork('mesh', { 'application-networking.k8s.aws/tags': 'team=payments,env=prod' }));
      await h.driver.runUntilStable();
      const network = await networkNamed(h, 'mesh');
      expect(network).toBeDefined();
      expect(await tagsOf(h, network?.arn ?? '')).toEqual({ [MANAGED_BY_KEY]: h.identity.managedBy, team: 'payments', env: 'prod' });
      const object = h.cluster.mustGet(snRef('mesh'));
      expect(statusOf(object)).toMatchObject({ serviceNetworkARN: network?.arn, serviceNetworkID: network?.id, observedGeneration: 1 });
      expect(summary(statusOf(object).conditions)).toEqual({ Accepted: 'True/Accepted', Programmed: 'True/Programmed' });
    });

    it('adopts an untagged network of that name, and never touches one tagged by another owner', async () => {
      const untagged = await h.lattice.send(new CreateServiceNetworkCommand({ name: 'legacy' }));
      const foreign = await h.lattice.send(
        new CreateServiceNetworkCommand({ name: 'theirs', tags: { [MANAGED_BY_KEY]: '999999999999/other/vpc-0aaaaaaaaaaaaaaaa' } }),
      );
      h.cluster.apply(serviceNetwork('legacy'));
      h.cluster.apply(serviceNetwork('theirs'));
      await h.driver.runUntilStable();

      expect(await tagsOf(h, untagged.arn ?? '')).toEqual({ [MANAGED_BY_KEY]: h.identity.managedBy });
      expect(conditionsOf(h.cluster, snRef('legacy'))).toEqual({ Accepted: 'True/Accepted', Programmed: 'True/Programmed' });
      expect(conditionsOf(h.cluster, snRef('theirs'))).toEqual({ Accepted: 'False/Conflicted', Programmed: 'False/Invalid' });
      expect(await tagsOf(h, foreign.arn ?? '')).toEqual({ [MANAGED_BY_KEY]: '999999999999/other/vpc-0aaaaaaaaaaaaaaaa' });

      // Deleting the object of a foreign network releases it; the network stays.
      h.cluster.delete(snRef('theirs'));
      await h.driver.runUntilStable();
      expect(h.cluster.get(snRef('theirs'))).toBeUndefined();
      expect(await networkNamed(h, 'theirs')).toBeDefined();
    });

    it('keeps the finalizer while an association or a Lattice Gateway of that name remains, then deletes the network', async () => {
      h.cluster.apply(serviceNetwork('mesh'));
      h.cluster.apply(gateway('infra', 'mesh', 'amazon-vpc-lattice'));
      await h.driver.runUntilStable();
      const network = await networkNamed(h, 'mesh');
      const association = await h.lattice.send(
        new CreateServiceNetworkVpcAssociationCommand({ serviceNetworkIdentifier: network?.id, vpcIdentifier: OTHER_VPC }),
      );

      h.cluster.delete(snRef('mesh'));
      await h.driver.runUntilStable();
      expect(condition(statusOf(h.cluster.get(snRef('mesh'))).conditions, 'Programmed')).toMatchObject({
        status: 'False',
        reason: 'DeleteBlocked',
        message: 'Not deleted while Gateway infra/mesh uses it',
      });

      h.cluster.delete(gwRef('infra', 'mesh'));
      await h.driver.runUntil(
        () => condition(statusOf(h.cluster.get(snRef('mesh'))).conditions, 'Programmed')?.message?.includes('1 VPC') === true,
        { timeoutMs: 5000 },
      );
      expect(h.cluster.get(snRef('mesh'))).toBeDefined();

      await h.lattice.send(new DeleteServiceNetworkVpcAssociationCommand({ serviceNetworkVpcAssociationIdentifier: association.arn }));
      await h.driver.runUntil(() => h.cluster.get(snRef('mesh')) === undefined);
      expect(await networkNamed(h, 'mesh')).toBeUndefined();
    });
  });

  describe('Gateway', () => {
    it('is Pending while its network is missing, and becomes Programmed by itself once it appears', async () => {
      h.cluster.apply(gateway('infra', 'late', 'amazon-vpc-lattice'));
      await h.driver.runUntilStable();
      expect(conditionsOf(h.cluster, gwRef('infra', 'late'))).toEqual({ Accepted: 'True/Accepted', Programmed: 'False/Pending' });
      const generation = h.cluster.mustGet(gwRef('infra', 'late')).metadata.generation;

      const created = await h.lattice.send(new CreateServiceNetworkCommand({ name: 'late' }));
      await h.driver.runUntil(() => conditionsOf(h.cluster, gwRef('infra', 'late')).Programmed === 'True/Programmed');
      const gw = h.cluster.mustGet(gwRef('infra', 'late'));
      expect(gw.metadata.generation).toBe(generation);
      expect(gw.metadata.annotations?.[SERVICE_NETWORK_ARN_ANNOTATION]).toBe(created.arn);
      expect(condition(statusOf(gw).conditions, 'Programmed')?.message).toBe(`aws-service-network-arn: ${created.arn}`);
    });

    it('writes per-listener conditions for valid, unsupported-protocol and invalid-kind listeners', async () => {
      await h.lattice.send(new CreateServiceNetworkCommand({ name: 'edge' }));
      h.cluster.apply(
        gateway('infra', 'edge', 'amazon-vpc-lattice', [
          { name: 'http', protocol: 'HTTP', port: 80 },
          { name: 'tcp', protocol: 'TCP', port: 9000 },
          { name: 'kinds', protocol: 'HTTP', port: 8080, allowedRoutes: { kinds: [{ kind: 'InvalidRoute' }, { kind: 'HTTPRoute' }] } },
          {
            name: 'https',
            protocol: 'HTTPS',
            port: 443,
            tls: {
              mode: 'Terminate',
              options: {
                'application-networking.k8s.aws/certificate-arn':
                  'arn:aws:acm:us-west-2:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
              },
            },
          },
          { name: 'tls', protocol: 'TLS', port: 8443, tls: { mode: 'Passthrough' } },
        ]),
      );
      await h.driver.runUntilStable();
      const status = statusOf(h.cluster.get(gwRef('infra', 'edge')));
      expect(summary(status.conditions)).toEqual({ Accepted: 'True/ListenersNotValid', Programmed: 'True/Programmed' });
      const listeners = Object.fromEntries(
        (status.listeners as { name: string; conditions: unknown; supportedKinds: unknown }[]).map((l) => [l.name, l]),
      );
      expect(summary(listeners.http?.conditions)).toEqual({
        Accepted: 'True/Accepted',
        ResolvedRefs: 'True/ResolvedRefs',
        Programmed: 'True/Programmed',
      });
      expect(listeners.http?.supportedKinds).toEqual([{ group: GW, kind: 'HTTPRoute' }]);
      expect(summary(listeners.tcp?.conditions)).toEqual({
        Accepted: 'False/UnsupportedProtocol',
        ResolvedRefs: 'True/ResolvedRefs',
        Programmed: 'False/Invalid',
      });
      expect(listeners.tcp?.supportedKinds).toEqual([]);
      expect(summary(listeners.kinds?.conditions)).toEqual({
        Accepted: 'True/Accepted',
        ResolvedRefs: 'False/InvalidRouteKinds',
        Programmed: 'False/Invalid',
      });
      expect(listeners.kinds?.supportedKinds).toEqual([{ group: GW, kind: 'HTTPRoute' }]);
      expect(summary(listeners.https?.conditions)).toEqual({
        Accepted: 'True/Accepted',
        ResolvedRefs: 'True/ResolvedRefs',
        Programmed: 'True/Programmed',
      });
      expect(listeners.https?.supportedKinds).toEqual([
        { group: GW, kind: 'HTTPRoute' },
        { group: GW, kind: 'GRPCRoute' },
      ]);
      expect(listeners.tls?.supportedKinds).toEqual([{ group: GW, kind: 'TLSRoute' }]);
      for (const c of status.conditions as { observedGeneration: number }[]) expect(c.observedGeneration).toBe(1);
    });

    it('is not Accepted when no listener is valid', async () => {
      h.cluster.apply(gateway('infra', 'bad', 'amazon-vpc-lattice', [{ name: 'udp', protocol: 'UDP', port: 53 }]));
      await h.driver.runUntilStable();
      expect(conditionsOf(h.cluster, gwRef('infra', 'bad'))).toEqual({ Accepted: 'False/ListenersNotValid', Programmed: 'False/Invalid' });
    });

    it('counts attachedRoutes by allowedRoutes (Same, All, Selector)', async () => {
      await h.lattice.send(new CreateServiceNetworkCommand({ name: 'edge' }));
      h.cluster.apply(namespace('infra'));
      h.cluster.apply(namespace('team-a', { team: 'a' }));
      h.cluster.apply(namespace('team-b', { team: 'b' }));
      h.cluster.apply(
        gateway('infra', 'edge', 'amazon-vpc-lattice', [
          { name: 'same', protocol: 'HTTP', port: 80 },
          { name: 'all', protocol: 'HTTP', port: 81, allowedRoutes: { namespaces: { from: 'All' } } },
          {
            name: 'selector',
            protocol: 'HTTP',
            port: 82,
            allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { team: 'a' } } } },
          },
        ]),
      );
      h.cluster.apply(route('HTTPRoute', 'infra', 'local', [{ name: 'edge' }]));
      h.cluster.apply(route('HTTPRoute', 'team-a', 'a', [{ name: 'edge', namespace: 'infra' }]));
      h.cluster.apply(route('HTTPRoute', 'team-b', 'b', [{ name: 'edge', namespace: 'infra' }]));
      h.cluster.apply(route('HTTPRoute', 'team-b', 'b-on-same', [{ name: 'edge', namespace: 'infra', sectionName: 'same' }]));
      h.cluster.apply({
        ...route('HTTPRoute', 'team-a', 'elsewhere', [{ name: 'edge', namespace: 'infra' }]),
        spec: { parentRefs: [{ name: 'edge', namespace: 'infra' }], hostnames: ['x.example.com'] },
      });
      await h.driver.runUntilStable();
      const listeners = statusOf(h.cluster.get(gwRef('infra', 'edge'))).listeners as { name: string; attachedRoutes: number }[];
      // same: infra/local; all: local, a, b, elsewhere; selector: local? no (infra lacks team=a), a, elsewhere.
      expect(Object.fromEntries(listeners.map((l) => [l.name, l.attachedRoutes]))).toEqual({ same: 1, all: 4, selector: 2 });

      // Relabelling a namespace moves its routes: Namespaces are related objects of the Gateway.
      h.cluster.apply(namespace('team-b', { team: 'a' }));
      await h.driver.runUntilStable();
      const after = statusOf(h.cluster.get(gwRef('infra', 'edge'))).listeners as { name: string; attachedRoutes: number }[];
      expect(after.find((l) => l.name === 'selector')?.attachedRoutes).toBe(3);
    });

    it('uses a network owned by someone else without ever modifying it', async () => {
      const foreign = await h.lattice.send(
        new CreateServiceNetworkCommand({ name: 'shared', tags: { [MANAGED_BY_KEY]: '999999999999/other/vpc-0aaaaaaaaaaaaaaaa' } }),
      );
      h.cluster.apply(gateway('infra', 'shared', 'amazon-vpc-lattice'));
      h.cluster.apply(
        vap('infra', 'assoc', { targetRef: { group: GW, kind: 'Gateway', name: 'shared' }, securityGroupIds: ['sg-0123456789abcdef0'] }),
      );
      await h.driver.runUntilStable();
      expect(conditionsOf(h.cluster, gwRef('infra', 'shared')).Programmed).toBe('True/Programmed');
      h.cluster.delete(gwRef('infra', 'shared'));
      h.cluster.delete({ group: OURS, kind: 'VpcAssociationPolicy', namespace: 'infra', name: 'assoc' });
      await h.driver.runUntilStable();
      const calls = await h.admin.calls();
      expect(calls.byOperation.DeleteServiceNetwork).toBeUndefined();
      expect(calls.byOperation.TagResource).toBeUndefined();
      expect(calls.byOperation.UpdateServiceNetwork).toBeUndefined();
      expect(await tagsOf(h, foreign.arn ?? '')).toEqual({ [MANAGED_BY_KEY]: '999999999999/other/vpc-0aaaaaaaaaaaaaaaa' });
    });

    it('makes no write call and returns an identical status when synced again unchanged', async () => {
      await h.lattice.send(new CreateServiceNetworkCommand({ name: 'edge' }));
      h.cluster.apply(gateway('infra', 'edge', 'amazon-vpc-lattice'));
      h.cluster.apply(route('HTTPRoute', 'infra', 'r', [{ name: 'edge' }]));
      await h.driver.runUntilStable();
      const before = h.cluster.mustGet(gwRef('infra', 'edge'));
      await h.admin.resetCalls();
      const syncs = h.driver.callsTo('lattice-gateway', 'sync').length;
      // A label change re-syncs the Gateway without changing anything the hook depends on.
      h.cluster.apply({ ...before, metadata: { ...before.metadata, labels: { ...before.metadata.labels, touched: 'yes' } } });
      await h.driver.runUntilStable();
      expect(h.driver.callsTo('lattice-gateway', 'sync').length).toBe(syncs + 1);
      const last = h.driver.callsTo('lattice-gateway', 'sync').at(-1);
      // Verified within its drift window: answered from its record, asked back when the window ends.
      expect(last?.response).toEqual({ status: null, annotations: {}, resyncAfterSeconds: expect.any(Number) });
      expect(statusOf(h.cluster.get(gwRef('infra', 'edge')))).toEqual(statusOf(before));
      // Not one AWS call: neither the Gateway nor the route (re-synced as the Gateway's related object) reads Lattice.
      expect((await h.admin.calls()).byOperation).toEqual({});
    });
  });

  describe('VpcAssociationPolicy', () => {
    const SG1 = 'sg-0123456789abcdef0';
    const SG2 = 'sg-0fedcba9876543210';
    const policyRef = { group: OURS, kind: 'VpcAssociationPolicy', namespace: 'infra', name: 'assoc' };

    async function association(arn: string) {
      return h.lattice.send(new GetServiceNetworkVpcAssociationCommand({ serviceNetworkVpcAssociationIdentifier: arn }));
    }

    beforeEach(async () => {
      h.cluster.apply(serviceNetwork('edge'));
      h.cluster.apply(gateway('infra', 'edge', 'amazon-vpc-lattice'));
    });

    it('associates the network with the cluster VPC, updates security groups in place, removes it on associateWithVpc: false and on delete', async () => {
      h.cluster.apply(vap('infra', 'assoc', { targetRef: { group: GW, kind: 'Gateway', name: 'edge' }, securityGroupIds: [SG1] }));
      await h.driver.runUntil(() => conditionsOf(h.cluster, policyRef).Programmed === 'True/Programmed');
      const arn = h.cluster.mustGet(policyRef).metadata.annotations?.[ASSOCIATION_ARN_ANNOTATION] ?? '';
      expect(await association(arn)).toMatchObject({ status: 'ACTIVE', vpcId: h.identity.vpcId, securityGroupIds: [SG1] });
      expect(await tagsOf(h, arn)).toEqual({ [MANAGED_BY_KEY]: h.identity.managedBy, [VPC_ASSOCIATION_POLICY_TAG]: 'infra/assoc' });

      h.cluster.apply(vap('infra', 'assoc', { targetRef: { group: GW, kind: 'Gateway', name: 'edge' }, securityGroupIds: [SG1, SG2] }));
      await h.driver.runUntil(
        () =>
          conditionsOf(h.cluster, policyRef).Programmed === 'True/Programmed' &&
          h.driver.callsTo('lattice-vpcassociationpolicy', 'sync').length > 3,
      );
      await h.driver.runUntilStable();
      expect(h.cluster.mustGet(policyRef).metadata.annotations?.[ASSOCIATION_ARN_ANNOTATION]).toBe(arn);
      expect((await association(arn)).securityGroupIds?.sort()).toEqual([SG1, SG2].sort());
      expect((await h.admin.calls()).byOperation.UpdateServiceNetworkVpcAssociation).toBe(1);

      h.cluster.apply(vap('infra', 'assoc', { targetRef: { group: GW, kind: 'Gateway', name: 'edge' }, associateWithVpc: false }));
      await h.driver.runUntilStable();
      expect(h.cluster.mustGet(policyRef).metadata.annotations?.[ASSOCIATION_ARN_ANNOTATION]).toBeUndefined();
      await expect(association(arn)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      expect(conditionsOf(h.cluster, policyRef)).toEqual({ Accepted: 'True/Accepted', Programmed: 'True/Programmed' });

      h.cluster.apply(vap('infra', 'assoc', { targetRef: { group: GW, kind: 'Gateway', name: 'edge' } }));
      await h.driver.runUntil(
        () =>
          conditionsOf(h.cluster, policyRef).Programmed === 'True/Programmed' &&
          h.cluster.mustGet(policyRef).metadata.annotations?.[ASSOCIATION_ARN_ANNOTATION] !== undefined,
      );
      const again = h.cluster.mustGet(policyRef).metadata.annotations?.[ASSOCIATION_ARN_ANNOTATION] ?? '';
      h.cluster.delete(policyRef);
      await h.driver.runUntil(() => h.cluster.get(policyRef) === undefined);
      await expect(association(again)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      const network = await networkNamed(h, 'edge');
      expect((await h.lattice.send(new GetServiceNetworkCommand({ serviceNetworkIdentifier: network?.id }))).numberOfAssociatedVPCs).toBe(
        0,
      );
    });

    it('removes the association when the Gateway goes away, leaving nothing of ours in Lattice', async () => {
      h.cluster.apply(vap('infra', 'assoc', { targetRef: { group: GW, kind: 'Gateway', name: 'edge' } }));
      await h.driver.runUntil(() => conditionsOf(h.cluster, policyRef).Programmed === 'True/Programmed');
      const arn = h.cluster.mustGet(policyRef).metadata.annotations?.[ASSOCIATION_ARN_ANNOTATION] ?? '';
      h.cluster.delete(gwRef('infra', 'edge'));
      await h.driver.runUntil(
        () =>
          h.cluster.get(gwRef('infra', 'edge')) === undefined &&
          h.cluster.mustGet(policyRef).metadata.annotations?.[ASSOCIATION_ARN_ANNOTATION] === undefined,
      );
      await h.driver.runUntilStable();
      expect(conditionsOf(h.cluster, policyRef)).toEqual({ Accepted: 'False/TargetNotFound' });
      await expect(association(arn)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      // Only the ServiceNetwork object's own network is left, and it can now be deleted.
      h.cluster.delete(snRef('edge'));
      await h.driver.runUntil(() => h.cluster.get(snRef('edge')) === undefined);
      const state = await h.admin.state();
      expect(Object.values(state).every((list) => list.length === 0)).toBe(true);
    });

    it('moves the association when retargeted to a Gateway of another network, leaving nothing behind', async () => {
      h.cluster.apply(serviceNetwork('other'));
      h.cluster.apply(gateway('infra', 'other', 'amazon-vpc-lattice'));
      h.cluster.apply(vap('infra', 'assoc', { targetRef: { group: GW, kind: 'Gateway', name: 'edge' } }));
      await h.driver.runUntil(() => conditionsOf(h.cluster, policyRef).Programmed === 'True/Programmed');
      const arn = h.cluster.mustGet(policyRef).metadata.annotations?.[ASSOCIATION_ARN_ANNOTATION] ?? '';

      h.cluster.apply(vap('infra', 'assoc', { targetRef: { group: GW, kind: 'Gateway', name: 'other' } }));
      const recorded = () => h.cluster.mustGet(policyRef).metadata.annotations?.[ASSOCIATION_ARN_ANNOTATION];
      await h.driver.runUntil(
        () => conditionsOf(h.cluster, policyRef).Programmed === 'True/Programmed' && recorded() !== undefined && recorded() !== arn,
      );
      await h.driver.runUntilStable();
      await expect(association(arn)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      const other = await networkNamed(h, 'other');
      expect(await association(recorded() ?? '')).toMatchObject({
        status: 'ACTIVE',
        serviceNetworkArn: other?.arn,
        vpcId: h.identity.vpcId,
      });

      h.cluster.delete(policyRef);
      await h.driver.runUntil(() => h.cluster.get(policyRef) === undefined);
      expect((await h.admin.state()).serviceNetworkVpcAssociations).toEqual([]);
    });

    it("a policy whose record is edited to name another policy's association cannot remove it (the VpcAssociationPolicy tag names the holder)", async () => {
      h.cluster.apply(vap('infra', 'assoc', { targetRef: { group: GW, kind: 'Gateway', name: 'edge' } }));
      await h.driver.runUntil(() => conditionsOf(h.cluster, policyRef).Programmed === 'True/Programmed');
      const arn = h.cluster.mustGet(policyRef).metadata.annotations?.[ASSOCIATION_ARN_ANNOTATION] ?? '';
      // Another Gateway's policy, not associating, with its record pointed at that association: its release would remove it.
      h.cluster.apply(serviceNetwork('other'));
      h.cluster.apply(gateway('infra', 'other', 'amazon-vpc-lattice'));
      const intruderRef = { ...policyRef, name: 'intruder' };
      const intruder = vap('infra', 'intruder', { targetRef: { group: GW, kind: 'Gateway', name: 'other' }, associateWithVpc: false });
      h.cluster.apply({ ...intruder, metadata: { ...intruder.metadata, annotations: { [ASSOCIATION_ARN_ANNOTATION]: arn } } });
      await h.driver.runUntil(() => conditionsOf(h.cluster, intruderRef).Programmed === 'True/Programmed');
      h.cluster.delete(intruderRef);
      await h.driver.runUntil(() => h.cluster.get(intruderRef) === undefined);
      await h.driver.runUntilStable();
      expect(await association(arn)).toMatchObject({ status: 'ACTIVE' });
      expect(conditionsOf(h.cluster, policyRef).Programmed).toBe('True/Programmed');
    });

    it('leaves the association to a successor that associates, and removes it for one that does not', async () => {
      h.cluster.apply(vap('infra', 'assoc', { targetRef: { group: GW, kind: 'Gateway', name: 'edge' } }));
      await h.driver.runUntil(() => conditionsOf(h.cluster, policyRef).Programmed === 'True/Programmed');
      const arn = h.cluster.mustGet(policyRef).metadata.annotations?.[ASSOCIATION_ARN_ANNOTATION] ?? '';
      const successor = { ...policyRef, name: 'successor' };
      h.cluster.apply(vap('infra', 'successor', { targetRef: { group: GW, kind: 'Gateway', name: 'edge' }, securityGroupIds: [SG1] }));
      await h.driver.runUntilStable();
      expect(conditionsOf(h.cluster, successor)).toEqual({ Accepted: 'False/Conflicted' });

      h.cluster.delete(policyRef);
      await h.driver.runUntil(
        () => h.cluster.get(policyRef) === undefined && conditionsOf(h.cluster, successor).Programmed === 'True/Programmed',
      );
      await h.driver.runUntilStable();
      expect(h.cluster.mustGet(successor).metadata.annotations?.[ASSOCIATION_ARN_ANNOTATION]).toBe(arn);
      expect(await association(arn)).toMatchObject({ status: 'ACTIVE', securityGroupIds: [SG1] });

      // The next one does not associate: the association goes with its predecessor.
      h.cluster.apply(vap('infra', 'off', { targetRef: { group: GW, kind: 'Gateway', name: 'edge' }, associateWithVpc: false }));
      await h.driver.runUntilStable();
      h.cluster.delete(successor);
      await h.driver.runUntil(() => h.cluster.get(successor) === undefined);
      await h.driver.runUntilStable();
      expect(conditionsOf(h.cluster, { ...policyRef, name: 'off' })).toEqual({ Accepted: 'True/Accepted', Programmed: 'True/Programmed' });
      await expect(association(arn)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    });

    it('decides between policies on Gateways of one name in two namespaces, which share one network', async () => {
      h.cluster.apply(gateway('team', 'edge', 'amazon-vpc-lattice'));
      h.cluster.apply(vap('infra', 'assoc', { targetRef: { group: GW, kind: 'Gateway', name: 'edge' }, securityGroupIds: [SG1] }));
      await h.driver.runUntil(() => conditionsOf(h.cluster, policyRef).Programmed === 'True/Programmed');
      h.cluster.apply(vap('team', 'assoc', { targetRef: { group: GW, kind: 'Gateway', name: 'edge' }, securityGroupIds: [SG2] }));
      await h.driver.runUntilStable();
      expect(conditionsOf(h.cluster, { ...policyRef, namespace: 'team' })).toEqual({ Accepted: 'False/Conflicted' });
      const arn = h.cluster.mustGet(policyRef).metadata.annotations?.[ASSOCIATION_ARN_ANNOTATION] ?? '';
      expect((await association(arn)).securityGroupIds).toEqual([SG1]);
      expect((await h.admin.calls()).byOperation.UpdateServiceNetworkVpcAssociation).toBeUndefined();
    });

    it('reports Conflicted for the younger of two policies on one Gateway, and TargetNotFound for a missing Gateway', async () => {
      h.cluster.apply(vap('infra', 'assoc', { targetRef: { group: GW, kind: 'Gateway', name: 'edge' } }));
      await h.driver.runUntilStable();
      h.cluster.apply(vap('infra', 'younger', { targetRef: { group: GW, kind: 'Gateway', name: 'edge' } }));
      h.cluster.apply(vap('infra', 'lost', { targetRef: { group: GW, kind: 'Gateway', name: 'nowhere' } }));
      h.cluster.apply(vap('infra', 'wrong-kind', { targetRef: { group: GW, kind: 'HTTPRoute', name: 'edge' } }));
      await h.driver.runUntilStable();
      expect(conditionsOf(h.cluster, { ...policyRef, name: 'younger' })).toEqual({ Accepted: 'False/Conflicted' });
      expect(conditionsOf(h.cluster, { ...policyRef, name: 'lost' })).toEqual({ Accepted: 'False/TargetNotFound' });
      expect(conditionsOf(h.cluster, { ...policyRef, name: 'wrong-kind' })).toEqual({ Accepted: 'False/Invalid' });
      expect(conditionsOf(h.cluster, policyRef).Accepted).toBe('True/Accepted');
      expect((await h.admin.calls()).byOperation.CreateServiceNetworkVpcAssociation).toBe(1);
    });
  });
});
