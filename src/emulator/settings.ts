/** The emulator's runtime knobs, set at start and changed through `POST /_emulator/config`. */
import { AdminInputError } from './errors';
import { QUOTA_KEYS, defaultQuotas, type QuotaKey, type Quotas } from './quotas';

export interface ThrottleSettings {
  /** Tokens added per second. */
  readonly ratePerSecond: number;
  /** Bucket size: how many calls may arrive at once. */
  readonly burst: number;
}

export interface EmulatorSettings {
  /** Delay added to every Lattice, STS and ACM call. */
  readonly latencyMs: number;
  /** Duration of CREATE/UPDATE/DELETE_IN_PROGRESS, of a target's initial health check and of draining. */
  readonly transitionMs: number;
  readonly quotas: Quotas;
  readonly throttle: ThrottleSettings | null;
  /** Page size of List operations called without maxResults/MaxItems (AWS does not document its own). */
  readonly defaultPageSize: number;
  /**
   * The account calls are made as (owner of what they create, STS identity); null: the
   * emulator's own. Resources made as another account stay listed for every caller, the way
   * resources shared through AWS RAM are.
   */
  readonly callerAccountId: string | null;
  /** How long a created resource stays out of the tagging API's answers (AWS's index lags; default 0). */
  readonly taggingLagMs: number;
}

export const DEFAULT_PAGE_SIZE = 50;

export function initialSettings(options: { latencyMs?: number; transitionMs?: number }): EmulatorSettings {
  return {
    latencyMs: options.latencyMs ?? 0,
    transitionMs: options.transitionMs ?? 0,
    quotas: defaultQuotas(),
    throttle: null,
    defaultPageSize: DEFAULT_PAGE_SIZE,
    callerAccountId: null,
    taggingLagMs: 0,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rejectUnknownKeys(value: Record<string, unknown>, allowed: readonly string[], where: string): void {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new AdminInputError(`${where}: unknown key(s) ${unknown.join(', ')}; allowed: ${allowed.join(', ')}`);
  }
}

function wholeNumber(value: unknown, name: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new AdminInputError(`${name} must be an integer >= ${min}`);
  }
  return value;
}

function positiveNumber(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new AdminInputError(`${name} must be a number > 0`);
  }
  return value;
}

function accountId(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || !/^\d{12}$/.test(value)) throw new AdminInputError('callerAccountId must be 12 digits or null');
  return value;
}

function parseQuotas(value: unknown, current: Quotas): Quotas {
  if (!isRecord(value)) throw new AdminInputError('quotas must be an object');
  rejectUnknownKeys(value, QUOTA_KEYS, 'quotas');
  const next = { ...current };
  for (const [key, limit] of Object.entries(value)) next[key as QuotaKey] = wholeNumber(limit, `quotas.${key}`, 0);
  return next;
}

function parseThrottle(value: unknown): ThrottleSettings | null {
  if (value === null) return null;
  if (!isRecord(value)) throw new AdminInputError('throttle must be {"ratePerSecond": r, "burst": b} or null');
  rejectUnknownKeys(value, ['ratePerSecond', 'burst'], 'throttle');
  return {
    ratePerSecond: positiveNumber(value.ratePerSecond, 'throttle.ratePerSecond'),
    burst: wholeNumber(value.burst, 'throttle.burst', 1),
  };
}

/** Applies a partial update; keys left out keep their value. */
export function applyConfigUpdate(current: EmulatorSettings, body: unknown): EmulatorSettings {
  if (!isRecord(body)) throw new AdminInputError('the body must be a JSON object');
  rejectUnknownKeys(
    body,
    ['latencyMs', 'transitionMs', 'quotas', 'throttle', 'defaultPageSize', 'callerAccountId', 'taggingLagMs'],
    'config',
  );
  return {
    latencyMs: body.latencyMs === undefined ? current.latencyMs : wholeNumber(body.latencyMs, 'latencyMs', 0),
    transitionMs: body.transitionMs === undefined ? current.transitionMs : wholeNumber(body.transitionMs, 'transitionMs', 0),
    quotas: body.quotas === undefined ? current.quotas : parseQuotas(body.quotas, current.quotas),
    throttle: body.throttle === undefined ? current.throttle : parseThrottle(body.throttle),
    defaultPageSize: body.defaultPageSize === undefined ? current.defaultPageSize : wholeNumber(body.defaultPageSize, 'defaultPageSize', 1),
    callerAccountId: body.callerAccountId === undefined ? current.callerAccountId : accountId(body.callerAccountId),
    taggingLagMs: body.taggingLagMs === undefined ? current.taggingLagMs : wholeNumber(body.taggingLagMs, 'taggingLagMs', 0),
  };
}
