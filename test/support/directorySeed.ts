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

/**
 * An account as a directory would find it: this cluster's routes (made the way the hooks make
 * them: ManagedBy, route tags, `http-80` listeners, `k8s-<hash>` rules and target groups), a
 * route of another cluster, a service the AWS Go controller still manages (its listener, rule and
 * target group names), an unmanaged service with auth NONE in a network with auth NONE (open),
 * a target group of ours no rule uses (a leak), and a service in no network.
 */
export const SEED = {
  account: '123456789012',
  thisCluster: '123456789012/local/vpc-0a1b2c3d4e5f60718',
  otherCluster: '123456789012/east/vpc-0fedcba9876543210',
  goCluster: '123456789012/legacy/vpc-0a1b2c3d4e5f60718',
  vpc: 'vpc-0a1b2c3d4e5f60718',
  policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'vpc-lattice-svcs:Invoke', Resource: '*' }] }),
} as const;

const P = 'application-networking.k8s.aws/';

export interface SeededIds {
  networks: Record<'demo' | 'open', string>;
  services: Record<'storefront' | 'inventory' | 'east' | 'legacy' | 'open' | 'orphan', string>;
  targetGroups: Record<'frontend' | 'inventory' | 'inventoryV1' | 'east' | 'legacy' | 'leaked', string>;
}

const routeTags = (managedBy: string, namespace: string, name: string) => ({ [`${P}ManagedBy`]: managedBy, [`${P}RouteName`]: name, [`${P}RouteNamespace`]: namespace, [`${P}RouteType`]: 'http' });
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

export async function seedAccount(lattice: VPCLatticeClient): Promise<SeededIds> {
  const network = async (name: string, authType: 'NONE' | 'AWS_IAM', tags?: Record<string, string>) =>
    (await lattice.send(new CreateServiceNetworkCommand({ name, authType, ...(tags ? { tags } : {}) }))).id as string;
  const service = async (name: string, tags?: Record<string, string>) =>
    (await lattice.send(new CreateServiceCommand({ name, authType: 'NONE', ...(tags ? { tags } : {}) }))).id as string;
  const targetGroup = async (name: string, tags: Record<string, string> | undefined, targets: string[]) => {
    const id = (await lattice.send(new CreateTargetGroupCommand({ name, type: 'IP', config: { port: 8080, protocol: 'HTTP', vpcIdentifier: SEED.vpc }, ...(tags ? { tags } : {}) }))).id as string;
    if (targets.length > 0) await lattice.send(new RegisterTargetsCommand({ targetGroupIdentifier: id, targets: targets.map((ip) => ({ id: ip, port: 8080 })) }));
    return id;
  };
  const listener = async (serviceIdentifier: string, name: string, rules: { name: string; priority: number; path: string; group: string }[]) => {
    const created = await lattice.send(new CreateListenerCommand({ serviceIdentifier, name, protocol: 'HTTP', port: 80, defaultAction: { fixedResponse: { statusCode: 404 } } }));
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
  };
  const associate = (serviceIdentifier: string, serviceNetworkIdentifier: string) =>
    lattice.send(new CreateServiceNetworkServiceAssociationCommand({ serviceIdentifier, serviceNetworkIdentifier }));

  const demo = await network('demo-network', 'AWS_IAM', { [`${P}ManagedBy`]: SEED.thisCluster });
  await lattice.send(new PutAuthPolicyCommand({ resourceIdentifier: demo, policy: SEED.policy }));
  await lattice.send(new CreateServiceNetworkVpcAssociationCommand({ serviceNetworkIdentifier: demo, vpcIdentifier: SEED.vpc }));
  await lattice.send(new CreateAccessLogSubscriptionCommand({ resourceIdentifier: demo, destinationArn: 'arn:aws:logs:us-west-2:123456789012:log-group:lattice-demo' }));
  const open = await network('open-network', 'NONE');

  const frontend = await targetGroup('k8s-storefront-frontend-80-0123456789ab', tgTags(SEED.thisCluster, 'local', 'store', 'storefront', 'frontend'), ['10.0.1.10', '10.0.1.11']);
  const inventory = await targetGroup('k8s-storefront-inventory-80-abcdef012345', tgTags(SEED.thisCluster, 'local', 'store', 'storefront', 'inventory'), ['10.0.1.20']);
  const inventoryV1 = await targetGroup('k8s-inventory-inventory-80-1234567890ab', tgTags(SEED.thisCluster, 'local', 'inventory', 'inventory', 'inventory'), ['10.0.1.30', '10.0.1.31']);
  const leaked = await targetGroup('k8s-oldroute-gone-80-fedcba987654', tgTags(SEED.thisCluster, 'local', 'store', 'oldroute', 'gone'), []);
  const east = await targetGroup('k8s-checkout-checkout-80-0a0b0c0d0e0f', tgTags(SEED.otherCluster, 'east', 'shop', 'checkout', 'checkout'), ['10.1.0.5']);
  const legacy = await targetGroup('k8s-default-parking-qmsuilsxyq', tgTags(SEED.goCluster, 'legacy', 'default', 'parking', 'parking'), ['10.0.2.7']);

  const storefront = await service('storefront-store', routeTags(SEED.thisCluster, 'store', 'storefront'));
  await listener(storefront, 'http-80', [
    { name: 'k8s-0123456789abcdef', priority: 1, path: '/inventory', group: inventory },
    { name: 'k8s-fedcba9876543210', priority: 2, path: '/', group: frontend },
  ]);
  await associate(storefront, demo);
  const inventorySvc = await service('inventory-inventory', routeTags(SEED.thisCluster, 'inventory', 'inventory'));
  await listener(inventorySvc, 'http-80', [{ name: 'k8s-00112233445566aa', priority: 1, path: '/', group: inventoryV1 }]);
  await associate(inventorySvc, demo);
  const eastSvc = await service('checkout-shop', routeTags(SEED.otherCluster, 'shop', 'checkout'));
  await listener(eastSvc, 'http-80', [{ name: 'k8s-aabbccddeeff0011', priority: 1, path: '/', group: east }]);
  await associate(eastSvc, demo);
  const legacySvc = await service('parking-default', routeTags(SEED.goCluster, 'default', 'parking'));
  await listener(legacySvc, 'parking-default-80-http', [{ name: 'k8s-1693522631-rule-1', priority: 1, path: '/', group: legacy }]);
  await associate(legacySvc, demo);
  const openSvc = await service('payments-open');
  await associate(openSvc, open);
  const orphan = await service('orphan-svc');

  return {
    networks: { demo, open },
    services: { storefront, inventory: inventorySvc, east: eastSvc, legacy: legacySvc, open: openSvc, orphan },
    targetGroups: { frontend, inventory, inventoryV1, east, legacy, leaked },
  };
}

/** Fixes the open service: IAM auth with a policy. */
export async function closeOpenService(lattice: VPCLatticeClient, serviceId: string): Promise<void> {
  await lattice.send(new UpdateServiceCommand({ serviceIdentifier: serviceId, authType: 'AWS_IAM' }));
  await lattice.send(new PutAuthPolicyCommand({ resourceIdentifier: serviceId, policy: SEED.policy }));
}
