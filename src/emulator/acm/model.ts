/** Enumerations of ACM's model (2015-12-08) that the emulator reads or writes. */

export const CERTIFICATE_STATUSES = [
  'PENDING_VALIDATION',
  'ISSUED',
  'INACTIVE',
  'EXPIRED',
  'VALIDATION_TIMED_OUT',
  'REVOKED',
  'FAILED',
] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

/** Statuses of a certificate that was never issued: no validity period, no IssuedAt. */
export const UNISSUED_STATUSES: readonly CertificateStatus[] = ['PENDING_VALIDATION', 'VALIDATION_TIMED_OUT', 'FAILED'];

/** PRIVATE certificates need a private CA, which the emulator does not have. */
export const CERTIFICATE_TYPES = ['AMAZON_ISSUED', 'IMPORTED'] as const;
export type CertificateType = (typeof CERTIFICATE_TYPES)[number];

/** An imported certificate is valid or has expired; validation and revocation are ACM's own. */
export const IMPORTED_STATUSES: readonly CertificateStatus[] = ['ISSUED', 'EXPIRED'];

export const KEY_ALGORITHMS = ['RSA_1024', 'RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_prime256v1', 'EC_secp384r1', 'EC_secp521r1'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

/** What ListCertificates returns when `Includes.keyTypes` is not given (the Filters documentation). */
export const DEFAULT_LISTED_KEY_TYPES: readonly KeyAlgorithm[] = ['RSA_1024', 'RSA_2048'];

export const KEY_PAIR_ORIGINS = ['AWS_MANAGED', 'ACME', 'CUSTOMER_PROVIDED'] as const;
export type KeyPairOrigin = (typeof KEY_PAIR_ORIGINS)[number];

/** ListCertificates leaves ACME certificates out unless asked for them. */
export const DEFAULT_LISTED_KEY_PAIR_ORIGINS: readonly KeyPairOrigin[] = ['AWS_MANAGED', 'CUSTOMER_PROVIDED'];

export const KEY_USAGE_NAMES = [
  'DIGITAL_SIGNATURE',
  'NON_REPUDIATION',
  'KEY_ENCIPHERMENT',
  'DATA_ENCIPHERMENT',
  'KEY_AGREEMENT',
  'CERTIFICATE_SIGNING',
  'CRL_SIGNING',
  'ENCIPHER_ONLY',
  'DECIPHER_ONLY',
  'ANY',
  'CUSTOM',
] as const;

export const EXTENDED_KEY_USAGE_NAMES = [
  'TLS_WEB_SERVER_AUTHENTICATION',
  'TLS_WEB_CLIENT_AUTHENTICATION',
  'CODE_SIGNING',
  'EMAIL_PROTECTION',
  'TIME_STAMPING',
  'OCSP_SIGNING',
  'IPSEC_END_SYSTEM',
  'IPSEC_TUNNEL',
  'IPSEC_USER',
  'ANY',
  'NONE',
  'CUSTOM',
] as const;

/** The model's DomainNameString (length 1–253), anchored. */
export const DOMAIN_NAME_PATTERN = String.raw`^(\*\.)?(((?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9])\.)+((?!-)[A-Za-z0-9-]{1,62}[A-Za-z0-9])$`;
export const DOMAIN_NAME_LENGTH = { min: 1, max: 253 } as const;

/** ListCertificates returns this many SANs per summary; DescribeCertificate returns all. */
export const SAN_SUMMARY_LIMIT = 100;
