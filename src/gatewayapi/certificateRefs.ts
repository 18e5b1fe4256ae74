import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import type { ObjectIndex } from '../metacontroller/objectIndex';
import type { KubeObject } from '../metacontroller/types';
import { referencePermitted } from './referenceGrants';
import { GATEWAY_GROUP, type Gateway, type Listener, type SecretObjectReference } from './types';

export const TLS_SECRET_TYPE = 'kubernetes.io/tls';

/** A TLS Secret's material, decoded. `privateKey` must never reach a log, a status or an error. */
export interface TlsMaterial {
  /** `namespace/name` of the Secret. */
  secret: string;
  /** The leaf certificate (PEM). */
  certificate: string;
  /** The rest of `tls.crt` (intermediates, PEM), if any. */
  chain: string | undefined;
  privateKey: string;
  /** The name ACM lists the certificate under: the subject CN, else the first DNS SAN. */
  domainName: string | undefined;
  /** SHA-256 over the certificate and chain: changes exactly when the Secret's certificate rotates. */
  fingerprint: string;
}

export type CertificateRefResolution =
  | { state: 'none' }
  | { state: 'invalid'; reason: 'InvalidCertificateRef' | 'RefNotPermitted'; message: string }
  | { state: 'resolved'; material: TlsMaterial };

interface Secret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

const PEM_BEGIN = '-----BEGIN CERTIFICATE-----';
const PEM_END = '-----END CERTIFICATE-----';
/** A certificate chain is a few KiB; ACM imports at most 32 KiB of it. Beyond this a Secret is refused unread. */
export const MAX_CERTIFICATE_BYTES = 64 * 1024;

/**
 * The PEM certificate blocks of a text, in order. A linear scan: the text comes from a Secret any
 * namespace user may write, and a lazy regular expression over it is quadratic on repeated BEGIN
 * markers (a 1 MiB tls.crt held the event loop for seconds).
 */
export function pemCertificates(text: string): string[] {
  const blocks: string[] = [];
  let from = 0;
  for (;;) {
    const begin = text.indexOf(PEM_BEGIN, from);
    if (begin === -1) return blocks;
    const end = text.indexOf(PEM_END, begin + PEM_BEGIN.length);
    if (end === -1) return blocks;
    blocks.push(text.slice(begin, end + PEM_END.length));
    from = end + PEM_END.length;
  }
}

/** The namespace/name of each certificateRef, for the customize hook (exact names, never all Secrets). */
export function referencedSecrets(gateway: Gateway): { namespace: string; name: string }[] {
  const found = new Map<string, { namespace: string; name: string }>();
  for (const listener of gateway.spec?.listeners ?? []) {
    for (const ref of listener.tls?.certificateRefs ?? []) {
      if ((ref.group ?? '') !== '' || (ref.kind ?? 'Secret') !== 'Secret') continue;
      const namespace = ref.namespace || gateway.metadata.namespace || '';
      found.set(`${namespace}/${ref.name}`, { namespace, name: ref.name });
    }
  }
  return [...found.values()].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

/** The subject CN, else the first DNS subject alternative name. */
export function domainNameOf(certificate: X509Certificate): string | undefined {
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(certificate.subject)?.[1];
  if (cn) return cn.trim();
  return /DNS:([^,\s]+)/.exec(certificate.subjectAltName ?? '')?.[1];
}

function decode(value: string | undefined): string {
  return value === undefined ? '' : Buffer.from(value, 'base64').toString('utf8');
}

/** The Secret's certificate and key, or why they are unusable (the message never quotes the material). */
export function tlsMaterialOf(secret: Secret): TlsMaterial | string {
  const key = `${secret.metadata.namespace}/${secret.metadata.name}`;
  if (secret.type !== TLS_SECRET_TYPE) return `Secret ${key} is not of type ${TLS_SECRET_TYPE}`;
  const encoded = secret.data?.['tls.crt'] ?? '';
  // Base64 is 4/3 of the bytes it carries.
  if (encoded.length > (MAX_CERTIFICATE_BYTES * 4) / 3 + 4)
    return `Secret ${key}: tls.crt is larger than ${MAX_CERTIFICATE_BYTES / 1024} KiB`;
  const pems = pemCertificates(decode(encoded));
  const privateKey = decode(secret.data?.['tls.key']);
  if (pems.length === 0 || privateKey.trim() === '') return `Secret ${key} lacks a PEM certificate in tls.crt or a key in tls.key`;
  let domainName: string | undefined;
  try {
    const certificate = new X509Certificate(pems[0] as string);
    if (!certificate.checkPrivateKey(createPrivateKey(privateKey)))
      return `Secret ${key}: tls.key does not match the certificate in tls.crt`;
    domainName = domainNameOf(certificate);
  } catch {
    return `Secret ${key} holds a malformed certificate or private key`;
  }
  const chain = pems.length > 1 ? pems.slice(1).join('\n') : undefined;
  const fingerprint = createHash('sha256').update(pems.join('\n')).digest('hex');
  return { secret: key, certificate: pems[0] as string, chain, privateKey, domainName, fingerprint };
}

function resolveRef(ref: SecretObjectReference, gateway: Gateway, index: ObjectIndex): CertificateRefResolution {
  const group = ref.group ?? '';
  const kind = ref.kind ?? 'Secret';
  const gatewayNamespace = gateway.metadata.namespace ?? '';
  const namespace = ref.namespace || gatewayNamespace;
  if (group !== '' || kind !== 'Secret') {
    return {
      state: 'invalid',
      reason: 'InvalidCertificateRef',
      message: `certificateRef ${group === '' ? 'core' : group}/${kind} ${ref.name} is not supported: only core Secrets`,
    };
  }
  // Checked before existence: the message must not reveal whether a non-granted Secret exists.
  const permitted = referencePermitted(
    {
      from: { group: GATEWAY_GROUP, kind: 'Gateway', namespace: gatewayNamespace },
      to: { group: '', kind: 'Secret', namespace, name: ref.name },
    },
    index,
  );
  if (!permitted) {
    return {
      state: 'invalid',
      reason: 'RefNotPermitted',
      message: `certificateRef to Secret ${namespace}/${ref.name} is not permitted by any ReferenceGrant in namespace ${namespace}`,
    };
  }
  const secret = index.get<Secret>({ group: '', kind: 'Secret', namespace, name: ref.name });
  if (!secret) return { state: 'invalid', reason: 'InvalidCertificateRef', message: `Secret ${namespace}/${ref.name} not found` };
  const material = tlsMaterialOf(secret);
  return typeof material === 'string'
    ? { state: 'invalid', reason: 'InvalidCertificateRef', message: material }
    : { state: 'resolved', material };
}

/**
 * The listener's certificate from its `certificateRefs`: every ref must resolve (the first
 * failure is reported); VPC Lattice takes one certificate per custom domain, so the first is used.
 */
export function resolveCertificateRefs(listener: Listener, gateway: Gateway, index: ObjectIndex): CertificateRefResolution {
  const refs = listener.tls?.certificateRefs ?? [];
  if (refs.length === 0) return { state: 'none' };
  const resolved = refs.map((ref) => resolveRef(ref, gateway, index));
  return resolved.find((r) => r.state === 'invalid') ?? (resolved[0] as CertificateRefResolution);
}
