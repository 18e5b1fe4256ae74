/** The mutable parts of one running emulator: the stores, knobs, counters, faults and throttle. */
import pino, { type Logger } from 'pino';
import { CertificateStore } from './acm/store';
import { CallCounter } from './calls';
import { LambdaStore } from './lambda/store';
import { FaultInjector } from './faults';
import { applyConfigUpdate, initialSettings, type EmulatorSettings } from './settings';
import { LatticeStore } from './state';
import { TokenBucket } from './throttle';

export interface EmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Account of every resource and of STS GetCallerIdentity. Default 123456789012. */
  accountId?: string;
  /** Region used when a request's SigV4 credential scope names none. Default us-west-2. */
  region?: string;
  /** Duration of CREATE/UPDATE/DELETE_IN_PROGRESS, initial health checks and draining. Default 0. */
  transitionMs?: number;
  /** Delay added to every API call (Lattice, STS, ACM). Default 0. */
  latencyMs?: number;
  /** Silent by default. */
  logger?: Logger;
  /** Clock in ms (tests pass their own). Default Date.now. */
  clock?: () => number;
}

export class EmulatorRuntime {
  readonly accountId: string;
  readonly defaultRegion: string;
  readonly clock: () => number;
  readonly logger: Logger;
  readonly calls = new CallCounter();
  readonly faults = new FaultInjector();
  store = new LatticeStore();
  certificates = new CertificateStore();
  lambda = new LambdaStore();
  private currentSettings: EmulatorSettings;
  private bucket: TokenBucket | null = null;

  constructor(private readonly options: EmulatorOptions) {
    this.accountId = options.accountId ?? '123456789012';
    this.defaultRegion = options.region ?? 'us-west-2';
    this.clock = options.clock ?? Date.now;
    this.logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'lattice-emulator' });
    this.currentSettings = initialSettings(options);
  }

  get settings(): EmulatorSettings {
    return this.currentSettings;
  }

  /** The account of the calls being made now (`callerAccountId`, else the emulator's). */
  get callerAccountId(): string {
    return this.currentSettings.callerAccountId ?? this.accountId;
  }

  /** Applies a `POST /_emulator/config` body; a new throttle setting starts with a full bucket. */
  configure(body: unknown): EmulatorSettings {
    const next = applyConfigUpdate(this.currentSettings, body);
    if (next.throttle !== this.currentSettings.throttle) {
      this.bucket = next.throttle === null ? null : new TokenBucket(next.throttle, this.clock());
    }
    this.currentSettings = next;
    return next;
  }

  /** Seconds to wait when the throttle refuses this call; undefined when it may proceed. */
  throttle(): number | undefined {
    return this.bucket?.take(this.clock());
  }

  /** Empty state, no counters, no faults, settings as at start. */
  reset(): void {
    this.store = new LatticeStore();
    this.certificates = new CertificateStore();
    this.lambda = new LambdaStore();
    this.calls.reset();
    this.faults.clear();
    this.currentSettings = initialSettings(this.options);
    this.bucket = null;
  }
}
