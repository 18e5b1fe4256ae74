import type { AdminApi } from '../tools/emulatorAdmin';
import type { MetacontrollerDriver } from '../tools/metacontroller/driver';
import { callsBetween, type CallCounts } from './figures';

/** One hook call, kept small: the driver's copy of the request and answer is dropped once measured. */
export interface CallRecord {
  controller: string;
  hook: string;
  statusCode: number;
  durationMs: number;
  /** The hook's own time as the server reported it (Server-Timing). */
  serverMs?: number;
  /** Size of the JSON request body Metacontroller posted. */
  requestBytes: number;
  /** Metacontroller's webhook timeout for this hook. */
  timeoutMs: number;
  /** AWS calls made during this call (only while `attributeAws` is on: syncs then run one at a time). */
  aws?: CallCounts;
}

/**
 * Watches the driver after every step: records each new hook call and frees its bodies (a Gateway
 * request with 1,000 related routes is about a megabyte, and the driver would keep every one).
 */
export class Recorder {
  readonly records: CallRecord[] = [];
  /** The last Gateway sync request, replayed to time the Gateway hook alone. */
  lastGatewaySync: unknown;
  attributeAws = false;
  #seen = 0;
  #counters: Record<string, number> = {};

  constructor(
    private readonly driver: MetacontrollerDriver,
    private readonly admin: AdminApi,
  ) {
    driver.afterEachCall = () => this.#collect();
  }

  /** Starts counting AWS calls per hook call from now on. */
  async attribute(on: boolean): Promise<void> {
    if (on) this.#counters = (await this.admin.calls()).byOperation;
    this.attributeAws = on;
  }

  async #collect(): Promise<void> {
    const calls = this.driver.calls;
    const fresh: CallRecord[] = [];
    for (; this.#seen < calls.length; this.#seen++) {
      const call = calls[this.#seen];
      if (call === undefined) continue;
      if (call.controller === 'lattice-gateway' && call.hook === 'sync') this.lastGatewaySync = call.request;
      const hook = this.driver.controller(call.controller).hooks[call.hook];
      fresh.push({
        controller: call.controller,
        hook: call.hook,
        statusCode: call.statusCode,
        durationMs: call.durationMs,
        ...(call.serverMs !== undefined ? { serverMs: call.serverMs } : {}),
        requestBytes: Buffer.byteLength(JSON.stringify(call.request)),
        timeoutMs: hook?.timeoutMs ?? Number.POSITIVE_INFINITY,
      });
      call.request = undefined;
      call.response = undefined;
    }
    if (this.attributeAws) {
      const now = (await this.admin.calls()).byOperation;
      const last = fresh.findLast((r) => r.hook === 'sync');
      if (last) last.aws = callsBetween(this.#counters, now);
      this.#counters = now;
    }
    this.records.push(...fresh);
  }

  /** Records the calls made since the last step (call before reading `records` after a phase). */
  async flush(): Promise<void> {
    const attributing = this.attributeAws;
    this.attributeAws = false;
    await this.#collect();
    this.attributeAws = attributing;
  }
}
