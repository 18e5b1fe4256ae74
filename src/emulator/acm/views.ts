/**
 * Certificate records → ACM's CertificateSummary and CertificateDetail shapes. Timestamps go
 * through `time`: epoch seconds on the awsJson1_1 wire, RFC 3339 in the admin API. Members that
 * do not apply are left undefined, which JSON leaves out.
 */
import type { LatticeStore } from '../state';
import { iso } from '../views';
import { SAN_SUMMARY_LIMIT, type KeyPairOrigin } from './model';
import { certificateUsers, type CertificateRecord, type CertificateStore } from './store';

export type TimeFormat<T> = (ms: number) => T;

/** awsJson1_1 timestamps: seconds since the epoch as a JSON number (fractions allowed). */
export const epochSeconds: TimeFormat<number> = (ms) => ms / 1000;

export function keyPairOrigin(record: CertificateRecord): KeyPairOrigin {
  return record.type === 'IMPORTED' ? 'CUSTOMER_PROVIDED' : 'AWS_MANAGED';
}

/** ACM renews the Amazon-issued certificates that are issued and associated with a resource. */
function renewalEligibility(record: CertificateRecord, inUse: boolean): 'ELIGIBLE' | 'INELIGIBLE' {
  return record.type === 'AMAZON_ISSUED' && record.status === 'ISSUED' && inUse ? 'ELIGIBLE' : 'INELIGIBLE';
}

function timestamps<T>(record: CertificateRecord, time: TimeFormat<T>) {
  const at = (ms: number | undefined) => (ms === undefined ? undefined : time(ms));
  return {
    CreatedAt: time(record.createdAt),
    IssuedAt: record.type === 'AMAZON_ISSUED' ? at(record.issuedAt) : undefined,
    ImportedAt: record.type === 'IMPORTED' ? at(record.issuedAt) : undefined,
    NotBefore: at(record.issuedAt),
    NotAfter: at(record.notAfter),
    RevokedAt: at(record.revokedAt),
  };
}

function common<T>(record: CertificateRecord, inUseBy: readonly string[], time: TimeFormat<T>) {
  return {
    CertificateArn: record.arn,
    DomainName: record.domainName,
    Status: record.status,
    Type: record.type,
    KeyAlgorithm: record.keyAlgorithm,
    RenewalEligibility: renewalEligibility(record, inUseBy.length > 0),
    CertificateKeyPairOrigin: keyPairOrigin(record),
    ...timestamps(record, time),
  };
}

export function certificateSummary<T>(record: CertificateRecord, inUseBy: readonly string[], time: TimeFormat<T>) {
  const names = record.subjectAlternativeNames;
  return {
    ...common(record, inUseBy, time),
    SubjectAlternativeNameSummaries: names.slice(0, SAN_SUMMARY_LIMIT),
    HasAdditionalSubjectAlternativeNames: names.length > SAN_SUMMARY_LIMIT,
    InUse: inUseBy.length > 0,
  };
}

export function certificateDetail<T>(record: CertificateRecord, inUseBy: readonly string[], time: TimeFormat<T>) {
  return {
    ...common(record, inUseBy, time),
    SubjectAlternativeNames: [...record.subjectAlternativeNames],
    // Subject and issuer are those of an issued X.509 certificate; a pending request has neither.
    Subject: record.issuedAt === undefined ? undefined : `CN=${record.domainName}`,
    Issuer: record.issuedAt !== undefined && record.type === 'AMAZON_ISSUED' ? 'Amazon' : undefined,
    InUseBy: [...inUseBy],
  };
}

/**
 * Every certificate (all regions) for the admin API: DescribeCertificate's detail with RFC 3339
 * times, plus its region.
 */
export function certificatesSnapshot(certificates: CertificateStore, lattice: LatticeStore) {
  return certificates.all().map((record) => ({
    ...certificateDetail(record, certificateUsers(lattice, record.arn), iso),
    region: record.region,
  }));
}
