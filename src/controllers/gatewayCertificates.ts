import { referencedSecrets, resolveCertificateRefs } from '../gatewayapi/certificateRefs';
import type { TlsMaterial } from '../gatewayapi/certificateRefs';
import {
  IMPORTED_CERTIFICATES_ANNOTATION,
  importedCertificatesOf,
  importedCertificatesValue,
  listenerSecretKey,
} from '../gatewayapi/importedCertificates';
import type { CertificateRefResolver, ListenerAnalysis } from '../gatewayapi/listeners';
import { REFERENCE_GRANT_API_VERSION, type Gateway } from '../gatewayapi/types';
import { convergeImportedCertificates } from '../lattice/certificateImports';
import type { ObjectIndex } from '../metacontroller/objectIndex';
import type { RelatedResourceRule } from '../metacontroller/types';
import type { HookContext } from './types';

/** ACM would not delete a certificate a Lattice service still uses: try again after this long. */
export const CERTIFICATE_DELETE_RETRY_SECONDS = 60;

/**
 * The Secrets the listeners name, by namespace and name (never all Secrets: each one travels to
 * the hook), and the ReferenceGrants of the other namespaces they live in.
 */
export function certificateResources(gateway: Gateway): RelatedResourceRule[] {
  const secrets = referencedSecrets(gateway);
  const byNamespace = new Map<string, string[]>();
  for (const { namespace, name } of secrets) byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), name]);
  const rules: RelatedResourceRule[] = [];
  for (const [namespace, names] of byNamespace) {
    rules.push({ apiVersion: 'v1', resource: 'secrets', namespace, names });
    if (namespace !== gateway.metadata.namespace)
      rules.push({ apiVersion: REFERENCE_GRANT_API_VERSION, resource: 'referencegrants', namespace });
  }
  return rules;
}

export function certificateResolver(gateway: Gateway, index: ObjectIndex): CertificateRefResolver {
  return (listener) => resolveCertificateRefs(listener, gateway, index);
}

export interface GatewayCertificates {
  /** The Gateway's imported-certificates annotation value (null removes it). */
  annotation: string | null;
  /** Listener name → why its certificate is not in ACM. */
  problems: Map<string, string>;
  resyncAfterSeconds: number | undefined;
}

/** Imports the Secrets of the usable HTTPS listeners into ACM and deletes what none uses any more. */
export async function syncGatewayCertificates(
  ctx: HookContext,
  gateway: Gateway,
  analyses: readonly ListenerAnalysis[],
  resolve: CertificateRefResolver,
): Promise<GatewayCertificates> {
  const wanted = new Map<string, TlsMaterial>();
  const listenersOf = new Map<string, string[]>();
  for (const analysis of analyses) {
    if (!analysis.usable || analysis.latticeProtocol !== 'HTTPS' || analysis.resolvedRefs.status !== 'True') continue;
    const resolution = resolve(analysis.listener);
    if (resolution.state !== 'resolved') continue;
    wanted.set(resolution.material.secret, resolution.material);
    const key = listenerSecretKey(gateway, analysis.listener) ?? resolution.material.secret;
    listenersOf.set(key, [...(listenersOf.get(key) ?? []), analysis.listener.name]);
  }
  const recorded = importedCertificatesOf(gateway);
  if (wanted.size === 0 && Object.keys(recorded).length === 0)
    return { annotation: null, problems: new Map(), resyncAfterSeconds: undefined };
  const owner = { managedBy: ctx.aws.identity.managedBy, gateway: `${gateway.metadata.namespace}/${gateway.metadata.name}` };
  const outcome = await convergeImportedCertificates(ctx.aws.acm, owner, wanted, recorded);
  const problems = new Map<string, string>();
  for (const [secret, message] of outcome.failures) for (const listener of listenersOf.get(secret) ?? []) problems.set(listener, message);
  if (outcome.failures.size > 0) ctx.log.warn({ secrets: [...outcome.failures.keys()] }, 'ACM refused a certificate import');
  return {
    annotation: importedCertificatesValue(outcome.imported),
    problems,
    resyncAfterSeconds: outcome.inUse.length > 0 || outcome.failures.size > 0 ? CERTIFICATE_DELETE_RETRY_SECONDS : undefined,
  };
}

/** Finalize: every certificate imported for the Gateway is deleted; false while ACM refuses (still in use). */
export async function releaseGatewayCertificates(
  ctx: HookContext,
  gateway: Gateway,
): Promise<{ annotation: string | null; done: boolean }> {
  const recorded = importedCertificatesOf(gateway);
  if (Object.keys(recorded).length === 0) return { annotation: null, done: true };
  const owner = { managedBy: ctx.aws.identity.managedBy, gateway: `${gateway.metadata.namespace}/${gateway.metadata.name}` };
  const outcome = await convergeImportedCertificates(ctx.aws.acm, owner, new Map(), recorded);
  return { annotation: importedCertificatesValue(outcome.imported), done: outcome.inUse.length === 0 };
}

export { IMPORTED_CERTIFICATES_ANNOTATION };
