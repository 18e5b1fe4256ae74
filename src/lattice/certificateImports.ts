import type { TlsMaterial } from '../gatewayapi/certificateRefs';
import type { ImportedCertificates } from '../gatewayapi/importedCertificates';
import { KEY_PREFIX } from '../gatewayapi/ourKeys';
import type { AcmApi } from './acmApi';
import { awsErrorMessage, isNotFound } from './awsErrors';
import { TAG } from '../model/tags';

/** Tags of a certificate imported from a Secret: who owns it, for which Gateway, from which Secret. */
export const GATEWAY_TAG = `${KEY_PREFIX}Gateway`;
export const SECRET_TAG = `${KEY_PREFIX}CertificateSecret`;

export interface ImportOwner {
  managedBy: string;
  /** `namespace/name` of the Gateway. */
  gateway: string;
}

export interface ImportOutcome {
  /** What the Gateway records afterwards (annotation). */
  imported: ImportedCertificates;
  /** Per Secret (`namespace/name`): why ACM refused it. */
  failures: Map<string, string>;
  /** Certificates no listener uses that ACM would not delete yet (still used by a Lattice service). */
  inUse: string[];
}

/** ACM refusals a status can carry (bad certificate, quota, permissions); anything else fails the hook. */
function isRefusal(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name ?? '';
  return [
    'ValidationException',
    'InvalidParameterException',
    'LimitExceededException',
    'AccessDeniedException',
    'InvalidTagException',
    'TagPolicyException',
  ].includes(name);
}

/**
 * A certificate imported earlier for this Gateway and Secret whose ARN was never recorded (the
 * hook stopped between the import and the annotation write): found by its tags, so a retry
 * re-imports onto it instead of leaving a copy behind. Only imported certificates of the same
 * domain are read.
 */
async function findOrphan(acm: AcmApi, owner: ImportOwner, material: TlsMaterial): Promise<string | undefined> {
  if (material.domainName === undefined) return undefined;
  const candidates = (await acm.listIssuedCertificates()).filter(
    (c) => c.Type === 'IMPORTED' && c.DomainName === material.domainName && c.CertificateArn,
  );
  for (const candidate of candidates) {
    const tags = await acm.listTags(candidate.CertificateArn as string);
    if (tags[TAG.managedBy] === owner.managedBy && tags[GATEWAY_TAG] === owner.gateway && tags[SECRET_TAG] === material.secret)
      return candidate.CertificateArn;
  }
  return undefined;
}

/**
 * Whether a recorded certificate is really ours for this Gateway: the ARN comes from an annotation
 * anyone may edit, and a certificate without our tags is never overwritten nor deleted. Read only
 * before a re-import or a delete, which are rare.
 */
async function isOurs(acm: AcmApi, owner: ImportOwner, arn: string): Promise<boolean> {
  try {
    const tags = await acm.listTags(arn);
    return tags[TAG.managedBy] === owner.managedBy && tags[GATEWAY_TAG] === owner.gateway;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

async function importOne(acm: AcmApi, owner: ImportOwner, material: TlsMaterial, recordedArn: string | undefined): Promise<string> {
  const body = { certificate: material.certificate, chain: material.chain, privateKey: material.privateKey };
  const recorded = recordedArn !== undefined && (await isOurs(acm, owner, recordedArn)) ? recordedArn : undefined;
  const existing = recorded ?? (await findOrphan(acm, owner, material));
  if (existing !== undefined) {
    try {
      return await acm.importCertificate({ ...body, certificateArn: existing });
    } catch (error) {
      if (!isNotFound(error)) throw error;
      // Deleted out of band: import anew below.
    }
  }
  const tags = { [TAG.managedBy]: owner.managedBy, [GATEWAY_TAG]: owner.gateway, [SECRET_TAG]: material.secret };
  return acm.importCertificate({ ...body, tags });
}

/**
 * Converges ACM to the Secrets the Gateway's listeners use: a Secret not imported yet is imported
 * (tagged as ours), a rotated one (new fingerprint) is re-imported in place (same ARN), an
 * unchanged one costs no call, and a certificate no listener uses any more is deleted. `wanted`
 * holds only Secrets whose reference is permitted and valid: nothing else is ever read into ACM.
 */
export async function convergeImportedCertificates(
  acm: AcmApi,
  owner: ImportOwner,
  wanted: ReadonlyMap<string, TlsMaterial>,
  recorded: ImportedCertificates,
): Promise<ImportOutcome> {
  const imported: ImportedCertificates = {};
  const failures = new Map<string, string>();
  const inUse: string[] = [];
  for (const [secret, material] of [...wanted].sort(([a], [b]) => a.localeCompare(b))) {
    const before = recorded[secret];
    if (before && before.fingerprint === material.fingerprint) {
      imported[secret] = before;
      continue;
    }
    try {
      imported[secret] = { arn: await importOne(acm, owner, material, before?.arn), fingerprint: material.fingerprint };
    } catch (error) {
      if (!isRefusal(error)) throw error;
      failures.set(secret, `ACM refused the certificate of Secret ${secret}: ${awsErrorMessage(error)}`);
      if (before) imported[secret] = before;
    }
  }
  for (const [secret, entry] of Object.entries(recorded)) {
    if (wanted.has(secret)) continue;
    if (!(await isOurs(acm, owner, entry.arn))) continue;
    try {
      await acm.deleteCertificate(entry.arn);
    } catch (error) {
      if (isNotFound(error)) continue;
      if ((error as { name?: string }).name !== 'ResourceInUseException') throw error;
      imported[secret] = entry;
      inUse.push(entry.arn);
    }
  }
  return { imported, failures, inUse };
}
