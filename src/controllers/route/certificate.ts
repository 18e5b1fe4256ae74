import { KEY_PREFIX } from '../../gatewayapi/ourKeys';
import type { RouteParent } from '../../gatewayapi/routeParents';
import type { AnyRoute } from '../../gatewayapi/types';
import { discoverCertificate } from '../../lattice/certificates';
import { customDomainOf } from '../../model/routeModel';
import { httpsCertificateOf } from '../../model/routeListeners';
import type { HookContext } from '../types';

/** `<hostname>=<certificate ARN>` found in ACM, so discovery (an account-wide list) runs once per hostname. */
export const DISCOVERED_CERTIFICATE_ANNOTATION = `${KEY_PREFIX}discovered-certificate`;

export interface CertificateLookup {
  arn: string | undefined;
  /** The annotation's new value. */
  memo: string | null;
  /** The custom domain whose certificate is still to be looked up in ACM. */
  discoverFor?: string;
}

/**
 * The ACM certificate of the custom domain when an HTTPS listener serves the route and names none,
 * as far as the route remembers it (`discoverFor` when it must be looked up): no AWS call.
 */
export function rememberedCertificate(route: AnyRoute, parents: readonly RouteParent[]): CertificateLookup {
  const { domain } = customDomainOf(route, parents);
  const https = httpsCertificateOf(parents.filter((p) => p.attachment.reason === 'Accepted'));
  if (domain === undefined || !https.https || https.certificateArn !== undefined) return { arn: undefined, memo: null };
  // A listener with certificateRefs gets its certificate from the Gateway's import, never from discovery.
  const fromSecret = parents.some(
    (p) => p.attachment.reason === 'Accepted' && p.attachment.listeners.some((l) => l.analysis.certificateFromSecret),
  );
  if (fromSecret) return { arn: undefined, memo: null };
  const memo = route.metadata.annotations?.[DISCOVERED_CERTIFICATE_ANNOTATION];
  const [host, arn] = (memo ?? '').split('=');
  return host === domain && arn ? { arn, memo: memo ?? null } : { arn: undefined, memo: null, discoverFor: domain };
}

/** The certificate of `domain` found in ACM (an account-wide list: once per hostname, then remembered on the route). */
export async function discovered(domain: string, ctx: HookContext): Promise<CertificateLookup> {
  const found = await discoverCertificate(ctx.aws.acm, domain);
  return { arn: found, memo: found ? `${domain}=${found}` : null };
}
