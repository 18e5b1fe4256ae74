import { loadConfig } from '../config';
import { CallBudget } from '../lattice/callBudget';
import { checkRegion, createAwsClients, destroyAwsClients, resolveIdentity } from '../lattice/clients';
import { DirectoryApi } from '../lattice/directoryApi';
import { buildDirectory } from './model';
import { readAccount } from './read';
import type { Directory } from './types';

type Env = Readonly<Record<string, string | undefined>>;

/** Reads the account into a directory; `onProgress` gets the counts of a progress bar. */
export type DirectoryReader = (onProgress?: (done: number, total: number) => void) => Promise<Directory>;

export interface DirectorySource {
  read: DirectoryReader;
  close(): void;
}

/**
 * The AWS side of the directory, configured like `serve` against AWS: the SDK's own endpoint,
 * region and credentials resolution (so AWS_ENDPOINT_URL points it at an emulator), the account
 * from AWS_ACCOUNT_ID or STS, and the process's call budget (LATTICE_API_RPS/BURST). The cluster
 * variables are optional here: with CLUSTER_NAME and CLUSTER_VPC_ID, resources of this cluster
 * are marked as such.
 */
export async function openDirectorySource(env: Env): Promise<DirectorySource> {
  const knowsCluster = Boolean(env.CLUSTER_NAME?.trim() && env.CLUSTER_VPC_ID?.trim());
  // Placeholders only satisfy the hook server's required variables; they are never shown.
  const config = loadConfig({ CLUSTER_NAME: 'directory', CLUSTER_VPC_ID: 'vpc-00000000', ...env }, { backend: 'aws' });
  const clients = createAwsClients(config);
  const close = () => destroyAwsClients(clients);
  try {
    await checkRegion(clients);
    const identity = await resolveIdentity(config, clients);
    const budget = new CallBudget({ ratePerSecond: config.apiRatePerSecond, burst: config.apiBurst });
    const api = new DirectoryApi(clients.lattice, budget);
    const thisCluster = knowsCluster ? identity.managedBy : null;
    return {
      read: async (onProgress) => {
        const observed = await readAccount(api, { account: identity.accountId, ...(onProgress ? { onProgress } : {}) });
        return buildDirectory(observed, { thisCluster, rulesPerListener: config.rulesPerListener });
      },
      close,
    };
  } catch (error) {
    close();
    throw error;
  }
}
