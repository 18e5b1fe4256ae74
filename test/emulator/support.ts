/**
 * Test harness: an emulator on a free port, a real SDK client pointed at it, a controllable clock,
 * and small fetch wrappers for the admin API.
 */
import { ACMClient, type ACMClientConfig } from '@aws-sdk/client-acm';
import {
  CreateListenerCommand,
  CreateServiceCommand,
  CreateTargetGroupCommand,
  VPCLatticeClient,
  type RuleAction,
  type RuleMatch,
  type VPCLatticeClientConfig,
} from '@aws-sdk/client-vpc-lattice';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator';
import { AdminApi } from '../../tools/emulatorAdmin';

export { AdminApi, type AdminResponse, type EmulatorState, type StateEntry } from '../../tools/emulatorAdmin';

export const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
export const REGION = 'us-west-2';
export const ACCOUNT = '123456789012';
export const VPC_ID = 'vpc-0123456789abcdef0';

/** A clock tests move by hand, so status transitions never need real waiting. */
export class TestClock {
  private current = Date.parse('2026-01-01T00:00:00.000Z');

  readonly now = (): number => this.current;

  advance(ms: number): void {
    this.current += ms;
  }
}

export function latticeClient(endpoint: string, config: Partial<VPCLatticeClientConfig> = {}): VPCLatticeClient {
  // One attempt: tests that want the SDK's retries ask for them explicitly.
  return new VPCLatticeClient({ endpoint, region: REGION, credentials: CREDENTIALS, maxAttempts: 1, ...config });
}

export function acmClient(endpoint: string, config: Partial<ACMClientConfig> = {}): ACMClient {
  return new ACMClient({ endpoint, region: REGION, credentials: CREDENTIALS, maxAttempts: 1, ...config });
}

export interface Harness {
  readonly emulator: RunningEmulator;
  readonly lattice: VPCLatticeClient;
  readonly clock: TestClock;
  readonly admin: AdminApi;
  close(): Promise<void>;
}

export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
  const clock = new TestClock();
  const emulator = await startEmulator({ clock: clock.now, ...options });
  const lattice = latticeClient(emulator.endpoint);
  return {
    emulator,
    lattice,
    clock,
    admin: new AdminApi(emulator.endpoint),
    close: async () => {
      lattice.destroy();
      await emulator.close();
    },
  };
}

/** Awaits a rejection and checks it is an instance of `type` (the SDK's typed exceptions). */
export async function rejection<E extends Error>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof type) return error;
    throw new Error(`expected ${type.name}, got ${String(error)}`);
  }
  throw new Error(`expected ${type.name}, but the call succeeded`);
}

/** Creates a target group of type IP in VPC_ID; transitionMs 0 makes it ACTIVE on the next call. */
export async function createTargetGroup(
  lattice: VPCLatticeClient,
  name: string,
  protocol: 'HTTP' | 'HTTPS' | 'TCP' = 'HTTP',
): Promise<{ id: string; arn: string }> {
  const created = await lattice.send(
    new CreateTargetGroupCommand({ name, type: 'IP', config: { port: 8080, protocol, vpcIdentifier: VPC_ID } }),
  );
  return { id: created.id ?? '', arn: created.arn ?? '' };
}

export async function createService(
  lattice: VPCLatticeClient,
  name: string,
  customDomainName?: string,
): Promise<{ id: string; arn: string }> {
  const created = await lattice.send(new CreateServiceCommand({ name, customDomainName }));
  return { id: created.id ?? '', arn: created.arn ?? '' };
}

/** An HTTP listener on port 80 whose default action returns 404. */
export async function createListener(
  lattice: VPCLatticeClient,
  serviceIdentifier: string,
  name = 'http',
  port = 80,
): Promise<{ id: string; arn: string }> {
  const created = await lattice.send(
    new CreateListenerCommand({ serviceIdentifier, name, protocol: 'HTTP', port, defaultAction: { fixedResponse: { statusCode: 404 } } }),
  );
  return { id: created.id ?? '', arn: created.arn ?? '' };
}

export function forwardTo(...targetGroupIdentifiers: string[]): RuleAction {
  return {
    forward: {
      targetGroups: targetGroupIdentifiers.map((targetGroupIdentifier) =>
        targetGroupIdentifiers.length === 1 ? { targetGroupIdentifier } : { targetGroupIdentifier, weight: 10 },
      ),
    },
  };
}

export function pathPrefix(prefix: string): RuleMatch {
  return { httpMatch: { pathMatch: { match: { prefix } } } };
}
