import type { HttpMatch } from '@aws-sdk/client-vpc-lattice';
import { canonicalJson } from './canonicalJson';
import { ruleName } from './names';

/** What a Lattice rule does: forward to target groups of this route (by key), or answer a fixed status. */
export type RuleAction = { forward: { key: string; weight: number }[] } | { fixedResponse: 404 | 500 };

/** One Lattice rule to be: a single match of a route rule (Lattice has no OR within a rule). */
export interface MatchEntry {
  ruleIndex: number;
  matchIndex: number;
  match: HttpMatch;
  /** Gateway API precedence of the match, compared element by element, higher first. */
  precedence: number[];
}

export interface LatticeRuleModel {
  name: string;
  priority: number;
  match: HttpMatch;
  action: RuleAction;
  ruleIndex: number;
}

/** A route rule that is not programmed, with the reason; reported as PartiallyInvalid "Dropped Rule …". */
export interface DroppedRule {
  ruleIndex: number;
  ruleName: string | undefined;
  message: string;
}

export function describeRule(ruleIndex: number, name: string | undefined): string {
  return name ? `rule ${ruleIndex} (${name})` : `rule ${ruleIndex}`;
}

export function comparePrecedence(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const d = (b[i] ?? 0) - (a[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export interface OrderOptions {
  /** Lattice "rules per listener" quota (default rule excluded). */
  maxRules: number;
  /**
   * `rule-<N>-priority` annotations: when present, the route is ordered by them first, a rule
   * without one counting as N + 1 — the Go controller's model builder does the same (its default
   * priority is the rule index + 1, then it sorts by priority). Lattice priorities are then
   * renumbered 1, 2, 3… in that order, so only the order carries over, not the values.
   */
  priorityOverrides: ReadonlyMap<number, number>;
  actions: readonly RuleAction[];
  ruleNames: readonly (string | undefined)[];
}

/**
 * Orders the matches of all rules by Gateway API precedence (then rule order, then match order),
 * drops duplicates (the first one wins, as it would at runtime), drops the lowest-precedence rules
 * — whole rules, never half of one — while the listener quota is exceeded, and numbers the rest
 * 1, 2, 3… in that order.
 */
export function orderRules(
  entries: readonly MatchEntry[],
  options: OrderOptions,
): { rules: LatticeRuleModel[]; dropped: DroppedRule[]; precedence: number[][] } {
  const overrides = options.priorityOverrides;
  const sorted = [...entries].sort((a, b) => {
    if (overrides.size > 0) {
      const pa = overrides.get(a.ruleIndex) ?? a.ruleIndex + 1;
      const pb = overrides.get(b.ruleIndex) ?? b.ruleIndex + 1;
      if (pa !== pb) return pa - pb;
    }
    return comparePrecedence(a.precedence, b.precedence) || a.ruleIndex - b.ruleIndex || a.matchIndex - b.matchIndex;
  });
  const seen = new Set<string>();
  let kept = sorted.filter((entry) => {
    const key = canonicalJson(entry.match);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const dropped: DroppedRule[] = [];
  while (kept.length > options.maxRules) {
    const victim = (kept[kept.length - 1] as MatchEntry).ruleIndex;
    kept = kept.filter((e) => e.ruleIndex !== victim);
    dropped.push({
      ruleIndex: victim,
      ruleName: options.ruleNames[victim],
      message: `${describeRule(victim, options.ruleNames[victim])}: the route needs more than ${options.maxRules} Lattice rules per listener (the quota); lowest-precedence rules are dropped`,
    });
  }
  const rules = kept.map((entry, i) => ({
    name: ruleName(entry.match),
    priority: i + 1,
    match: entry.match,
    action: options.actions[entry.ruleIndex] ?? { fixedResponse: 500 as const },
    ruleIndex: entry.ruleIndex,
  }));
  return { rules, dropped: dropped.sort((a, b) => a.ruleIndex - b.ruleIndex), precedence: kept.map((e) => e.precedence) };
}

/** `rule-<N>-priority` annotations (Go controller compatible); unparsable values are ignored. */
export function priorityOverrides(annotations: Readonly<Record<string, string>> | undefined): Map<number, number> {
  const overrides = new Map<number, number>();
  for (const [key, value] of Object.entries(annotations ?? {})) {
    const match = /^application-networking\.k8s\.aws\/rule-(\d+)-priority$/.exec(key);
    if (match && /^\d+$/.test(value.trim())) overrides.set(Number(match[1]), Number(value.trim()));
  }
  return overrides;
}
