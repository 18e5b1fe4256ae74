import { VPCLatticeClient } from '@aws-sdk/client-vpc-lattice';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ACMClient } from '@aws-sdk/client-acm';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { Config } from '../config';
import { ConfigError } from '../errors';
import type { AwsIdentity } from '../model/identity';
import { refuseImpossibleIdentifiers } from './identifiers';
import { TransientRetryStrategy } from './retryStrategy';

export interface AwsClients {
  lattice: VPCLatticeClient;
  sts: STSClient;
  acm: ACMClient;
  lambda: LambdaClient;
  tagging: ResourceGroupsTaggingAPIClient;
}

const USER_AGENT = 'lattice-gateway-hooks';

/**
 * SDK clients. With the `aws` backend the SDK resolves endpoint, region and credentials itself
 * (AWS_ENDPOINT_URL*, AWS_REGION, the credentials chain) and we only pass what the configuration
 * names explicitly; the `emulator` backend points every client at the embedded emulator.
 */
export function createAwsClients(config: Config, emulatorEndpoint?: string): AwsClients {
  const common = {
    ...(config.awsRegion ? { region: config.awsRegion } : {}),
    customUserAgent: USER_AGENT,
    maxAttempts: 3,
    ...(emulatorEndpoint ? { endpoint: emulatorEndpoint, credentials: { accessKeyId: 'emulator', secretAccessKey: 'emulator' } } : {}),
  };
  // Lattice's throttling is the call budget's to pace (CallSession, DirectoryApi). A throttled
  // tagging call is not retried either: the teardown lists target groups instead at once (see
  // TaggingApi). ACM and Lambda have quotas of their own: their clients retry as the SDK does.
  const throttlingNotRetried = { ...common, retryStrategy: new TransientRetryStrategy(common.maxAttempts) };
  return {
    lattice: refuseImpossibleIdentifiers(new VPCLatticeClient(throttlingNotRetried)),
    sts: new STSClient(common),
    acm: new ACMClient(common),
    lambda: new LambdaClient(common),
    tagging: new ResourceGroupsTaggingAPIClient(throttlingNotRetried),
  };
}

/** Releases the clients' sockets. */
export function destroyAwsClients(clients: AwsClients): void {
  for (const client of Object.values(clients)) client.destroy();
}

/** Fails early, naming AWS_REGION, when neither the environment nor the SDK's sources give a region. */
export async function checkRegion(clients: AwsClients): Promise<string> {
  try {
    const region = await clients.lattice.config.region();
    if (region) return region;
  } catch {
    // fall through to the configuration error
  }
  throw new ConfigError('AWS_REGION', 'no region is set (set AWS_REGION, or a region in the AWS profile)');
}

/** AWS_ACCOUNT_ID, or STS GetCallerIdentity once. */
export async function resolveIdentity(config: Config, clients: AwsClients, region?: string): Promise<AwsIdentity> {
  let accountId = config.awsAccountId;
  if (accountId === undefined) {
    const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
    if (!identity.Account) throw new Error('STS GetCallerIdentity returned no account');
    accountId = identity.Account;
  }
  return {
    accountId,
    clusterName: config.clusterName,
    vpcId: config.clusterVpcId,
    ...(region ? { region } : {}),
    managedBy: `${accountId}/${config.clusterName}/${config.clusterVpcId}`,
  };
}
