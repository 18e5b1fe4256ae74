/**
 * `POST /_emulator/acm/certificates`: seeds a certificate, since the emulator has no issuance flow.
 * The body is checked with the schema language of the Lattice shapes; problems are a 400.
 */
import { AdminInputError } from '../errors';
import type { ArnScope } from '../ids';
import { enumOf, isPlainObject, list, required, str, struct, type Infer, type Issue } from '../validation';
import { newCertificateArn, REGION_PATTERN } from './arn';
import {
  CERTIFICATE_STATUSES,
  CERTIFICATE_TYPES,
  DOMAIN_NAME_LENGTH,
  DOMAIN_NAME_PATTERN,
  IMPORTED_STATUSES,
  KEY_ALGORITHMS,
  UNISSUED_STATUSES,
  type CertificateStatus,
} from './model';
import type { CertificateStore, CertificateRecord, NewCertificate } from './store';

/** ACM's public certificates are valid for 395 days. */
const VALIDITY_MS = 395 * 24 * 60 * 60 * 1000;

const RFC_3339 = String.raw`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`;

const domainName = str({ ...DOMAIN_NAME_LENGTH, pattern: DOMAIN_NAME_PATTERN });

const SEED_SHAPE = {
  domainName: required(domainName),
  subjectAlternativeNames: list(domainName),
  status: enumOf(CERTIFICATE_STATUSES),
  type: enumOf(CERTIFICATE_TYPES),
  keyAlgorithm: enumOf(KEY_ALGORITHMS),
  issuedAt: str({ pattern: RFC_3339 }),
  region: str({ pattern: REGION_PATTERN }),
};
const SEED_SCHEMA = struct(SEED_SHAPE);

type SeedRequest = Infer<typeof SEED_SCHEMA>;

function parseSeedRequest(body: unknown): SeedRequest {
  if (!isPlainObject(body)) throw new AdminInputError('the body must be a JSON object');
  const unknownKeys = Object.keys(body).filter((key) => !Object.hasOwn(SEED_SHAPE, key));
  if (unknownKeys.length > 0) {
    throw new AdminInputError(`unknown key(s) ${unknownKeys.join(', ')}; allowed: ${Object.keys(SEED_SHAPE).join(', ')}`);
  }
  const issues: Issue[] = [];
  const parsed = SEED_SCHEMA.parse(body, '', issues);
  if (issues.length > 0 || parsed === undefined) throw new AdminInputError(issues.map((issue) => issue.message).join('; '));
  return parsed;
}

/** When the certificate was issued; by default now, or one validity period ago for an EXPIRED one. */
function issueTime(issuedAt: string | undefined, status: CertificateStatus, now: number): number {
  if (issuedAt === undefined) return status === 'EXPIRED' ? now - VALIDITY_MS : now;
  const ms = Date.parse(issuedAt);
  if (Number.isNaN(ms)) throw new AdminInputError(`issuedAt '${issuedAt}' is not a valid RFC 3339 date-time`);
  return ms;
}

function newCertificate(request: SeedRequest, scope: ArnScope, now: number): NewCertificate {
  const status = request.status ?? 'ISSUED';
  const type = request.type ?? 'AMAZON_ISSUED';
  if (type === 'IMPORTED' && !IMPORTED_STATUSES.includes(status)) {
    throw new AdminInputError(`an IMPORTED certificate is ${IMPORTED_STATUSES.join(' or ')}, not ${status}`);
  }
  const issued = !UNISSUED_STATUSES.includes(status);
  if (!issued && request.issuedAt !== undefined) {
    throw new AdminInputError(`issuedAt does not apply to a ${status} certificate, which was never issued`);
  }
  const issuedAt = issued ? issueTime(request.issuedAt, status, now) : undefined;
  return {
    arn: newCertificateArn(scope),
    region: scope.region,
    domainName: request.domainName,
    subjectAlternativeNames: [...new Set([request.domainName, ...(request.subjectAlternativeNames ?? [])])],
    status,
    type,
    keyAlgorithm: request.keyAlgorithm ?? 'RSA_2048',
    createdAt: issuedAt ?? now,
    issuedAt,
    notAfter: issuedAt === undefined ? undefined : issuedAt + VALIDITY_MS,
    revokedAt: status === 'REVOKED' && issuedAt !== undefined ? Math.max(issuedAt, now) : undefined,
  };
}

/** Parses an admin request body and stores the certificate it describes. */
export function seedCertificate(
  store: CertificateStore,
  body: unknown,
  defaults: { readonly accountId: string; readonly region: string; readonly now: number },
): CertificateRecord {
  const request = parseSeedRequest(body);
  return store.add(newCertificate(request, { accountId: defaults.accountId, region: request.region ?? defaults.region }, defaults.now));
}
