/**
 * Fault rules of `POST /_emulator/faults`: among the calls matching `operation`, the first
 * `afterCalls` pass, then each of the next `times` fails with `error` (with chance `probability`)
 * and/or is delayed by `delayMs`.
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

export interface FaultRule {
  readonly id: string;
  /** An operation name, or `*` for every Lattice and STS operation. */
  readonly operation: string;
  readonly error: LatticeErrorType | undefined;
  readonly afterCalls: number;
  /** null: no limit (the default when `probability` is given). */
  readonly times: number | null;
  readonly probability: number | undefined;
  readonly delayMs: number;
}

export interface FaultDecision {
  readonly delayMs: number;
  readonly error: LatticeApiError | undefined;
}

/** Retry-After of injected throttling and internal errors, in seconds. */
const INJECTED_RETRY_AFTER_SECONDS = 1;

function faultError(rule: FaultRule, errorType: LatticeErrorType, operation: string): LatticeApiError {
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

const RULE_KEYS = ['operation', 'error', 'afterCalls', 'times', 'probability', 'delayMs'];

function parseFaultRule(body: unknown, id: string, operations: ReadonlySet<string>): FaultRule {
  if (!isRecord(body)) throw new AdminInputError('the body must be a JSON object');
  const unknownKeys = Object.keys(body).filter((key) => !RULE_KEYS.includes(key));
  if (unknownKeys.length > 0) throw new AdminInputError(`unknown key(s) ${unknownKeys.join(', ')}; allowed: ${RULE_KEYS.join(', ')}`);
  const { operation, error, probability } = body;
  if (typeof operation !== 'string' || (operation !== '*' && !operations.has(operation))) {
    throw new AdminInputError(`operation must be "*" or one of the emulated operations, e.g. CreateRule; got ${JSON.stringify(operation)}`);
  }
  if (error !== undefined && !isLatticeErrorType(error)) {
    throw new AdminInputError(`error must be one of ${LATTICE_ERROR_TYPES.join(', ')}`);
  }
  if (probability !== undefined && (typeof probability !== 'number' || !(probability >= 0 && probability <= 1))) {
    throw new AdminInputError('probability must be a number from 0 to 1');
  }
  const delayMs = count(body.delayMs, 'delayMs', 0);
  if (error === undefined && delayMs === 0) throw new AdminInputError('a fault needs an error or a delayMs > 0');
  return {
    id,
    operation,
    error,
    afterCalls: count(body.afterCalls, 'afterCalls', 0),
    times: body.times === undefined && probability !== undefined ? null : count(body.times, 'times', 1),
    probability,
    delayMs,
  };
}

export class FaultInjector {
  private rules: { readonly rule: FaultRule; matched: number }[] = [];
  private lastId = 0;

  constructor(private readonly random: () => number = Math.random) {}

  add(body: unknown, operations: ReadonlySet<string>): FaultRule {
    const rule = parseFaultRule(body, `fault-${this.lastId + 1}`, operations);
    this.lastId += 1;
    this.rules.push({ rule, matched: 0 });
    return rule;
  }

  list(): FaultRule[] {
    return this.rules.map((entry) => entry.rule);
  }

  clear(): void {
    this.rules = [];
  }

  /** Counts the call against every matching rule and returns what the firing rules ask for. */
  decide(operation: string): FaultDecision {
    let delayMs = 0;
    let error: LatticeApiError | undefined;
    for (const entry of this.rules) {
      const { rule } = entry;
      if (rule.operation !== '*' && rule.operation !== operation) continue;
      entry.matched += 1;
      const position = entry.matched - rule.afterCalls;
      if (position < 1 || (rule.times !== null && position > rule.times)) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      delayMs += rule.delayMs;
      if (error === undefined && rule.error !== undefined) error = faultError(rule, rule.error, operation);
    }
    return { delayMs, error };
  }
}
