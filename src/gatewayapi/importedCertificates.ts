import { KEY_PREFIX } from './ourKeys';
import type { Gateway, Listener } from './types';

/**
 * Gateway annotation recording the ACM certificates imported from its listeners' Secrets:
 * `{"<namespace>/<secret>": {"arn": "...", "fingerprint": "<sha256 of the certificate chain>"}}`.
 * Route hooks read the ARN from it (they never see Secrets); the fingerprint tells the Gateway
 * hook, without an AWS call, whether the Secret rotated since the last import.
 */
export const IMPORTED_CERTIFICATES_ANNOTATION = `${KEY_PREFIX}imported-certificates`;

export interface ImportedCertificate {
  arn: string;
  fingerprint: string;
}

export type ImportedCertificates = Record<string, ImportedCertificate>;

export function importedCertificatesOf(gateway: Gateway): ImportedCertificates {
  const raw = gateway.metadata.annotations?.[IMPORTED_CERTIFICATES_ANNOTATION];
  if (!raw) return {};
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (!parsed || typeof parsed !== 'object') return {};
    const out: ImportedCertificates = {};
    for (const [secret, entry] of Object.entries(parsed as Record<string, unknown>)) {
      const { arn, fingerprint } = (entry ?? {}) as Partial<ImportedCertificate>;
      if (typeof arn === 'string' && typeof fingerprint === 'string') out[secret] = { arn, fingerprint };
    }
    return out;
  } catch {
    return {};
  }
}

/** The annotation value (sorted keys, so an unchanged set writes nothing), or null to remove it. */
export function importedCertificatesValue(imported: ImportedCertificates): string | null {
  const keys = Object.keys(imported).sort();
  if (keys.length === 0) return null;
  return JSON.stringify(Object.fromEntries(keys.map((k) => [k, { arn: imported[k]?.arn, fingerprint: imported[k]?.fingerprint }])));
}

/** `namespace/name` of the Secret a listener's first certificateRef names (the one Lattice uses). */
export function listenerSecretKey(gateway: Gateway, listener: Listener): string | undefined {
  const ref = listener.tls?.certificateRefs?.[0];
  if (!ref || (ref.group ?? '') !== '' || (ref.kind ?? 'Secret') !== 'Secret') return undefined;
  return `${ref.namespace || gateway.metadata.namespace || ''}/${ref.name}`;
}

export function importedCertificateArn(gateway: Gateway, listener: Listener): string | undefined {
  const key = listenerSecretKey(gateway, listener);
  return key === undefined ? undefined : importedCertificatesOf(gateway)[key]?.arn;
}
