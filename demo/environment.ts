import { join } from 'node:path';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { VPCLatticeClient } from '@aws-sdk/client-vpc-lattice';
import { startEmulator } from '../src/emulator';
import type { AwsIdentity } from '../src/model/identity';
import type { FakeCluster } from '../tools/metacontroller/cluster';
import { clusterWithDriver } from '../tools/metacontroller/clusterWithDriver';
import type { MetacontrollerDriver } from '../tools/metacontroller/driver';
import { scaledDelays, startHookService } from '../tools/hookService';

/** Everything the demo runs: the hook server, the Lattice emulator behind it, a cluster and Metacontroller. */
export interface DemoEnvironment {
  cluster: FakeCluster;
  driver: MetacontrollerDriver;
  /** The server's own Lattice client (reads through it look like what AWS would show). */
  lattice: VPCLatticeClient;
  /** The server's own Lambda client (the demo makes its function with it too). */
  lambda: LambdaClient;
  identity: AwsIdentity;
  serverUrl: string;
  emulatorEndpoint: string;
  close(): Promise<void>;
}

export interface EnvironmentOptions {
  root: string;
  /** How long the emulator keeps resources in *_IN_PROGRESS states. */
  transitionMs: number;
  /** Multiplies the resync delays the hooks ask for (30 s becomes 30 s × timeScale). */
  timeScale: number;
}

/**
 * Starts the emulator and the hook server on free local ports, silent (LOG_LEVEL=silent), and a
 * Metacontroller driver that reads the controllers in `metacontroller/` exactly as installed.
 */
export async function startEnvironment(options: EnvironmentOptions): Promise<DemoEnvironment> {
  // Closed in reverse order, also when a later step fails to start.
  const closers: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    const emulator = await startEmulator({ port: 0, transitionMs: options.transitionMs });
    closers.push(() => emulator.close());
    const service = await startHookService(
      { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...scaledDelays(options.timeScale) },
      emulator.endpoint,
    );
    closers.push(() => service.close());
    const { config, server, backend } = service;
    const { cluster, driver } = clusterWithDriver({
      baseUrl: server.url,
      manifestsDir: join(options.root, 'metacontroller'),
      timeScale: options.timeScale,
      controllerName: config.controllerName,
    });
    closers.push(() => driver.close());
    return {
      cluster,
      driver,
      lattice: backend.clients.lattice,
      lambda: backend.clients.lambda,
      identity: backend.identity,
      serverUrl: server.url,
      emulatorEndpoint: emulator.endpoint,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
