import type { ListenerSummary, RuleSummary, ServiceNetworkSummary, ServiceSummary, TargetGroupSummary } from '@aws-sdk/client-vpc-lattice';
import type { DirectoryApi } from '../lattice/directoryApi';
import type { ObservedListener, ObservedNetwork, ObservedRule, ObservedService, ObservedTargetGroup, Observed } from './observed';
import { describeMatch, isAccessDenied, isNotFound, toAction, toAuthType } from './shapes';
import type { ResourceType, Skipped } from './types';

export interface ReadOptions {
  account: string;
  /** Called after each resource is read: a progress bar's counts. */
  onProgress?: (done: number, total: number) => void;
  /** Resources read at the same time (each call still waits for the budget). */
  concurrency?: number;
}

/** Runs `work` over `items`, at most `limit` at a time, keeping the order of the results. */
async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const at = next++;
      results[at] = await work(items[at] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * A read that the owner of a resource shared from another account may refuse this one (its tags,
 * access log subscriptions, associations): refused, nothing is known, and the rest is still read.
 */
async function unlessDenied<T>(read: Promise<T>, fallback: T): Promise<T> {
  try {
    return await read;
  } catch (error) {
    if (isAccessDenied(error)) return fallback;
    throw error;
  }
}

function tagsOf(api: DirectoryApi, arn: string): Promise<Record<string, string>> {
  return unlessDenied(api.listTags(arn), {});
}

async function hasAuthPolicy(api: DirectoryApi, id: string, authType: string): Promise<boolean> {
  if (authType !== 'AWS_IAM') return false;
  try {
    const policy = await api.getAuthPolicy(id);
    return Boolean(policy.policy);
  } catch (error) {
    if (isNotFound(error) || isAccessDenied(error)) return false;
    throw error;
  }
}

async function accessLogs(api: DirectoryApi, id: string): Promise<string[]> {
  const subscriptions = await unlessDenied(api.listAccessLogSubscriptions(id), []);
  return subscriptions
    .map((s) => s.destinationArn ?? '')
    .filter(Boolean)
    .sort();
}

async function readNetwork(api: DirectoryApi, summary: ServiceNetworkSummary): Promise<ObservedNetwork> {
  const id = summary.id ?? '';
  const network = await api.getServiceNetwork(id);
  const [tags, vpcs, services, logs, authPolicy] = await Promise.all([
    tagsOf(api, summary.arn ?? ''),
    unlessDenied(api.listVpcAssociations(id), []),
    unlessDenied(api.listServiceAssociations(id), []),
    accessLogs(api, id),
    hasAuthPolicy(api, id, network.authType ?? 'NONE'),
  ]);
  return {
    id,
    arn: summary.arn ?? '',
    name: summary.name ?? '',
    authType: toAuthType(network.authType),
    authPolicy,
    accessLogDestinations: logs,
    vpcs: vpcs.map((v) => ({ id: v.id ?? '', vpcId: v.vpcId ?? '', status: v.status ?? '' })),
    services: services.map((s) => ({ id: s.id ?? '', serviceId: s.serviceId ?? '', status: s.status ?? '' })),
    tags,
  };
}

async function readRule(api: DirectoryApi, serviceId: string, listenerId: string, summary: RuleSummary): Promise<ObservedRule | undefined> {
  try {
    const rule = await api.getRule(serviceId, listenerId, summary.id ?? '');
    return {
      id: summary.id ?? '',
      name: summary.name ?? '',
      priority: rule.priority ?? null,
      isDefault: false,
      match: describeMatch(rule.match),
      action: toAction(rule.action),
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function readListener(api: DirectoryApi, serviceId: string, summary: ListenerSummary): Promise<ObservedListener | undefined> {
  const listenerId = summary.id ?? '';
  try {
    const [listener, ruleSummaries] = await Promise.all([api.getListener(serviceId, listenerId), api.listRules(serviceId, listenerId)]);
    const rules = await Promise.all(ruleSummaries.filter((r) => !r.isDefault).map((r) => readRule(api, serviceId, listenerId, r)));
    return {
      id: listenerId,
      name: summary.name ?? '',
      protocol: summary.protocol ?? '',
      port: summary.port ?? 0,
      defaultAction: toAction(listener.defaultAction),
      rules: rules.filter((r): r is ObservedRule => r !== undefined),
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function readService(api: DirectoryApi, summary: ServiceSummary): Promise<ObservedService> {
  const id = summary.id ?? '';
  const service = await api.getService(id);
  const [tags, listenerSummaries, logs, authPolicy] = await Promise.all([
    tagsOf(api, summary.arn ?? ''),
    api.listListeners(id),
    accessLogs(api, id),
    hasAuthPolicy(api, id, service.authType ?? 'NONE'),
  ]);
  const listeners = await Promise.all(listenerSummaries.map((l) => readListener(api, id, l)));
  return {
    id,
    arn: summary.arn ?? '',
    name: summary.name ?? '',
    status: service.status ?? summary.status ?? '',
    dnsName: service.dnsEntry?.domainName ?? null,
    customDomainName: service.customDomainName ?? null,
    certificateArn: service.certificateArn || null,
    authType: toAuthType(service.authType),
    authPolicy,
    accessLogDestinations: logs,
    listeners: listeners.filter((l): l is ObservedListener => l !== undefined),
    tags,
  };
}

async function readTargetGroup(api: DirectoryApi, summary: TargetGroupSummary): Promise<ObservedTargetGroup> {
  const id = summary.id ?? '';
  const [tags, targets] = await Promise.all([tagsOf(api, summary.arn ?? ''), api.listTargets(id)]);
  return {
    id,
    arn: summary.arn ?? '',
    name: summary.name ?? '',
    type: summary.type ?? '',
    protocol: summary.protocol ?? null,
    port: summary.port ?? null,
    vpcId: summary.vpcIdentifier ?? null,
    status: summary.status ?? '',
    serviceArns: [...(summary.serviceArns ?? [])].sort(),
    targets: targets.map((t) => ({
      id: t.id ?? '',
      port: t.port ?? null,
      status: t.status ?? 'UNKNOWN',
      reasonCode: t.reasonCode ?? null,
    })),
    tags,
  };
}

/**
 * Reads every service network, service and target group the account owns or is shared, with
 * what hangs under them, to the last page. A resource deleted while it is read (a 404 on any of
 * its reads) is left out and listed in `skipped`; any other error stops the read.
 */
export async function readAccount(api: DirectoryApi, options: ReadOptions): Promise<Observed> {
  const readAt = new Date();
  const callsBefore = api.calls;
  const [networkSummaries, serviceSummaries, targetGroupSummaries] = await Promise.all([
    api.listServiceNetworks(),
    api.listServices(),
    api.listTargetGroups(),
  ]);
  const total = networkSummaries.length + serviceSummaries.length + targetGroupSummaries.length;
  let done = 0;
  options.onProgress?.(done, total);
  const skipped: Skipped[] = [];
  const concurrency = options.concurrency ?? 4;

  const tolerant =
    <S extends { id?: string }, R>(type: ResourceType, read: (summary: S) => Promise<R>) =>
    async (summary: S): Promise<R | undefined> => {
      try {
        return await read(summary);
      } catch (error) {
        if (!isNotFound(error)) throw error;
        skipped.push({ resourceType: type, id: summary.id ?? '', reason: 'deleted while it was being read' });
        return undefined;
      } finally {
        done += 1;
        options.onProgress?.(done, total);
      }
    };
  const present = <T>(items: (T | undefined)[]): T[] => items.filter((i): i is T => i !== undefined);

  const networks = await mapLimit(
    networkSummaries,
    concurrency,
    tolerant('service-network', (s: ServiceNetworkSummary) => readNetwork(api, s)),
  );
  const services = await mapLimit(
    serviceSummaries,
    concurrency,
    tolerant('service', (s: ServiceSummary) => readService(api, s)),
  );
  const targetGroups = await mapLimit(
    targetGroupSummaries,
    concurrency,
    tolerant('target-group', (s: TargetGroupSummary) => readTargetGroup(api, s)),
  );
  return {
    account: options.account,
    readAt,
    networks: present(networks),
    services: present(services),
    targetGroups: present(targetGroups),
    skipped,
    calls: api.calls - callsBefore,
  };
}
