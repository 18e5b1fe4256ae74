import type { GetServiceNetworkResponse } from '@aws-sdk/client-vpc-lattice';
import type { NetworkResolution } from '../gatewayapi/gatewayStatus';
import type { LatticeApi } from './api';
import { orUndefinedIfNotFound } from './awsErrors';

/** How often a Gateway whose network does not exist yet is looked at again. */
export const MISSING_NETWORK_RESYNC_SECONDS = 30;

/** A name that is a service network id (a Gateway may be named after one). */
export function isServiceNetworkId(nameOrId: string): boolean {
  return /^sn-[0-9a-z]{17}$/.test(nameOrId);
}

/** Whether a network is the one a Gateway named `gatewayName` resolves to: named as the Gateway, or by its id. */
export function isGatewaysNetwork(network: { name?: string | undefined; id?: string | undefined }, gatewayName: string): boolean {
  return network.name === gatewayName || network.id === gatewayName;
}

/**
 * Finds the service network a Gateway names, with as few reads as possible: the ARN recorded on
 * the Gateway (one Get), else the account's networks by name or id, else — for networks shared
 * with this account through RAM, which the account cannot list — the cluster VPC's associations.
 */
export async function resolveServiceNetwork(
  api: LatticeApi,
  nameOrId: string,
  vpcId: string,
  knownArn: string | undefined,
): Promise<NetworkResolution> {
  if (knownArn) {
    const known = await orUndefinedIfNotFound(api.getServiceNetwork(knownArn));
    if (known?.arn && known.id && isGatewaysNetwork(known, nameOrId))
      return { state: 'found', arn: known.arn, id: known.id, name: known.name ?? nameOrId };
  }
  const owned = (await api.listServiceNetworks()).filter((sn) => isGatewaysNetwork(sn, nameOrId));
  if (owned.length > 1) return { state: 'ambiguous', candidates: owned.map((sn) => sn.id ?? sn.arn ?? '?').sort() };
  const [only] = owned;
  if (only?.arn && only.id) return { state: 'found', arn: only.arn, id: only.id, name: only.name ?? nameOrId };

  const shared = (await api.listServiceNetworkVpcAssociations({ vpcIdentifier: vpcId })).filter(
    (a) => a.status === 'ACTIVE' && isGatewaysNetwork({ name: a.serviceNetworkName, id: a.serviceNetworkId }, nameOrId),
  );
  const networks = [...new Map(shared.map((a) => [a.serviceNetworkArn, a])).values()];
  if (networks.length > 1) return { state: 'ambiguous', candidates: networks.map((a) => a.serviceNetworkId ?? '?').sort() };
  const [association] = networks;
  if (association?.serviceNetworkArn && association.serviceNetworkId) {
    return {
      state: 'found',
      arn: association.serviceNetworkArn,
      id: association.serviceNetworkId,
      name: association.serviceNetworkName ?? nameOrId,
    };
  }
  return { state: 'missing', retryAfterSeconds: MISSING_NETWORK_RESYNC_SECONDS };
}

/** The network with this exact name in the account (names are unique per account). */
export async function findServiceNetworkByName(api: LatticeApi, name: string): Promise<GetServiceNetworkResponse | undefined> {
  const found = (await api.listServiceNetworks()).find((sn) => sn.name === name);
  return found?.id ? orUndefinedIfNotFound(api.getServiceNetwork(found.id)) : undefined;
}
