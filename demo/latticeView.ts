import {
  GetRuleCommand,
  GetServiceCommand,
  GetTargetGroupCommand,
  ListListenersCommand,
  ListRulesCommand,
  ListServiceNetworkServiceAssociationsCommand,
  ListServiceNetworkVpcAssociationsCommand,
  ListServiceNetworksCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  ListTargetGroupsCommand,
  ListTargetsCommand,
  type HttpMatch,
  type RuleAction,
  type VPCLatticeClient,
} from '@aws-sdk/client-vpc-lattice';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { STATEMENT_ID_PREFIX } from '../src/lattice/lambdaPermissions';
import { TAG } from '../src/model/tags';
import { invokeStatements, type InvokeStatementView } from './lambdaFunction';

/** What VPC Lattice holds, read through the SDK the way a user would see it in AWS. */
export interface LatticeSnapshot {
  networks: NetworkView[];
  services: ServiceView[];
  targetGroups: TargetGroupView[];
  /** VPC associations of the cluster's VPC (with any network). */
  vpcAssociations: number;
  /** Our invoke statements (the hooks') on the functions looked at. */
  invokeStatements: InvokeStatementView[];
}

export interface NetworkView {
  name: string;
  id: string;
  vpcAssociations: { vpcId: string; status: string }[];
}

export interface ServiceView {
  name: string;
  status: string;
  dnsName: string;
  customDomain: string | undefined;
  networks: string[];
  listeners: ListenerView[];
}

export interface ListenerView {
  name: string;
  protocol: string;
  port: number;
  /** Non-default rules in priority order, then the default rule. */
  rules: RuleView[];
}

export interface RuleView {
  /** Undefined for the listener's default rule. */
  priority: number | undefined;
  match: MatchView;
  action: ActionView;
}

export interface MatchView {
  method?: string;
  path?: { type: 'exact' | 'prefix'; value: string };
  headers: { name: string; value: string }[];
}

export type ActionView = { forward: { targetGroupId: string; weight: number }[] } | { fixedResponse: number };

export interface TargetGroupView {
  id: string;
  name: string;
  /** `namespace/service:port` of the Kubernetes backend, from the target group's tags. */
  backend: string;
  /** `namespace/name` of the route that made it. */
  route: string;
  protocol: string;
  targets: { address: string; status: string }[];
  /** LAMBDA groups: the function they invoke. */
  functionArn?: string;
}

type Page<T> = { items?: T[]; nextToken?: string };

/** Every item of a paginated List call. */
async function all<T>(list: (nextToken: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const page = await list(token);
    items.push(...(page.items ?? []));
    token = page.nextToken;
  } while (token);
  return items;
}

function matchView(match: HttpMatch | undefined): MatchView {
  const path = match?.pathMatch?.match;
  const exact = path && 'exact' in path ? path.exact : undefined;
  const prefix = path && 'prefix' in path ? path.prefix : undefined;
  return {
    ...(match?.method ? { method: match.method } : {}),
    ...(exact !== undefined
      ? { path: { type: 'exact' as const, value: exact } }
      : prefix !== undefined
        ? { path: { type: 'prefix' as const, value: prefix } }
        : {}),
    headers: (match?.headerMatches ?? []).map((h) => {
      const value =
        h.match && 'exact' in h.match
          ? h.match.exact
          : h.match && 'prefix' in h.match
            ? `${h.match.prefix}*`
            : h.match && 'contains' in h.match
              ? `*${h.match.contains}*`
              : '';
      return { name: h.name ?? '', value: value ?? '' };
    }),
  };
}

function actionView(action: RuleAction | undefined): ActionView {
  if (action?.forward)
    return {
      forward: (action.forward.targetGroups ?? []).map((t) => ({ targetGroupId: t.targetGroupIdentifier ?? '', weight: t.weight ?? 0 })),
    };
  return { fixedResponse: action?.fixedResponse?.statusCode ?? 0 };
}

async function listenersOf(lattice: VPCLatticeClient, serviceId: string): Promise<ListenerView[]> {
  const listeners = await all((nextToken) => lattice.send(new ListListenersCommand({ serviceIdentifier: serviceId, nextToken })));
  const views: ListenerView[] = [];
  for (const listener of listeners) {
    const summaries = await all((nextToken) =>
      lattice.send(new ListRulesCommand({ serviceIdentifier: serviceId, listenerIdentifier: listener.id, nextToken })),
    );
    const rules: RuleView[] = [];
    for (const summary of summaries) {
      const rule = await lattice.send(
        new GetRuleCommand({ serviceIdentifier: serviceId, listenerIdentifier: listener.id, ruleIdentifier: summary.id }),
      );
      rules.push({
        priority: rule.isDefault ? undefined : rule.priority,
        match: matchView(rule.match?.httpMatch),
        action: actionView(rule.action),
      });
    }
    rules.sort((a, b) => (a.priority ?? Number.MAX_SAFE_INTEGER) - (b.priority ?? Number.MAX_SAFE_INTEGER));
    views.push({ name: listener.name ?? '', protocol: listener.protocol ?? '', port: listener.port ?? 0, rules });
  }
  return views.sort((a, b) => a.port - b.port);
}

async function targetGroupView(lattice: VPCLatticeClient, id: string, name: string): Promise<TargetGroupView> {
  const group = await lattice.send(new GetTargetGroupCommand({ targetGroupIdentifier: id }));
  const tags = (await lattice.send(new ListTagsForResourceCommand({ resourceArn: group.arn }))).tags ?? {};
  const targets = await all((nextToken) => lattice.send(new ListTargetsCommand({ targetGroupIdentifier: id, nextToken })));
  const config = group.config;
  const lambda = group.type === 'LAMBDA';
  return {
    id,
    name,
    backend: `${tags[TAG.serviceNamespace] ?? '?'}/${tags[TAG.serviceName] ?? '?'}${lambda ? ' (Lambda)' : `:${config?.port ?? '?'}`}`,
    route: `${tags[TAG.routeNamespace] ?? '?'}/${tags[TAG.routeName] ?? '?'}`,
    protocol: lambda
      ? `LAMBDA event ${config?.lambdaEventStructureVersion ?? '?'}`
      : [config?.protocol, config?.protocolVersion].filter(Boolean).join('/'),
    targets: targets
      .map((t) => ({ address: t.port === undefined ? (t.id ?? '') : `${t.id}:${t.port}`, status: t.status ?? '' }))
      .sort((a, b) => a.address.localeCompare(b.address)),
    ...(lambda && targets[0]?.id ? { functionArn: targets[0].id } : {}),
  };
}

/**
 * Reads everything the demo shows: networks, services with listeners and rules, target groups with
 * targets, and the hooks' invoke statements on the given Lambda functions.
 */
export async function readLattice(
  lattice: VPCLatticeClient,
  vpcId: string,
  functions: { lambda: LambdaClient; arns: readonly string[] } | undefined = undefined,
): Promise<LatticeSnapshot> {
  const networks: NetworkView[] = [];
  for (const network of await all((nextToken) => lattice.send(new ListServiceNetworksCommand({ nextToken })))) {
    const associations = await all((nextToken) =>
      lattice.send(new ListServiceNetworkVpcAssociationsCommand({ serviceNetworkIdentifier: network.id, nextToken })),
    );
    networks.push({
      name: network.name ?? '',
      id: network.id ?? '',
      vpcAssociations: associations.map((a) => ({ vpcId: a.vpcId ?? '', status: a.status ?? '' })),
    });
  }
  const services: ServiceView[] = [];
  for (const summary of await all((nextToken) => lattice.send(new ListServicesCommand({ nextToken })))) {
    const service = await lattice.send(new GetServiceCommand({ serviceIdentifier: summary.id }));
    const associations = await all((nextToken) =>
      lattice.send(new ListServiceNetworkServiceAssociationsCommand({ serviceIdentifier: summary.id, nextToken })),
    );
    services.push({
      name: service.name ?? '',
      status: service.status ?? '',
      dnsName: service.dnsEntry?.domainName ?? '',
      customDomain: service.customDomainName,
      networks: associations.map((a) => a.serviceNetworkName ?? '').sort(),
      listeners: await listenersOf(lattice, summary.id ?? ''),
    });
  }
  const targetGroups: TargetGroupView[] = [];
  for (const summary of await all((nextToken) => lattice.send(new ListTargetGroupsCommand({ nextToken })))) {
    targetGroups.push(await targetGroupView(lattice, summary.id ?? '', summary.name ?? ''));
  }
  const vpcAssociations = await all((nextToken) =>
    lattice.send(new ListServiceNetworkVpcAssociationsCommand({ vpcIdentifier: vpcId, nextToken })),
  );
  return {
    networks: networks.sort((a, b) => a.name.localeCompare(b.name)),
    services: services.sort((a, b) => a.name.localeCompare(b.name)),
    targetGroups: targetGroups.sort((a, b) => a.route.localeCompare(b.route) || a.backend.localeCompare(b.backend)),
    vpcAssociations: vpcAssociations.length,
    invokeStatements: await ourStatements(functions),
  };
}

async function ourStatements(functions: { lambda: LambdaClient; arns: readonly string[] } | undefined): Promise<InvokeStatementView[]> {
  const statements: InvokeStatementView[] = [];
  for (const arn of functions?.arns ?? [])
    statements.push(
      ...(await invokeStatements(functions?.lambda as LambdaClient, arn)).filter((s) => s.sid.startsWith(STATEMENT_ID_PREFIX)),
    );
  return statements;
}
