import type { KubeObject } from '../../src/metacontroller/types';
import type { FakeCluster, Ref } from '../../tools/metacontroller/cluster';

export const GW = 'gateway.networking.k8s.io';
export const OURS = 'application-networking.k8s.aws';

export interface ConditionView {
  type: string;
  status: string;
  reason: string;
  message?: string;
  observedGeneration?: number;
}

/** `{type: status/reason}` of a condition list, for compact assertions. */
export function summary(conditions: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of (conditions as ConditionView[] | undefined) ?? []) out[c.type] = `${c.status}/${c.reason}`;
  return out;
}

export function statusOf(object: KubeObject | undefined): Record<string, unknown> {
  return (object?.status as Record<string, unknown> | undefined) ?? {};
}

export function conditionsOf(cluster: FakeCluster, ref: Ref): Record<string, string> {
  return summary(statusOf(cluster.get(ref)).conditions);
}

export function condition(conditions: unknown, type: string): ConditionView | undefined {
  return ((conditions as ConditionView[] | undefined) ?? []).find((c) => c.type === type);
}

/** Lattice calls that change something (everything but Get*, List*). */
export function writeCalls(byOperation: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(byOperation).filter(([op]) => !/^(Get|List)/.test(op)));
}
