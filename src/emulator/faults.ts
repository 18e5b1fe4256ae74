/**
 * Fault rules of `POST /_emulator/faults`: among the calls matching `operation`, the first
 * `afterCalls` pass, then each of the next `times` fails with `error` (with chance `probability`)
 * and/or is delayed by `delayMs`. `ConnectionReset` drops the connection instead of answering;
 * with `commit` the operation is applied first and fails anyway (a lost response).
 */
import {
  AccessDeniedError,
  AdminInputError,
  ConflictError,
  InternalServerError,
  isLatticeErrorType,
  LATTICE_ERROR_TYPES,
  ResourceNotFoundError,
  ServiceQuotaExceededError,
  ThrottlingError,
  ValidationError,
  type LatticeApiError,
  type LatticeErrorType,
} from './errors';

/** Not an API error: the connection is dropped without a response (a reset, a timeout's end). */
export const CONNECTION_RESET = 'ConnectionReset';

/** Thrown by admission or after a committed operation; the HTTP front destroys the socket. */
export class ConnectionReset extends Error {
  constructor(readonly ruleId: string) {
    super(`Connection reset by the emulator (rule ${ruleId})`);
    this.name = CONNECTION_RESET;
  }
}

/** What a hit call ends with instead of its answer. */
export type InjectedFailure = LatticeApiError | ConnectionReset;

export interface FaultRule {
  readonly id: string;
  /** An operation name, or `*` for every Lattice and STS operation. */
  readonly operation: string;
  readonly error: LatticeErrorType | typeof CONNECTION_RESET | undefined;
  /** Apply the operation, then fail it anyway. */
  readonly commit: boolean;
  readonly afterCalls: number;
  /** null: no limit (the default when `probability` is given). */
  readonly times: number | null;
  readonly probability: number | undefined;
  readonly delayMs: number;
}

export interface FaultDecision {
  readonly delayMs: number;
  readonly failure: InjectedFailure | undefined;
  /** The failure comes after the operation has been applied. */
  readonly commit: boolean;
}

/** Retry-After of injected throttling and internal errors, in seconds. */
const INJECTED_RETRY_AFTER_SECONDS = 1;

function faultError(rule: FaultRule, errorType: LatticeErrorType | typeof CONNECTION_RESET, operation: string): InjectedFailure {
  if (errorType === CONNECTION_RESET) return new ConnectionReset(rule.id);
  const message = `Fault injected by the emulator (rule ${rule.id}) into ${operation}`;
  switch (errorType) {
    case 'ThrottlingException':
      return new ThrottlingError(message, INJECTED_RETRY_AFTER_SECONDS);
    case 'InternalServerException':
      return new InternalServerError(message, INJECTED_RETRY_AFTER_SECONDS);
    case 'ConflictException':
      return new ConflictError('RESOURCE', rule.id, message);
    case 'ResourceNotFoundException':
      return new ResourceNotFoundError('RESOURCE', rule.id, message);
    case 'AccessDeniedException':
      return new AccessDeniedError(message);
    case 'ValidationException':
      return new ValidationError('other', message);
    case 'ServiceQuotaExceededException':
      return new ServiceQuotaExceededError('RESOURCE', 'L-00000000', message);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new AdminInputError(`${name} must be an integer >= 0`);
  }
  return value;
}

const RULE_KEYS = ['operation', 'error', 'commit', 'afterCalls', 'times', 'probability', 'delayMs'];

function parseFaultRule(body: unknown, id: string, operations: ReadonlySet<string>): FaultRule {
  if (!isRecord(body)) throw new AdminInputError('the body must be a JSON object');
  const unknownKeys = Object.keys(body).filter((key) => !RULE_KEYS.includes(key));
  if (unknownKeys.length > 0) throw new AdminInputError(`unknown key(s) ${unknownKeys.join(', ')}; allowed: ${RULE_KEYS.join(', ')}`);
  const { operation, error, probability, commit } = body;
  if (typeof operation !== 'string' || (operation !== '*' && !operations.has(operation))) {
    throw new AdminInputError(`operation must be "*" or one of the emulated operations, e.g. CreateRule; got ${JSON.stringify(operation)}`);
  }
  if (error !== undefined && error !== CONNECTION_RESET && !isLatticeErrorType(error)) {
    throw new AdminInputError(`error must be one of ${[...LATTICE_ERROR_TYPES, CONNECTION_RESET].join(', ')}`);
  }
  if (commit !== undefined && typeof commit !== 'boolean') throw new AdminInputError('commit must be true or false');
  if (commit === true && error === undefined) throw new AdminInputError('a fault with commit needs an error');
  if (probability !== undefined && (typeof probability !== 'number' || !(probability >= 0 && probability <= 1))) {
    throw new AdminInputError('probability must be a number from 0 to 1');
  }
  const delayMs = count(body.delayMs, 'delayMs', 0);
  if (error === undefined && delayMs === 0) throw new AdminInputError('a fault needs an error or a delayMs > 0');
  return {
    id,
    operation,
    error,
    commit: commit === true,
    afterCalls: count(body.afterCalls, 'afterCalls', 0),
    times: body.times === undefined && probability !== undefined ? null : count(body.times, 'times', 1),
    probability,
    delayMs,
  };
}

export class FaultInjector {
  private rules: { readonly rule: FaultRule; matched: number; fired: number }[] = [];
  private lastId = 0;

  constructor(private readonly random: () => number = Math.random) {}

  add(body: unknown, operations: ReadonlySet<string>): FaultRule {
    const rule = parseFaultRule(body, `fault-${this.lastId + 1}`, operations);
    this.lastId += 1;
    this.rules.push({ rule, matched: 0, fired: 0 });
    return rule;
  }

  /** The rules, each with `fired`: how many calls it has hit so far. */
  list(): (FaultRule & { fired: number })[] {
    return this.rules.map((entry) => ({ ...entry.rule, fired: entry.fired }));
  }

  clear(): void {
    this.rules = [];
  }

  /**
   * Counts the call against every matching rule and returns what the firing rules ask for: their
   * delays add up, the first firing rule with an error decides the failure and whether it commits.
   */
  decide(operation: string): FaultDecision {
    let delayMs = 0;
    let failure: InjectedFailure | undefined;
    let commit = false;
    for (const entry of this.rules) {
      const { rule } = entry;
      if (rule.operation !== '*' && rule.operation !== operation) continue;
      entry.matched += 1;
      const position = entry.matched - rule.afterCalls;
      if (position < 1 || (rule.times !== null && position > rule.times)) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      entry.fired += 1;
      delayMs += rule.delayMs;
      if (failure === undefined && rule.error !== undefined) {
        failure = faultError(rule, rule.error, operation);
        commit = rule.commit;
      }
    }
    return { delayMs, failure, commit };
  }
}
