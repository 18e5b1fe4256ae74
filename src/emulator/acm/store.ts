/**
 * The emulator's ACM: seeded and imported certificates in insertion order (`seq` orders
 * ListCertificates and anchors its tokens). Imported ones are re-imported and deleted through the
 * API; Amazon-issued ones are never issued or renewed.
 */
import type { LatticeStore } from '../state';
import type { CertificateStatus, CertificateType, KeyAlgorithm } from './model';

export interface CertificateRecord {
  readonly arn: string;
  readonly seq: number;
  readonly region: string;
  readonly domainName: string;
  /** Every subject alternative name, the domain name first (as ACM lists them). */
  readonly subjectAlternativeNames: readonly string[];
  readonly status: CertificateStatus;
  readonly type: CertificateType;
  readonly keyAlgorithm: KeyAlgorithm;
  readonly createdAt: number;
  /** IssuedAt (AMAZON_ISSUED) or ImportedAt (IMPORTED), also NotBefore; undefined if never issued. */
  readonly issuedAt: number | undefined;
  readonly notAfter: number | undefined;
  readonly revokedAt: number | undefined;
  /** Tags (ImportCertificate's Tags); an imported certificate keeps them across re-imports. */
  readonly tags?: Readonly<Record<string, string>>;
}

export type NewCertificate = Omit<CertificateRecord, 'seq'>;

export class CertificateStore {
  private readonly records = new Map<string, CertificateRecord>();
  private lastSeq = 0;

  add(certificate: NewCertificate): CertificateRecord {
    this.lastSeq += 1;
    const record = { ...certificate, seq: this.lastSeq };
    this.records.set(record.arn, record);
    return record;
  }

  /** Replaces a certificate in place (re-import): same ARN, same position. */
  replace(record: CertificateRecord): void {
    this.records.set(record.arn, record);
  }

  delete(arn: string): void {
    this.records.delete(arn);
  }

  get(arn: string): CertificateRecord | undefined {
    return this.records.get(arn);
  }

  all(): CertificateRecord[] {
    return [...this.records.values()];
  }
}

/** ARNs of the Lattice services whose `certificateArn` is this certificate (DescribeCertificate's InUseBy). */
export function certificateUsers(lattice: LatticeStore, certificateArn: string): string[] {
  return [...lattice.services.values()].filter((service) => service.certificateArn === certificateArn).map((service) => service.arn);
}
