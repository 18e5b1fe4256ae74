import type { LatticeApi } from './api';

/**
 * Why a service cannot join a network, when the reason is its custom domain: Lattice serves a
 * custom domain once per service network, and another service of the network already has it
 * (two routes sharing a hostname). Read only after Lattice refused the association with a
 * ConflictException, so it costs nothing on the normal path. Undefined when the conflict is
 * something else (an association still being deleted, …).
 */
export async function customDomainHolder(
  api: LatticeApi,
  serviceNetworkArn: string,
  customDomainName: string | undefined,
  ownServiceId: string,
): Promise<string | undefined> {
  if (!customDomainName) return undefined;
  const associations = await api.listServiceNetworkServiceAssociations({ serviceNetworkIdentifier: serviceNetworkArn });
  const holder = associations.find(
    (a) => a.serviceId !== ownServiceId && a.customDomainName?.toLowerCase() === customDomainName.toLowerCase(),
  );
  if (!holder) return undefined;
  return (
    `custom domain ${customDomainName} is already served in service network ${serviceNetworkArn} by Lattice service ${holder.serviceName ?? holder.serviceId}: ` +
    'VPC Lattice serves a custom domain once per network, and routes sharing a hostname are not merged into one service (docs/routes.md)'
  );
}
