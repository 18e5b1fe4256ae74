/**
 * STS GetCallerIdentity in the awsQuery protocol the SDK's STS client speaks: a form-encoded
 * POST to `/` with `Action=…`, answered in XML (errors as `<ErrorResponse>`).
 */
import { partitionOf } from './ids';

const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

export const STS_OPERATIONS = ['GetCallerIdentity'] as const;

/** awsQuery requests are form posts to the root path. */
export function isStsRequest(method: string, path: string, contentType: string | undefined): boolean {
  return method === 'POST' && path === '/' && (contentType ?? '').startsWith('application/x-www-form-urlencoded');
}

/** The `Action` parameter, from the form body or (as some tools send it) the query string. */
export function stsAction(body: string, query: URLSearchParams): string | undefined {
  return new URLSearchParams(body).get('Action') ?? query.get('Action') ?? undefined;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);
}

export function callerIdentityXml(accountId: string, region: string, requestId: string): string {
  return [
    `<GetCallerIdentityResponse xmlns="${STS_NAMESPACE}">`,
    '<GetCallerIdentityResult>',
    `<Arn>arn:${partitionOf(region)}:iam::${accountId}:user/lattice-emulator</Arn>`,
    '<UserId>AIDALATTICEEMULATOR0</UserId>',
    `<Account>${accountId}</Account>`,
    '</GetCallerIdentityResult>',
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>`,
    '</GetCallerIdentityResponse>',
  ].join('');
}

export function stsErrorXml(code: string, message: string, status: number, requestId: string): string {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return [
    `<ErrorResponse xmlns="${STS_NAMESPACE}">`,
    `<Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error>`,
    `<RequestId>${requestId}</RequestId>`,
    '</ErrorResponse>',
  ].join('');
}
