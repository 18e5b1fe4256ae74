/**
 * ImportCertificate, DeleteCertificate and ListTagsForCertificate: certificates a caller brings
 * (PEM blobs, base64 on the awsJson1_1 wire), parsed with node's X.509 support the way ACM reads
 * them: the domain is the subject CN (else the first DNS SAN), the key must match the
 * certificate and the current time must lie in its validity, re-import keeps the ARN and the tags
 * and takes no new tags.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { list, required, str, struct } from '../validation';
import { ARN_LENGTH, ARN_PATTERN, isCertificateArn, newCertificateArn } from './arn';
import { AcmError } from './errors';
import { parseAcmInput } from './input';
import type { KeyAlgorithm } from './model';
import { certificateUsers, type CertificateRecord } from './store';
import type { AcmContext, AcmOperation } from './operations';

const certificateArn = str({ ...ARN_LENGTH, pattern: ARN_PATTERN });
const tag = struct({ Key: required(str({ min: 1, max: 128 })), Value: str({ min: 0, max: 256 }) });

const importInput = struct({
  CertificateArn: certificateArn,
  Certificate: required(str({ min: 1, max: 43692 })),
  PrivateKey: required(str({ min: 1, max: 6828 })),
  CertificateChain: str({ min: 1, max: 2796204 }),
  Tags: list(tag, { min: 1, max: 50 }),
});

function pem(blob: string, what: string): string {
  const text = Buffer.from(blob, 'base64').toString('utf8');
  if (!text.includes('-----BEGIN')) throw new AcmError('ValidationException', `The ${what} is not PEM-encoded`);
  return text;
}

function keyAlgorithmOf(key: KeyObject): KeyAlgorithm {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    const name = `RSA_${details.modulusLength ?? 0}`;
    if (['RSA_1024', 'RSA_2048', 'RSA_3072', 'RSA_4096'].includes(name)) return name as KeyAlgorithm;
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = { prime256v1: 'EC_prime256v1', secp384r1: 'EC_secp384r1', secp521r1: 'EC_secp521r1' }[details.namedCurve ?? ''];
    if (curve) return curve as KeyAlgorithm;
  }
  throw new AcmError('ValidationException', 'The private key algorithm or size is not supported');
}

function parseCertificate(certificatePem: string, keyPem: string) {
  let certificate: X509Certificate;
  let key: KeyObject;
  try {
    certificate = new X509Certificate(certificatePem);
  } catch {
    throw new AcmError('ValidationException', 'Could not parse the certificate body');
  }
  try {
    key = createPrivateKey(keyPem);
  } catch {
    throw new AcmError('ValidationException', 'Could not parse the private key');
  }
  if (!certificate.checkPrivateKey(key))
    throw new AcmError('ValidationException', 'The private key does not match the public key in the certificate');
  const sans = [...(certificate.subjectAltName ?? '').matchAll(/DNS:([^,\s]+)/g)].map((m) => m[1] as string);
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(certificate.subject)?.[1]?.trim();
  const domainName = cn ?? sans[0];
  if (domainName === undefined)
    throw new AcmError('ValidationException', 'The certificate has neither a subject CN nor a DNS subject alternative name');
  return {
    domainName,
    subjectAlternativeNames: [...new Set([domainName, ...sans])],
    keyAlgorithm: keyAlgorithmOf(key),
    notBefore: Date.parse(certificate.validFrom),
    notAfter: Date.parse(certificate.validTo),
  };
}

function ownRecord(context: AcmContext, arn: string): CertificateRecord {
  if (!isCertificateArn(arn)) throw new AcmError('InvalidArnException', `The certificate ARN ${arn} is not valid`);
  const record = context.certificates.get(arn);
  if (record === undefined || record.region !== context.region)
    throw new AcmError('ResourceNotFoundException', `Could not find certificate ${arn}.`);
  return record;
}

const importCertificate: AcmOperation = {
  name: 'ImportCertificate',
  run: (context, body) => {
    const input = parseAcmInput(importInput, body);
    if (input.CertificateChain !== undefined) pem(input.CertificateChain, 'certificate chain');
    const parsed = parseCertificate(pem(input.Certificate, 'certificate'), pem(input.PrivateKey, 'private key'));
    const now = context.now();
    if (now < parsed.notBefore || now > parsed.notAfter)
      throw new AcmError('ValidationException', 'The certificate is not valid at the current time (NotBefore/NotAfter)');
    const status = 'ISSUED';
    const fields = {
      domainName: parsed.domainName,
      subjectAlternativeNames: parsed.subjectAlternativeNames,
      keyAlgorithm: parsed.keyAlgorithm,
      status,
      issuedAt: now,
      notAfter: parsed.notAfter,
    } as const;
    if (input.CertificateArn !== undefined) {
      const record = ownRecord(context, input.CertificateArn);
      if (input.Tags !== undefined) throw new AcmError('ValidationException', 'Tagging is not permitted on re-import.');
      if (record.type !== 'IMPORTED')
        throw new AcmError('ValidationException', `Certificate ${record.arn} was not imported and cannot be reimported`);
      context.certificates.replace({ ...record, ...fields });
      return { CertificateArn: record.arn };
    }
    const tags = Object.fromEntries((input.Tags ?? []).map((t) => [t.Key, t.Value ?? '']));
    const record = context.certificates.add({
      arn: newCertificateArn({ accountId: context.accountId, region: context.region }),
      region: context.region,
      type: 'IMPORTED',
      createdAt: now,
      revokedAt: undefined,
      tags,
      ...fields,
    });
    return { CertificateArn: record.arn };
  },
};

const arnInput = struct({ CertificateArn: required(certificateArn) });

const deleteCertificate: AcmOperation = {
  name: 'DeleteCertificate',
  run: (context, body) => {
    const record = ownRecord(context, parseAcmInput(arnInput, body).CertificateArn);
    const users = certificateUsers(context.lattice, record.arn);
    if (users.length > 0) throw new AcmError('ResourceInUseException', `Certificate ${record.arn} in use by ${users.join(', ')}`);
    context.certificates.delete(record.arn);
    return {};
  },
};

const listTagsForCertificate: AcmOperation = {
  name: 'ListTagsForCertificate',
  run: (context, body) => {
    const record = ownRecord(context, parseAcmInput(arnInput, body).CertificateArn);
    return { Tags: Object.entries(record.tags ?? {}).map(([Key, Value]) => ({ Key, Value })) };
  },
};

export const ACM_IMPORT_OPERATIONS: readonly AcmOperation[] = [importCertificate, deleteCertificate, listTagsForCertificate];
