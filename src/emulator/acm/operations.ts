/**
 * The ACM operations the emulator serves: ListCertificates and DescribeCertificate here,
 * ImportCertificate, DeleteCertificate and ListTagsForCertificate in imports.ts. Each takes the
 * parsed JSON body and returns the JSON response body.
 */
import type { LatticeStore } from '../state';
import { enumOf, int, list, required, str, struct } from '../validation';
import { ARN_LENGTH, ARN_PATTERN, isCertificateArn } from './arn';
import { AcmError } from './errors';
import { parseAcmInput } from './input';
import {
  CERTIFICATE_STATUSES,
  DEFAULT_LISTED_KEY_PAIR_ORIGINS,
  DEFAULT_LISTED_KEY_TYPES,
  EXTENDED_KEY_USAGE_NAMES,
  KEY_ALGORITHMS,
  KEY_PAIR_ORIGINS,
  KEY_USAGE_NAMES,
} from './model';
import { ACM_IMPORT_OPERATIONS } from './imports';
import { certificatePage } from './paging';
import { certificateUsers, type CertificateRecord, type CertificateStore } from './store';
import { certificateDetail, certificateSummary, epochSeconds, keyPairOrigin } from './views';

export interface AcmContext {
  readonly certificates: CertificateStore;
  /** Lattice services reference certificates (InUse, InUseBy). */
  readonly lattice: LatticeStore;
  /** The caller's region: ACM certificates are regional. */
  readonly region: string;
  /** Page size of ListCertificates without MaxItems (the emulator's `defaultPageSize`). */
  readonly defaultPageSize: number;
  /** Account of new certificate ARNs, and the emulator's clock. */
  readonly accountId: string;
  readonly now: () => number;
}

export interface AcmOperation {
  readonly name: string;
  run(context: AcmContext, body: unknown): object;
}

const listCertificatesInput = struct({
  CertificateStatuses: list(enumOf(CERTIFICATE_STATUSES)),
  CertificateKeyPairOrigins: list(enumOf(KEY_PAIR_ORIGINS)),
  Includes: struct({
    extendedKeyUsage: list(enumOf(EXTENDED_KEY_USAGE_NAMES)),
    keyUsage: list(enumOf(KEY_USAGE_NAMES)),
    keyTypes: list(enumOf(KEY_ALGORITHMS)),
    exportOption: enumOf(['ENABLED', 'DISABLED']),
    managedBy: enumOf(['CLOUDFRONT']),
  }),
  NextToken: str({ min: 1, max: 10000 }),
  MaxItems: int({ min: 1, max: 1000 }),
  SortBy: enumOf(['CREATED_AT']),
  SortOrder: enumOf(['ASCENDING', 'DESCENDING']),
});

/** A filter list, or undefined when it is missing or empty (an empty list filters nothing). */
function nonEmpty<T>(values: readonly T[] | undefined): readonly T[] | undefined {
  return values !== undefined && values.length > 0 ? values : undefined;
}

const listCertificates: AcmOperation = {
  name: 'ListCertificates',
  run: (context, body) => {
    const input = parseAcmInput(listCertificatesInput, body);
    if ((input.SortBy === undefined) !== (input.SortOrder === undefined)) {
      throw new AcmError('InvalidArgsException', 'SortBy and SortOrder must be specified together');
    }
    const statuses = nonEmpty(input.CertificateStatuses);
    const keyTypes = nonEmpty(input.Includes?.keyTypes) ?? DEFAULT_LISTED_KEY_TYPES;
    const origins = nonEmpty(input.CertificateKeyPairOrigins) ?? DEFAULT_LISTED_KEY_PAIR_ORIGINS;
    const matching = context.certificates
      .all()
      .filter(
        (record) =>
          record.region === context.region &&
          (statuses === undefined || statuses.includes(record.status)) &&
          keyTypes.includes(record.keyAlgorithm) &&
          origins.includes(keyPairOrigin(record)),
      );
    const page = certificatePage(matching, {
      maxItems: input.MaxItems ?? context.defaultPageSize,
      nextToken: input.NextToken,
      order: { byCreatedAt: input.SortBy === 'CREATED_AT', descending: input.SortOrder === 'DESCENDING' },
    });
    const summary = (record: CertificateRecord) => certificateSummary(record, certificateUsers(context.lattice, record.arn), epochSeconds);
    return { CertificateSummaryList: page.items.map(summary), NextToken: page.nextToken };
  },
};

const describeCertificateInput = struct({ CertificateArn: required(str({ ...ARN_LENGTH, pattern: ARN_PATTERN })) });

const describeCertificate: AcmOperation = {
  name: 'DescribeCertificate',
  run: (context, body) => {
    const arn = parseAcmInput(describeCertificateInput, body).CertificateArn;
    if (!isCertificateArn(arn)) throw new AcmError('InvalidArnException', `The certificate ARN ${arn} is not valid`);
    const record = context.certificates.get(arn);
    // Certificates are regional: one of another region is not found from this one.
    if (record === undefined || record.region !== context.region) {
      throw new AcmError('ResourceNotFoundException', `Could not find certificate ${arn}.`);
    }
    return { Certificate: certificateDetail(record, certificateUsers(context.lattice, record.arn), epochSeconds) };
  },
};

export const ACM_OPERATIONS: ReadonlyMap<string, AcmOperation> = new Map(
  [listCertificates, describeCertificate, ...ACM_IMPORT_OPERATIONS].map((operation) => [operation.name, operation]),
);
