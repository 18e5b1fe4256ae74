import type { HttpMatch } from '@aws-sdk/client-vpc-lattice';
import type { GRPCRouteMatch, GRPCRouteRule } from '../gatewayapi/types';
import { headerMatches, unsupportedRuleFeatures } from './httpRules';
import { describeRule, type MatchEntry } from './rules';

/**
 * gRPC matches as the HTTP/2 requests they are (GEP-1016): POST to `/<service>/<method>`.
 * Service and method → exact path; service only → prefix `/<service>/`; neither → prefix `/`.
 * A method without a service has no Lattice equivalent (it would need a suffix match).
 */
function grpcMatch(match: GRPCRouteMatch): { match: HttpMatch; precedence: number[] } | { problem: string } {
  const headers = headerMatches(match);
  if ('problem' in headers) return headers;
  const common: HttpMatch = { method: 'POST', ...(headers.headers.length > 0 ? { headerMatches: headers.headers } : {}) };
  const method = match.method;
  // Most characters in the service, then in the method, then most headers (GRPCRoute precedence).
  const precedence = [method?.service?.length ?? 0, method?.method?.length ?? 0, headers.headers.length];
  if (!method || (!method.service && !method.method))
    return { match: { ...common, pathMatch: { match: { prefix: '/' }, caseSensitive: true } }, precedence };
  if ((method.type ?? 'Exact') !== 'Exact') return { problem: `method match type ${method.type} is not supported by VPC Lattice` };
  if (!method.service) return { problem: `a method match without a service (${method.method}) is not supported by VPC Lattice` };
  const path = method.method ? { exact: `/${method.service}/${method.method}` } : { prefix: `/${method.service}/` };
  return { match: { ...common, pathMatch: { match: path, caseSensitive: true } }, precedence };
}

export function grpcRuleEntries(rule: GRPCRouteRule, ruleIndex: number): { entries: MatchEntry[] } | { problem: string } {
  const unsupported = unsupportedRuleFeatures(rule);
  if (unsupported.length > 0) return { problem: `${describeRule(ruleIndex, rule.name)}: ${unsupported.join('; ')}` };
  const matches = rule.matches && rule.matches.length > 0 ? rule.matches : [{}];
  const entries: MatchEntry[] = [];
  for (const [matchIndex, match] of matches.entries()) {
    const compiled = grpcMatch(match);
    if ('problem' in compiled) return { problem: `${describeRule(ruleIndex, rule.name)}: ${compiled.problem}` };
    entries.push({ ruleIndex, matchIndex, match: compiled.match, precedence: compiled.precedence });
  }
  return { entries };
}
