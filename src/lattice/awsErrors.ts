/** Predicates on AWS SDK errors (by name, so they also hold across SDK copies). */

function nameOf(error: unknown): string | undefined {
  return (error as { name?: unknown } | null)?.name as string | undefined;
}

export function isNotFound(error: unknown): boolean {
  return nameOf(error) === 'ResourceNotFoundException';
}

export function isConflict(error: unknown): boolean {
  return nameOf(error) === 'ConflictException';
}

export function isAccessDenied(error: unknown): boolean {
  return nameOf(error) === 'AccessDeniedException';
}

/**
 * AWS asks to slow down: Lattice's and ACM's ThrottlingException, the tagging API's
 * ThrottledException, or anything the SDK marks throttling or answers 429.
 */
export function isThrottling(error: unknown): boolean {
  const e = error as { $retryable?: { throttling?: boolean }; $metadata?: { httpStatusCode?: number } } | null;
  const name = nameOf(error);
  return (
    name === 'ThrottlingException' ||
    name === 'ThrottledException' ||
    e?.$retryable?.throttling === true ||
    e?.$metadata?.httpStatusCode === 429
  );
}

export function isQuotaExceeded(error: unknown): boolean {
  return nameOf(error) === 'ServiceQuotaExceededException';
}

export function isValidation(error: unknown): boolean {
  return nameOf(error) === 'ValidationException';
}

/**
 * Lattice holds what the pass did not observe (a service adopted, a rule or listener of that name),
 * or lost what it observed (a target group deleted meanwhile): the next pass reads it again.
 */
export class Unobserved extends Error {}

/**
 * Lattice refused one change of an object for a reason its status can say and a later pass can
 * retry: a target group a rule names is used by another service or was deleted meanwhile, a target
 * group name is held by a group that is not ours, or rules of a BatchUpdateRule were not updated.
 * Never a hook failure.
 */
export class LatticeRefusal extends Error {
  readonly code: 'TargetGroupUnavailable' | 'TargetGroupNameTaken' | 'RulesNotUpdated';

  constructor(code: LatticeRefusal['code'], message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'LatticeRefusal';
    this.code = code;
  }
}

/** A refusal of a rule or listener write because of a target group it names (used elsewhere, gone). */
export function targetGroupRefusal(error: unknown): LatticeRefusal | undefined {
  if (!isConflict(error) && !isNotFound(error)) return undefined;
  if ((error as { resourceType?: unknown }).resourceType !== 'TARGET_GROUP') return undefined;
  return new LatticeRefusal('TargetGroupUnavailable', awsErrorMessage(error), error);
}

/** Lattice no longer has the service a call named (deleted since the pass read it, or took it as created). */
export function isServiceGone(error: unknown): boolean {
  return isNotFound(error) && (error as { resourceType?: unknown }).resourceType === 'SERVICE';
}

/** The error a failed listener or rule write stands for: a conflict on a rule or listener this pass did not read, or a target group it names refused. */
export function ruleWriteError(error: unknown): unknown {
  const type = (error as { resourceType?: unknown }).resourceType;
  if (isConflict(error) && (type === 'RULE' || type === 'LISTENER'))
    return new Unobserved(
      `VPC Lattice holds a ${String(type).toLowerCase()} this pass did not read (${awsErrorMessage(error)}); read again next pass`,
    );
  return targetGroupRefusal(error) ?? error;
}

/** Errors a user can act on: they become status conditions instead of failing the hook. */
export function isUserActionable(error: unknown): boolean {
  return isAccessDenied(error) || isQuotaExceeded(error) || isValidation(error) || error instanceof LatticeRefusal;
}

export function awsErrorMessage(error: unknown): string {
  if (error instanceof LatticeRefusal) return error.message;
  const e = error as { name?: string; message?: string };
  return `${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`;
}

/** Runs an AWS call where "not found" is an expected answer. */
export async function orUndefinedIfNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
