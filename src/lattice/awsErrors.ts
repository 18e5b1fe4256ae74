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

export function isQuotaExceeded(error: unknown): boolean {
  return nameOf(error) === 'ServiceQuotaExceededException';
}

export function isValidation(error: unknown): boolean {
  return nameOf(error) === 'ValidationException';
}

/** Errors a user can act on: they become status conditions instead of failing the hook. */
export function isUserActionable(error: unknown): boolean {
  return isAccessDenied(error) || isQuotaExceeded(error) || isValidation(error);
}

export function awsErrorMessage(error: unknown): string {
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
