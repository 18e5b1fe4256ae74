/**
 * ACM's errors as the awsJson1_1 protocol carries them: `__type` names the shape (the SDK maps it
 * to its typed exception) and the status is the model's (httpError trait, else 400 for client
 * errors and 500 for server errors).
 */
import type { LatticeApiError } from '../errors';

const ACM_ERROR_STATUS = {
  AccessDeniedException: 403,
  ConflictException: 400,
  InternalServerException: 500,
  InvalidArgsException: 400,
  InvalidArnException: 400,
  InvalidParameterException: 400,
  InvalidTagException: 400,
  LimitExceededException: 400,
  ResourceInUseException: 400,
  ResourceNotFoundException: 400,
  ServiceQuotaExceededException: 400,
  ThrottlingException: 400,
  ValidationException: 400,
  // Raised by the AWS JSON framework itself rather than by ACM's model.
  SerializationException: 400,
  UnknownOperationException: 400,
} as const;

export type AcmErrorType = keyof typeof ACM_ERROR_STATUS;

export class AcmError extends Error {
  readonly errorType: AcmErrorType;
  readonly status: number;

  constructor(errorType: AcmErrorType, message: string) {
    super(message);
    this.name = errorType;
    this.errorType = errorType;
    this.status = ACM_ERROR_STATUS[errorType];
  }
}

/**
 * Errors raised on the path every call shares (auth, faults) are Lattice-typed; each of their names
 * is also an ACM error shape, so only the status and wire format change.
 */
export function acmErrorFrom(error: LatticeApiError): AcmError {
  return new AcmError(error.errorType, error.message);
}
