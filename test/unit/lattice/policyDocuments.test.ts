import { parseDestinationArn, sameDestinationType } from '../../../src/lattice/accessLogDestination';
import { compactAuthPolicy, MAX_AUTH_POLICY_BYTES, sameAuthPolicy } from '../../../src/lattice/authPolicyDocument';

describe('IAM auth policy documents', () => {
  const policy = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: '*', Action: 'vpc-lattice-svcs:Invoke', Resource: '*' }],
  };

  it('are sent compacted, on one line', () => {
    const result = compactAuthPolicy(JSON.stringify(policy, null, 2));
    expect(result).toEqual({ ok: true, document: JSON.stringify(policy) });
    expect(result.ok && result.document.includes('\n')).toBe(false);
  });

  it('must be present, valid JSON and a JSON object, without quoting the document in the problem', () => {
    expect(compactAuthPolicy(undefined)).toEqual({ ok: false, problem: 'spec.policy is required: an IAM policy document (JSON)' });
    expect(compactAuthPolicy('  ')).toMatchObject({ ok: false });
    expect(compactAuthPolicy('{"Principal": "arn:aws:iam::111122223333:role/secret",')).toEqual({
      ok: false,
      problem: 'spec.policy is not valid JSON',
    });
    expect(compactAuthPolicy('["Allow"]')).toEqual({ ok: false, problem: 'spec.policy must be a JSON object (an IAM policy document)' });
    expect(compactAuthPolicy('"text"')).toMatchObject({ ok: false });
  });

  it('are at most 10 KB once compacted (indentation does not count)', () => {
    const sized = (bytes: number) => {
      const base = JSON.stringify({ Sid: '' }).length;
      return { Sid: 'x'.repeat(bytes - base) };
    };
    expect(JSON.stringify(sized(MAX_AUTH_POLICY_BYTES)).length).toBe(10240);
    expect(compactAuthPolicy(JSON.stringify(sized(MAX_AUTH_POLICY_BYTES), null, 8))).toMatchObject({ ok: true });
    expect(compactAuthPolicy(JSON.stringify(sized(MAX_AUTH_POLICY_BYTES + 1)))).toEqual({
      ok: false,
      problem: 'spec.policy is 10241 bytes once compacted; VPC Lattice accepts at most 10240 bytes (10 KB)',
    });
    // Bytes, not characters.
    expect(compactAuthPolicy(JSON.stringify({ Sid: 'é'.repeat(5200) }))).toMatchObject({ ok: false });
  });

  it('compare by content, not by spacing or key order', () => {
    expect(sameAuthPolicy(JSON.stringify(policy), JSON.stringify(policy, null, 2))).toBe(true);
    expect(sameAuthPolicy('{"a":1,"b":2}', '{"b":2,"a":1}')).toBe(true);
    expect(sameAuthPolicy('{"a":1}', '{"a":2}')).toBe(false);
    expect(sameAuthPolicy('not json', 'not json')).toBe(true);
  });
});

describe('access log destination ARNs', () => {
  it('name an S3 bucket, a CloudWatch Logs group or a Firehose delivery stream', () => {
    expect(parseDestinationArn('arn:aws:s3:::access-logs')).toEqual({ ok: true, type: 'S3' });
    expect(parseDestinationArn('arn:aws:s3:::access-logs/lattice/')).toEqual({ ok: true, type: 'S3' });
    expect(parseDestinationArn('arn:aws:logs:us-west-2:123456789012:log-group:/lattice/access')).toEqual({
      ok: true,
      type: 'CloudWatchLogs',
    });
    expect(parseDestinationArn('arn:aws:logs:us-west-2:123456789012:log-group:access:*')).toEqual({ ok: true, type: 'CloudWatchLogs' });
    expect(parseDestinationArn('arn:aws-cn:firehose:cn-north-1:123456789012:deliverystream/access')).toEqual({
      ok: true,
      type: 'Firehose',
    });
  });

  it('are Invalid in any other form, saying which form was expected', () => {
    expect(parseDestinationArn(undefined)).toEqual({ ok: false, problem: 'spec.destinationArn is required' });
    expect(parseDestinationArn('arn:aws:sqs:us-west-2:123456789012:queue')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('is not an S3 bucket, CloudWatch Logs group or Firehose delivery stream ARN'),
    });
    expect(parseDestinationArn('my-bucket')).toMatchObject({ ok: false });
    expect(parseDestinationArn('arn:aws:s3:::Bad_Bucket')).toEqual({
      ok: false,
      problem: 'spec.destinationArn arn:aws:s3:::Bad_Bucket is not a valid S3 destination ARN (arn:aws:s3:::bucket)',
    });
    expect(parseDestinationArn('arn:aws:logs:us-west-2:123:log-group:x')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('CloudWatchLogs'),
    });
    expect(parseDestinationArn('arn:aws:firehose:us-west-2:123456789012:stream/x')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('deliverystream/name'),
    });
  });

  it('are of one type when they name one service', () => {
    expect(sameDestinationType('arn:aws:s3:::a', 'arn:aws:s3:::b/prefix')).toBe(true);
    expect(sameDestinationType('arn:aws:s3:::a', 'arn:aws:logs:us-west-2:123456789012:log-group:a')).toBe(false);
    expect(sameDestinationType('', '')).toBe(false);
  });
});
