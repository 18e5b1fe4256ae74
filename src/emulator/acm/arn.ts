/** Certificate ARNs: `arn:<partition>:acm:<region>:<account>:certificate/<uuid>`. */
import { randomUUID } from 'node:crypto';
import { partitionOf, type ArnScope } from '../ids';

export function newCertificateArn(scope: ArnScope): string {
  return `arn:${partitionOf(scope.region)}:acm:${scope.region}:${scope.accountId}:certificate/${randomUUID()}`;
}

/** The model's Arn shape (length 20–2048); Smithy patterns match anywhere in the value. */
export const ARN_LENGTH = { min: 20, max: 2048 } as const;
export const ARN_PATTERN = String.raw`arn:[\w+=/,.@-]+:acm:[\w+=/,.@-]*:[0-9]+:[\w+=,.@-]+(/[\w+=,.@-]+)*`;

/** An AWS region name such as `us-west-2` or `us-gov-east-1`. */
export const REGION_PATTERN = String.raw`^[a-z]{2}(-[a-z]+)+-\d+$`;

const CERTIFICATE_ARN = new RegExp(String.raw`^arn:aws(-cn|-us-gov)?:acm:${REGION_PATTERN.slice(1, -1)}:\d{12}:certificate/[0-9a-f-]+$`);

/**
 * Whether an ARN that passed the model's pattern names a certificate at all (partition, region,
 * 12-digit account, `certificate/<id>`); one that does not is InvalidArnException, not NotFound.
 */
export function isCertificateArn(arn: string): boolean {
  return CERTIFICATE_ARN.test(arn);
}
