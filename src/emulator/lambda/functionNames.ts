/** FunctionName as Lambda accepts it: name, `name:qualifier`, partial ARN `account:function:name`, or full ARN, each qualified or not. */
import { LambdaError } from './errors';

export interface FunctionRef {
  region: string;
  accountId: string;
  name: string;
  qualifier: string | undefined;
}

const NAME = '[A-Za-z0-9_-]{1,64}';
const QUALIFIER = '[A-Za-z0-9_$-]{1,128}';
const FULL = new RegExp(`^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\\d{12}):function:(${NAME})(?::(${QUALIFIER}))?$`);
const PARTIAL = new RegExp(`^(\\d{12}):function:(${NAME})(?::(${QUALIFIER}))?$`);
const PLAIN = new RegExp(`^(${NAME})(?::(${QUALIFIER}))?$`);

export function functionArn(scope: { region: string; accountId: string }, name: string, qualifier?: string): string {
  return `arn:aws:lambda:${scope.region}:${scope.accountId}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
}

/** The function a request names; the Qualifier query parameter must agree with a qualifier in the name. */
export function parseFunctionName(value: string, query: string | null, scope: { region: string; accountId: string }): FunctionRef {
  let ref: FunctionRef | undefined;
  let m = FULL.exec(value);
  if (m) ref = { region: m[1] ?? '', accountId: m[2] ?? '', name: m[3] ?? '', qualifier: m[4] };
  else if ((m = PARTIAL.exec(value))) ref = { region: scope.region, accountId: m[1] ?? '', name: m[2] ?? '', qualifier: m[3] };
  else if ((m = PLAIN.exec(value))) ref = { region: scope.region, accountId: scope.accountId, name: m[1] ?? '', qualifier: m[2] };
  if (!ref) {
    throw new LambdaError(
      'InvalidParameterValueException',
      `1 validation error detected: Value '${value}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`,
    );
  }
  if (query !== null && query !== '') {
    if (ref.qualifier !== undefined && ref.qualifier !== query)
      throw new LambdaError(
        'InvalidParameterValueException',
        'The derived qualifier from the function name does not match the specified qualifier.',
      );
    ref.qualifier = query;
  }
  return ref;
}
