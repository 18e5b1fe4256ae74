import { join } from 'node:path';
import { CreateServiceNetworkCommand, VPCLatticeClient } from '@aws-sdk/client-vpc-lattice';
import type { Config } from '../../src/config';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import type { CallBudget } from '../../src/lattice/callBudget';
import type { AwsIdentity } from '../../src/model/identity';
import { FakeCluster } from '../../tools/metacontroller/cluster';
import { MetacontrollerDriver } from '../../tools/metacontroller/driver';
import { scaledDelays, startHookService } from '../../tools/hookService';
import type { RunningServer } from '../../src/server/serve';
import { AdminApi } from '../../tools/emulatorAdmin';
import { logSink } from './app';
import { crd, gateway, gatewayClass } from './objects';

export const MANIFESTS_DIR = join(__dirname, '..', '..', 'metacontroller');

export interface Harness {
  config: Config;
  server: RunningServer;
  cluster: FakeCluster;
  driver: MetacontrollerDriver;
  emulator: RunningEmulator;
  admin: AdminApi;
  /** A separate SDK client for assertions on Lattice (its calls count in the emulator too). */
  lattice: VPCLatticeClient;
  identity: AwsIdentity;
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Multiplies resyncAfterSeconds in the driver. */
  timeScale?: number;
  /** Emulator IN_PROGRESS duration. */
  transitionMs?: number;
  /** Kustomize components of metacontroller/ to enable. */
  components?: string[];
  /** Share an emulator (several clusters, one AWS account); it is not closed with the harness. */
  emulator?: RunningEmulator;
  /** The hook server's clock. */
  now?: () => Date;
  /** The hook server's AWS call budget. */
  budget?: CallBudget;
}

/**
 * The hook server on a real port, the Lattice emulator behind it (the real SDK over HTTP), a fake
 * cluster, and a Metacontroller driver reading the manifests in `metacontroller/`.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const emulator = options.emulator ?? (await startEmulator({ port: 0, transitionMs: options.transitionMs ?? 20 }));
  const sink = logSink();
  const timeScale = options.timeScale ?? 0.01;
  const env = { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug', ...scaledDelays(timeScale), ...options.env };
  const service = await startHookService(env, emulator.endpoint, sink.stream, options.now, options.budget);
  const { config, server } = service;
  const { identity } = service.backend;
  const cluster = new FakeCluster();
  const token = config.hookAuthToken;
  const driver = new MetacontrollerDriver({
    cluster,
    baseUrl: server.url,
    manifestsDir: MANIFESTS_DIR,
    ...(options.components ? { components: options.components } : {}),
    timeScale,
    controllerName: config.controllerName,
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  });
  const lattice = new VPCLatticeClient({
    endpoint: emulator.endpoint,
    region: 'us-west-2',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return {
    config,
    server,
    cluster,
    driver,
    emulator,
    admin: new AdminApi(emulator.endpoint),
    lattice,
    identity,
    logs: sink.lines,
    async close() {
      await driver.close();
      await service.close();
      lattice.destroy();
      if (!options.emulator) await emulator.close();
    },
  };
}

const GATEWAY_API_PLURALS = ['gatewayclasses', 'gateways', 'httproutes', 'grpcroutes', 'tlsroutes', 'referencegrants'];

/** The Gateway API CRDs (bundle v1.6.1) and the GatewayClass `amazon-vpc-lattice` of our controller. */
export function installGatewayApi(cluster: FakeCluster): void {
  for (const plural of GATEWAY_API_PLURALS) cluster.apply(crd(plural, 'v1.6.1'));
  cluster.apply(gatewayClass('amazon-vpc-lattice'));
}

/**
 * A service network made in Lattice by hand and the Gateway of our class bound to it (same name,
 * HTTP on port 80, routes from every namespace). Returns the network's ARN.
 */
export async function sharedNetworkGateway(h: Pick<Harness, 'cluster' | 'lattice'>, namespace: string, name: string): Promise<string> {
  const arn = (await h.lattice.send(new CreateServiceNetworkCommand({ name }))).arn ?? '';
  h.cluster.apply(
    gateway(namespace, name, 'amazon-vpc-lattice', [
      { name: 'http', protocol: 'HTTP', port: 80, allowedRoutes: { namespaces: { from: 'All' } } },
    ]),
  );
  return arn;
}

/**
 * The value of a metric series of the hook server (`name{label="value"}`), or the sum of a
 * metric's samples over all its labels (`name`).
 */
export async function metric(h: Harness, series: string): Promise<number> {
  const res = await h.server.app.inject({ method: 'GET', url: '/metrics' });
  const samples = res.body.split('\n').filter((l) => l.startsWith(`${series} `) || l.startsWith(`${series}{`));
  return samples.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}
