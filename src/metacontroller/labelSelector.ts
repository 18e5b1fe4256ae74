import type { LabelSelector } from './types';

/**
 * metav1.LabelSelector semantics: matchLabels AND every matchExpression. An empty selector
 * (`{}`) matches everything. Malformed requirements (In/NotIn without values, unknown operator)
 * match nothing, as the API server would have refused them.
 */
export function selectorMatches(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (selector === undefined) return true;
  const has = (key: string) => labels !== undefined && Object.prototype.hasOwnProperty.call(labels, key);
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (!has(key) || labels?.[key] !== value) return false;
  }
  for (const requirement of selector.matchExpressions ?? []) {
    const present = has(requirement.key);
    const value = present ? labels?.[requirement.key] : undefined;
    const values = requirement.values ?? [];
    switch (requirement.operator) {
      case 'In':
        if (values.length === 0 || !present || !values.includes(value as string)) return false;
        break;
      case 'NotIn':
        if (values.length === 0 || (present && values.includes(value as string))) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
