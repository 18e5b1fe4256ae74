import type { HeaderMatch, HttpMatch } from '@aws-sdk/client-vpc-lattice';
import type { HTTPRouteMatch, HTTPRouteRule } from '../gatewayapi/types';
import { describeRule, type MatchEntry } from './rules';

/** Lattice limits on matches (API model). */
const PATH_PATTERN = /^\/[a-zA-Z0-9@:%_+.~#?&/=-]*$/;
const MAX_PATH = 200;
const MAX_HEADERS = 5;
const MAX_HEADER_NAME = 100;
const MAX_HEADER_VALUE = 200;
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];

export const DEFAULT_MATCH: HTTPRouteMatch = { path: { type: 'PathPrefix', value: '/' } };

/** Rule-level features Lattice does not have; a rule using one is dropped with this reason. */
export function unsupportedRuleFeatures(
  rule: HTTPRouteRule | { filters?: unknown[]; backendRefs?: { filters?: unknown[] }[]; [k: string]: unknown },
): string[] {
  const problems: string[] = [];
  const filters = (rule.filters ?? []) as { type?: string }[];
  if (filters.length > 0)
    problems.push(`filters (${[...new Set(filters.map((f) => f.type ?? 'unknown'))].join(', ')}) are not supported by VPC Lattice`);
  if ((rule.backendRefs ?? []).some((b) => (b.filters ?? []).length > 0))
    problems.push('backendRef filters are not supported by VPC Lattice');
  for (const field of ['timeouts', 'retry', 'sessionPersistence']) {
    if (rule[field] !== undefined && rule[field] !== null) problems.push(`${field} are not supported by VPC Lattice`);
  }
  return problems;
}

/** Exact header matches (at most 5), as Lattice header matches. */
export function headerMatches(match: { headers?: HTTPRouteMatch['headers'] }): { headers: HeaderMatch[] } | { problem: string } {
  const headers = match.headers ?? [];
  if (headers.length > MAX_HEADERS) return { problem: `${headers.length} header matches (VPC Lattice allows at most ${MAX_HEADERS})` };
  const out: HeaderMatch[] = [];
  for (const header of headers) {
    if ((header.type ?? 'Exact') !== 'Exact') return { problem: `header match type ${header.type} (only Exact is supported)` };
    if (header.name.length > MAX_HEADER_NAME || header.value.length === 0 || header.value.length > MAX_HEADER_VALUE) {
      return { problem: `header ${header.name}: names are limited to ${MAX_HEADER_NAME} and values to 1-${MAX_HEADER_VALUE} characters` };
    }
    // Gateway API header values are case-sensitive (names are not; Lattice compares names case-insensitively).
    out.push({ name: header.name, match: { exact: header.value }, caseSensitive: true });
  }
  return { headers: out };
}

/**
 * The Lattice matches of one Gateway API match. PathPrefix is element-wise in the Gateway API
 * (`/abc` matches `/abc` and `/abc/x`, not `/abcd`) while a Lattice prefix is a plain string
 * prefix, so `/abc` becomes two rules: exact `/abc` and prefix `/abc/`. Only `/` needs one.
 */
function expandMatch(match: HTTPRouteMatch): { matches: HttpMatch[]; precedence: number[] } | { problem: string } {
  if ((match.queryParams ?? []).length > 0) return { problem: 'query parameter matches are not supported by VPC Lattice' };
  const headers = headerMatches(match);
  if ('problem' in headers) return headers;
  if (match.method !== undefined && !METHODS.includes(match.method)) return { problem: `method ${match.method} is not supported` };
  const type = match.path?.type ?? 'PathPrefix';
  const value = match.path?.value ?? '/';
  if (type !== 'Exact' && type !== 'PathPrefix') return { problem: `path match type ${type} is not supported by VPC Lattice` };
  if (!PATH_PATTERN.test(value) || value.length > MAX_PATH)
    return { problem: `path ${value}: VPC Lattice accepts up to ${MAX_PATH} characters of [a-zA-Z0-9@:%_+.~#?&/=-] after a leading /` };
  const common: HttpMatch = {
    ...(match.method !== undefined ? { method: match.method } : {}),
    ...(headers.headers.length > 0 ? { headerMatches: headers.headers } : {}),
  };
  const trimmed = value.length > 1 ? value.replace(/\/+$/, '') : value;
  // Exact path, longest prefix, method, most headers (Gateway API match precedence).
  const precedence = [type === 'Exact' ? 1 : 0, trimmed.length, match.method !== undefined ? 1 : 0, headers.headers.length];
  const path = (pathMatch: NonNullable<HttpMatch['pathMatch']>['match']): HttpMatch => ({
    ...common,
    pathMatch: { match: pathMatch, caseSensitive: true },
  });
  if (type === 'Exact') return { matches: [path({ exact: value })], precedence };
  if (trimmed === '/') {
    // A method- or header-only match needs no path at all.
    return { matches: [match.path ? path({ prefix: '/' }) : common], precedence };
  }
  if (`${trimmed}/`.length > MAX_PATH) return { problem: `path ${value} is too long for VPC Lattice` };
  return { matches: [path({ exact: trimmed }), path({ prefix: `${trimmed}/` })], precedence };
}

/** The Lattice match entries of one HTTPRoute rule, or why the rule cannot be programmed. */
export function httpRuleEntries(rule: HTTPRouteRule, ruleIndex: number): { entries: MatchEntry[] } | { problem: string } {
  const unsupported = unsupportedRuleFeatures(rule);
  if (unsupported.length > 0) return { problem: `${describeRule(ruleIndex, rule.name)}: ${unsupported.join('; ')}` };
  const matches = rule.matches && rule.matches.length > 0 ? rule.matches : [DEFAULT_MATCH];
  const entries: MatchEntry[] = [];
  for (const [matchIndex, match] of matches.entries()) {
    const expanded = expandMatch(match);
    if ('problem' in expanded) return { problem: `${describeRule(ruleIndex, rule.name)}: ${expanded.problem}` };
    for (const [part, latticeMatch] of expanded.matches.entries()) {
      entries.push({ ruleIndex, matchIndex: matchIndex * 2 + part, match: latticeMatch, precedence: expanded.precedence });
    }
  }
  return { entries };
}
