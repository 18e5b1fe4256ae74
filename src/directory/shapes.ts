import type { Action, AuthType } from './types';

/** Pure translations of Lattice API shapes into the directory's words. */

interface SdkHeaderMatch {
  name?: string;
  match?: { exact?: string; prefix?: string; contains?: string };
  caseSensitive?: boolean;
}

interface SdkRuleMatch {
  httpMatch?: {
    method?: string;
    pathMatch?: { match?: { exact?: string; prefix?: string }; caseSensitive?: boolean };
    headerMatches?: SdkHeaderMatch[];
  };
}

function headerText(header: SdkHeaderMatch): string {
  const m = header.match ?? {};
  if (m.exact !== undefined) return `header ${header.name}=${m.exact}`;
  if (m.prefix !== undefined) return `header ${header.name} starts with ${m.prefix}`;
  if (m.contains !== undefined) return `header ${header.name} contains ${m.contains}`;
  return `header ${header.name}`;
}

/** `GET exact /cart, header x-canary=true`; `anything` for an empty match. */
export function describeMatch(match: SdkRuleMatch | undefined): string {
  const http = match?.httpMatch;
  if (!http) return 'anything';
  const parts: string[] = [];
  const path = http.pathMatch?.match;
  const method = http.method ? `${http.method} ` : '';
  if (path?.exact !== undefined) parts.push(`${method}exact ${path.exact}`);
  else if (path?.prefix !== undefined) parts.push(`${method}prefix ${path.prefix}`);
  else if (http.method) parts.push(http.method);
  for (const header of http.headerMatches ?? []) parts.push(headerText(header));
  return parts.length > 0 ? parts.join(', ') : 'anything';
}

interface SdkAction {
  forward?: { targetGroups?: { targetGroupIdentifier?: string; weight?: number }[] };
  fixedResponse?: { statusCode?: number };
}

/** Target group identifiers in actions may be ids or ARNs: keep the id. */
export function targetGroupIdOf(identifier: string): string {
  const at = identifier.lastIndexOf('/');
  return at === -1 ? identifier : identifier.slice(at + 1);
}

export function toAction(action: SdkAction | undefined): Action {
  if (action?.forward) {
    return {
      type: 'forward',
      targetGroups: (action.forward.targetGroups ?? []).map((t) => ({
        targetGroupId: targetGroupIdOf(t.targetGroupIdentifier ?? ''),
        targetGroupName: null,
        weight: t.weight ?? 1,
      })),
    };
  }
  if (action?.fixedResponse) return { type: 'fixed-response', statusCode: action.fixedResponse.statusCode ?? 0 };
  return { type: 'unknown' };
}

export function toAuthType(value: string | undefined): AuthType {
  return value === 'AWS_IAM' ? 'AWS_IAM' : 'NONE';
}

/** The account of an ARN (`arn:aws:vpc-lattice:<region>:<account>:…`), or undefined. */
export function accountOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts.length >= 6 && parts[4] ? parts[4] : undefined;
}

/** The name of the resource a 404 of the Lattice API is about: AWS says ResourceNotFoundException. */
export function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'ResourceNotFoundException' || e?.$metadata?.httpStatusCode === 404;
}

export function isAccessDenied(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'AccessDeniedException' || e?.$metadata?.httpStatusCode === 403;
}
