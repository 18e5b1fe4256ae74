import {
  CreateAccessLogSubscriptionCommand,
  CreateListenerCommand,
  CreateRuleCommand,
  CreateServiceCommand,
  CreateServiceNetworkCommand,
  CreateServiceNetworkServiceAssociationCommand,
  CreateServiceNetworkVpcAssociationCommand,
  CreateTargetGroupCommand,
  PutAuthPolicyCommand,
  RegisterTargetsCommand,
  UpdateServiceCommand,
  type VPCLatticeClient,
} from '@aws-sdk/client-vpc-lattice';
import type { AdminApi } from '../../tools/emulatorAdmin';

/** Accounts, clusters and the policy of the seeded account (the emulator's account, the demo's cluster). */
export const SEED = {
  account: '123456789012',
  thisCluster: '123456789012/local/vpc-0a1b2c3d4e5f60718',
  otherCluster: '123456789012/east/vpc-0fedcba9876543210',
  goCluster: '123456789012/legacy/vpc-0a1b2c3d4e5f60718',
  partnerAccount: '999988887777',
  vpc: 'vpc-0a1b2c3d4e5f60718',
  policy: JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: '*', Action: 'vpc-lattice-svcs:Invoke', Resource: '*' }],
  }),
} as const;

const P = 'application-networking.k8s.aws/';

export interface SeededIds {
  networks: Record<'demo' | 'open' | 'partner', string>;
  services: Record<'storefront' | 'inventory' | 'east' | 'legacy' | 'open' | 'orphan' | 'partner', string>;
  targetGroups: Record<'frontend' | 'inventory' | 'inventoryV1' | 'east' | 'legacy' | 'leaked', string>;
}

const routeTags = (managedBy: string, namespace: string, name: string) => ({
  [`${P}ManagedBy`]: managedBy,
  [`${P}RouteName`]: name,
  [`${P}RouteNamespace`]: namespace,
  [`${P}RouteType`]: 'http',
});
const tgTags = (managedBy: string, cluster: string, namespace: string, route: string, service: string) => ({
  [`${P}ManagedBy`]: managedBy,
  [`${P}ClusterName`]: cluster,
  [`${P}SourceTypeKey`]: 'HTTPRoute',
  [`${P}RouteName`]: route,
  [`${P}RouteNamespace`]: namespace,
  [`${P}ServiceName`]: service,
  [`${P}ServiceNamespace`]: namespace,
  [`${P}ProtocolVersion`]: 'HTTP1',
});

type Lattice = VPCLatticeClient;

async function network(lattice: Lattice, name: string, authType: 'NONE' | 'AWS_IAM', tags?: Record<string, string>): Promise<string> {
  return (await lattice.send(new CreateServiceNetworkCommand({ name, authType, ...(tags ? { tags } : {}) }))).id as string;
}

async function service(lattice: Lattice, name: string, tags?: Record<string, string>): Promise<string> {
  return (await lattice.send(new CreateServiceCommand({ name, authType: 'NONE', ...(tags ? { tags } : {}) }))).id as string;
}

async function targetGroup(lattice: Lattice, name: string, tags: Record<string, string> | undefined, targets: string[]): Promise<string> {
  const id = (
    await lattice.send(
      new CreateTargetGroupCommand({
        name,
        type: 'IP',
        config: { port: 8080, protocol: 'HTTP', vpcIdentifier: SEED.vpc },
        ...(tags ? { tags } : {}),
      }),
    )
  ).id as string;
  if (targets.length > 0)
    await lattice.send(new RegisterTargetsCommand({ targetGroupIdentifier: id, targets: targets.map((ip) => ({ id: ip, port: 8080 })) }));
  return id;
}

async function listener(
  lattice: Lattice,
  serviceIdentifier: string,
  name: string,
  rules: { name: string; priority: number; path: string; group: string }[],
): Promise<void> {
  const created = await lattice.send(
    new CreateListenerCommand({
      serviceIdentifier,
      name,
      protocol: 'HTTP',
      port: 80,
      defaultAction: { fixedResponse: { statusCode: 404 } },
    }),
  );
  for (const rule of rules) {
    await lattice.send(
      new CreateRuleCommand({
        serviceIdentifier,
        listenerIdentifier: created.id as string,
        name: rule.name,
        priority: rule.priority,
        match: { httpMatch: { pathMatch: { match: { prefix: rule.path }, caseSensitive: true } } },
        action: { forward: { targetGroups: [{ targetGroupIdentifier: rule.group, weight: 1 }] } },
      }),
    );
  }
}

async function associate(lattice: Lattice, serviceIdentifier: string, serviceNetworkIdentifier: string): Promise<void> {
  await lattice.send(new CreateServiceNetworkServiceAssociationCommand({ serviceIdentifier, serviceNetworkIdentifier }));
}

export interface ForeignIds {
  openNetwork: string;
  partnerNetwork: string;
  services: Record<'east' | 'legacy' | 'open' | 'orphan' | 'partner', string>;
  targetGroups: Record<'east' | 'legacy' | 'leaked', string>;
}

/**
 * What other parties made in the account, next to this cluster's routes: a route of another
 * cluster and one the Go controller manages (both in `sharedNetwork`), an unmanaged service in a
 * network, both with auth NONE (open), an unmanaged service in no network, and a target group of
 * this cluster that no rule uses (a leak); and, made as a partner account (shared with this one,
 * as through AWS RAM), a service network and a service associated with `sharedNetwork`.
 */
export async function seedForeign(lattice: Lattice, sharedNetwork: string, admin: AdminApi): Promise<ForeignIds> {
  await admin.config({ callerAccountId: SEED.partnerAccount });
  const partnerNetwork = await network(lattice, 'partner-network', 'AWS_IAM');
  const partner = (await lattice.send(new CreateServiceCommand({ name: 'partner-api', authType: 'AWS_IAM' }))).id as string;
  await admin.config({ callerAccountId: null });
  await associate(lattice, partner, sharedNetwork);

  const open = await network(lattice, 'open-network', 'NONE');
  const leaked = await targetGroup(
    lattice,
    'k8s-oldroute-gone-80-fedcba987654',
    tgTags(SEED.thisCluster, 'local', 'store', 'oldroute', 'gone'),
    [],
  );
  const east = await targetGroup(
    lattice,
    'k8s-checkout-checkout-80-0a0b0c0d0e0f',
    tgTags(SEED.otherCluster, 'east', 'shop', 'checkout', 'checkout'),
    ['10.1.0.5'],
  );
  const legacy = await targetGroup(
    lattice,
    'k8s-default-parking-qmsuilsxyq',
    tgTags(SEED.goCluster, 'legacy', 'default', 'parking', 'parking'),
    ['10.0.2.7'],
  );

  const eastSvc = await service(lattice, 'checkout-shop', routeTags(SEED.otherCluster, 'shop', 'checkout'));
  await listener(lattice, eastSvc, 'http-80', [{ name: 'k8s-aabbccddeeff0011', priority: 1, path: '/', group: east }]);
  await associate(lattice, eastSvc, sharedNetwork);
  const legacySvc = await service(lattice, 'parking-default', routeTags(SEED.goCluster, 'default', 'parking'));
  await listener(lattice, legacySvc, 'parking-default-80-http', [{ name: 'k8s-1693522631-rule-1', priority: 1, path: '/', group: legacy }]);
  await associate(lattice, legacySvc, sharedNetwork);
  const openSvc = await service(lattice, 'payments-open');
  await associate(lattice, openSvc, open);
  const orphan = await service(lattice, 'orphan-svc');
  return {
    openNetwork: open,
    partnerNetwork,
    services: { east: eastSvc, legacy: legacySvc, open: openSvc, orphan, partner },
    targetGroups: { east, legacy, leaked },
  };
}

/**
 * This cluster's part, made the way the hooks make it (ManagedBy, route tags, `http-80`
 * listeners, `k8s-<hash>` rules and target groups) in an IAM-protected network with access logs;
 * with the foreign part, a whole account for tests that do not run the hooks.
 */
export async function seedAccount(lattice: Lattice, admin: AdminApi): Promise<SeededIds> {
  const demo = await network(lattice, 'demo-network', 'AWS_IAM', { [`${P}ManagedBy`]: SEED.thisCluster });
  await lattice.send(new PutAuthPolicyCommand({ resourceIdentifier: demo, policy: SEED.policy }));
  await lattice.send(new CreateServiceNetworkVpcAssociationCommand({ serviceNetworkIdentifier: demo, vpcIdentifier: SEED.vpc }));
  await lattice.send(
    new CreateAccessLogSubscriptionCommand({
      resourceIdentifier: demo,
      destinationArn: 'arn:aws:logs:us-west-2:123456789012:log-group:lattice-demo',
    }),
  );

  const frontend = await targetGroup(
    lattice,
    'k8s-storefront-frontend-80-0123456789ab',
    tgTags(SEED.thisCluster, 'local', 'store', 'storefront', 'frontend'),
    ['10.0.1.10', '10.0.1.11'],
  );
  const inventory = await targetGroup(
    lattice,
    'k8s-storefront-inventory-80-abcdef012345',
    tgTags(SEED.thisCluster, 'local', 'store', 'storefront', 'inventory'),
    ['10.0.1.20'],
  );
  const inventoryV1 = await targetGroup(
    lattice,
    'k8s-inventory-inventory-80-1234567890ab',
    tgTags(SEED.thisCluster, 'local', 'inventory', 'inventory', 'inventory'),
    ['10.0.1.30', '10.0.1.31'],
  );

  const storefront = await service(lattice, 'storefront-store', routeTags(SEED.thisCluster, 'store', 'storefront'));
  await listener(lattice, storefront, 'http-80', [
    { name: 'k8s-0123456789abcdef', priority: 1, path: '/inventory', group: inventory },
    { name: 'k8s-fedcba9876543210', priority: 2, path: '/', group: frontend },
  ]);
  await associate(lattice, storefront, demo);
  const inventorySvc = await service(lattice, 'inventory-inventory', routeTags(SEED.thisCluster, 'inventory', 'inventory'));
  await listener(lattice, inventorySvc, 'http-80', [{ name: 'k8s-00112233445566aa', priority: 1, path: '/', group: inventoryV1 }]);
  await associate(lattice, inventorySvc, demo);

  const foreign = await seedForeign(lattice, demo, admin);
  return {
    networks: { demo, open: foreign.openNetwork, partner: foreign.partnerNetwork },
    services: { storefront, inventory: inventorySvc, ...foreign.services },
    targetGroups: { frontend, inventory, inventoryV1, ...foreign.targetGroups },
  };
}

/** Fixes the open service: IAM auth with a policy. */
export async function closeOpenService(lattice: VPCLatticeClient, serviceId: string): Promise<void> {
  await lattice.send(new UpdateServiceCommand({ serviceIdentifier: serviceId, authType: 'AWS_IAM' }));
  await lattice.send(new PutAuthPolicyCommand({ resourceIdentifier: serviceId, policy: SEED.policy }));
}
