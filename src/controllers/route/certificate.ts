import { KEY_PREFIX } from '../../gatewayapi/ourKeys';
import type { RouteParent } from '../../gatewayapi/routeParents';
import type { AnyRoute } from '../../gatewayapi/types';
import { discoverCertificate } from '../../lattice/certificates';
import { customDomainOf } from '../../model/routeModel';
import { httpsCertificateOf } from '../../model/routeListeners';
import type { HookContext } from '../types';

/** `<hostname>=<certificate ARN>` found in ACM, so discovery (an account-wide list) runs once per hostname. */
export const DISCOVERED_CERTIFICATE_ANNOTATION = `${KEY_PREFIX}discovered-certificate`;

/**
 * The ACM certificate of the custom domain when an HTTPS listener serves the route and names none:
 * found once per hostname and remembered on the route (`memo`, the annotation's new value).
 */
export async function certificateFor(
  route: AnyRoute,
  parents: readonly RouteParent[],
  ctx: HookContext,
): Promise<{ arn: string | undefined; memo: string | null }> {
  const { domain } = customDomainOf(route, parents);
  const https = httpsCertificateOf(parents.filter((p) => p.attachment.reason === 'Accepted'));
  if (domain === undefined || !https.https || https.certificateArn !== undefined) return { arn: undefined, memo: null };
  // A listener with certificateRefs gets its certificate from the Gateway's import, never from discovery.
  const fromSecret = parents.some(
    (p) => p.attachment.reason === 'Accepted' && p.attachment.listeners.some((l) => l.analysis.certificateFromSecret),
  );
  if (fromSecret) return { arn: undefined, memo: null };
  const [host, arn] = (route.metadata.annotations?.[DISCOVERED_CERTIFICATE_ANNOTATION] ?? '').split('=');
  const found = host === domain && arn ? arn : await discoverCertificate(ctx.aws.acm, domain);
  return { arn: found, memo: found ? `${domain}=${found}` : null };
}
