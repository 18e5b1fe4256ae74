/** Access log destinations: the three kinds of ARN VPC Lattice delivers access logs to. */

export type DestinationType = 'S3' | 'CloudWatchLogs' | 'Firehose';

export type ParsedDestination = { ok: true; type: DestinationType } | { ok: false; problem: string };

const PARTITION = 'aws(?:-[a-z]+)*';
const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d+';
const ACCOUNT = '\\d{12}';

const FORMS: readonly { type: DestinationType; service: string; pattern: RegExp; form: string }[] = [
  // A bucket name, optionally followed by a key prefix.
  {
    type: 'S3',
    service: 's3',
    pattern: new RegExp(`^arn:${PARTITION}:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](?:/.*)?$`),
    form: 'arn:aws:s3:::bucket',
  },
  // Log group ARNs come with or without the `:*` CloudWatch appends to them.
  {
    type: 'CloudWatchLogs',
    service: 'logs',
    pattern: new RegExp(`^arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:[\\w.\\-/#]{1,512}(?::\\*)?$`),
    form: 'arn:aws:logs:region:account:log-group:name',
  },
  {
    type: 'Firehose',
    service: 'firehose',
    pattern: new RegExp(`^arn:${PARTITION}:firehose:${REGION}:${ACCOUNT}:deliverystream/[\\w.-]{1,64}$`),
    form: 'arn:aws:firehose:region:account:deliverystream/name',
  },
];

/** The AWS service an ARN names (`s3`, `logs`, `firehose`, …). */
function serviceOf(arn: string): string | undefined {
  return arn.startsWith('arn:') ? arn.split(':')[2] : undefined;
}

/** The destination type of an AccessLogPolicy's `spec.destinationArn`, or why it is not one. */
export function parseDestinationArn(arn: unknown): ParsedDestination {
  if (typeof arn !== 'string' || arn === '') return { ok: false, problem: 'spec.destinationArn is required' };
  const form = FORMS.find((f) => f.service === serviceOf(arn));
  if (!form) {
    const forms = FORMS.map((f) => f.form).join(', ');
    return {
      ok: false,
      problem: `spec.destinationArn ${arn} is not an S3 bucket, CloudWatch Logs group or Firehose delivery stream ARN (${forms})`,
    };
  }
  if (arn.length > 2048 || !form.pattern.test(arn))
    return { ok: false, problem: `spec.destinationArn ${arn} is not a valid ${form.type} destination ARN (${form.form})` };
  return { ok: true, type: form.type };
}

/** Whether two destination ARNs are of one type (Lattice allows one subscription per type and resource). */
export function sameDestinationType(a: string, b: string): boolean {
  const service = serviceOf(a);
  return service !== undefined && service === serviceOf(b);
}
