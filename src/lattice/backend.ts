import type { Config } from '../config';
import type { Logger } from '../log';
import { startEmulator, type RunningEmulator } from '../emulator';
import type { AwsIdentity } from '../model/identity';
import { checkRegion, createAwsClients, destroyAwsClients, resolveIdentity, type AwsClients } from './clients';

export interface LatticeBackend {
  clients: AwsClients;
  identity: AwsIdentity;
  /** Set with the `emulator` backend. */
  emulator: RunningEmulator | undefined;
  close(): Promise<void>;
}

/** How long the embedded emulator keeps resources in CREATE/DELETE_IN_PROGRESS: short, but visible. */
const EMBEDDED_TRANSITION_MS = 500;

/**
 * The AWS side the hooks talk to: real AWS, or an emulator started inside this process (no
 * account needed), or — for the demo, the benchmark and the tests — an emulator already running
 * at `emulatorEndpoint` (left running by close()). Resolves the account once; failures here stop
 * the start.
 */
export async function startLatticeBackend(config: Config, logger: Logger, emulatorEndpoint?: string): Promise<LatticeBackend> {
  let emulator: RunningEmulator | undefined;
  if (config.backend === 'emulator' && emulatorEndpoint === undefined) {
    emulator = await startEmulator({
      port: config.emulatorPort,
      host: '127.0.0.1',
      region: config.awsRegion,
      transitionMs: EMBEDDED_TRANSITION_MS,
      logger: logger.child({ component: 'emulator' }),
    });
    logger.info({ endpoint: emulator.endpoint }, 'embedded VPC Lattice emulator listening');
  }
  const clients = createAwsClients(config, emulatorEndpoint ?? emulator?.endpoint);
  try {
    const region = await checkRegion(clients);
    const identity = await resolveIdentity(config, clients, region);
    logger.info({ accountId: identity.accountId, managedBy: identity.managedBy }, 'AWS identity resolved');
    return {
      clients,
      identity,
      emulator,
      async close() {
        destroyAwsClients(clients);
        await emulator?.close();
      },
    };
  } catch (error) {
    destroyAwsClients(clients);
    await emulator?.close();
    throw error;
  }
}
