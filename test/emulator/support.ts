/**
 * Test harness: an emulator on a free port, a real SDK client pointed at it, a controllable clock,
 * and small fetch wrappers for the admin API.
 */
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

export interface AdminResponse {
  readonly status: number;
  readonly body: unknown;
}

/** Entries of `GET /_emulator/state`, loosely typed: tests assert on the fields they care about. */
export type StateEntry = Record<string, unknown>;
export type EmulatorState = Record<string, StateEntry[]>;

export class AdminApi {
  constructor(private readonly endpoint: string) {}

  async request(method: string, path: string, body?: unknown): Promise<AdminResponse> {
    const response = await fetch(`${this.endpoint}/_emulator/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  }

  async state(): Promise<EmulatorState> {
    return (await this.ok('GET', 'state')) as EmulatorState;
  }

  async calls(): Promise<{ total: number; byOperation: Record<string, number> }> {
    return (await this.ok('GET', 'calls')) as { total: number; byOperation: Record<string, number> };
  }

  async addFault(rule: Record<string, unknown>): Promise<Record<string, unknown>> {
    return (await this.ok('POST', 'faults', rule)) as Record<string, unknown>;
  }

  async config(update: Record<string, unknown>): Promise<Record<string, unknown>> {
    return (await this.ok('POST', 'config', update)) as Record<string, unknown>;
  }

  async ok(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await this.request(method, path, body);
    if (response.status >= 300) throw new Error(`${method} ${path}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  }
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

export async function createService(lattice: VPCLatticeClient, name: string, customDomainName?: string): Promise<{ id: string; arn: string }> {
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
