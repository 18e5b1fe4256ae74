/** Small fetch wrappers for the emulator's admin API (`/_emulator/…`). */

export interface AdminResponse {
  readonly status: number;
  readonly body: unknown;
}

/** Entries of `GET /_emulator/state`, loosely typed: tests assert on the fields they care about. */
export type StateEntry = Record<string, unknown>;
export interface EmulatorState {
  serviceNetworks: StateEntry[];
  services: StateEntry[];
  listeners: StateEntry[];
  rules: StateEntry[];
  targetGroups: StateEntry[];
  serviceNetworkServiceAssociations: StateEntry[];
  serviceNetworkVpcAssociations: StateEntry[];
  authPolicies: StateEntry[];
  resourcePolicies: StateEntry[];
  accessLogSubscriptions: StateEntry[];
  /** Lambda functions with their versions, aliases and resource policies (by qualifier). */
  lambdaFunctions?: StateEntry[];
}

export class AdminApi {
  constructor(private readonly endpoint: string) {}

  async request(method: string, path: string, body?: unknown): Promise<AdminResponse> {
    try {
      return await this.#send(method, path, body);
    } catch (error) {
      // A kept-alive connection the emulator closed while idle can be picked for the next call
      // before its close is seen (after a long benchmark phase, say): a read is sent again, once.
      if (method !== 'GET' || (error as Error | undefined)?.name !== 'TypeError') throw error; // fetch's network failure
      return this.#send(method, path, body);
    }
  }

  async #send(method: string, path: string, body?: unknown): Promise<AdminResponse> {
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

  async resetCalls(): Promise<void> {
    await this.ok('DELETE', 'calls');
  }

  async calls(): Promise<{ total: number; byOperation: Record<string, number>; errors?: Record<string, number> }> {
    return (await this.ok('GET', 'calls')) as { total: number; byOperation: Record<string, number>; errors?: Record<string, number> };
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
