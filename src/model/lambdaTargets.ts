import type { KubeObject } from '../metacontroller/types';
import type { AwsIdentity } from './identity';

/** A Lambda function as a route backend: `backendRefs` with our group and this kind (no port). */
export const LAMBDA_TARGET_KIND = 'LambdaTarget';
export const LAMBDA_TARGET_RESOURCE = 'lambdatargets';

export type EventStructureVersion = 'V1' | 'V2';
export const DEFAULT_EVENT_STRUCTURE_VERSION: EventStructureVersion = 'V2';

export interface LambdaTarget extends KubeObject {
  spec?: { functionArn?: string; eventStructureVersion?: EventStructureVersion };
}

export interface FunctionArn {
  arn: string;
  partition: string;
  region: string;
  accountId: string;
  name: string;
  /** A version number or an alias; undefined for an unqualified ARN ($LATEST). */
  qualifier: string | undefined;
}

const FUNCTION_ARN = /^arn:(aws[a-z-]*):lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]{1,64})(?::([A-Za-z0-9_$-]{1,128}))?$/;

export function parseFunctionArn(arn: string): FunctionArn | undefined {
  const m = FUNCTION_ARN.exec(arn);
  if (!m) return undefined;
  const [, partition = '', region = '', accountId = '', name = '', qualifier] = m;
  return { arn, partition, region, accountId, name, qualifier };
}

export function eventStructureVersionOf(target: LambdaTarget): EventStructureVersion {
  return target.spec?.eventStructureVersion === 'V1' ? 'V1' : DEFAULT_EVENT_STRUCTURE_VERSION;
}

/**
 * Why Lattice cannot invoke the function a LambdaTarget names, judged from its ARN alone: not a
 * function ARN, or in another account or Region (Lattice invokes only functions of its own).
 */
export function functionArnProblem(
  functionArn: string | undefined,
  identity: Pick<AwsIdentity, 'accountId' | 'region'>,
): string | undefined {
  if (!functionArn) return 'spec.functionArn is required';
  const parsed = parseFunctionArn(functionArn);
  if (!parsed)
    return `${functionArn} is not a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>[:<alias or version>])`;
  if (parsed.accountId !== identity.accountId) {
    return `function ${parsed.name} is in account ${parsed.accountId}; VPC Lattice invokes only functions of its own account (${identity.accountId})`;
  }
  if (identity.region !== undefined && parsed.region !== identity.region) {
    return `function ${parsed.name} is in Region ${parsed.region}; VPC Lattice invokes only functions of its own Region (${identity.region})`;
  }
  return undefined;
}

/** Said in status for an unqualified ARN: Lattice invokes exactly what is registered, here $LATEST. */
export function unqualifiedNote(functionArn: string): string | undefined {
  const parsed = parseFunctionArn(functionArn);
  if (!parsed || parsed.qualifier !== undefined) return undefined;
  return `the ARN is unqualified, so VPC Lattice invokes $LATEST; an alias- or version-qualified ARN is recommended`;
}

/** What the route hook read of a function before building its model. */
export interface FunctionLookup {
  exists: boolean;
  /** Why it cannot be used, when it does not exist or cannot be read. */
  message?: string;
}
