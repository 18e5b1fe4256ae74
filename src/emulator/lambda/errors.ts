/**
 * Lambda's errors as its restJson1 wire carries them: the shape name in `x-amzn-errortype`, a
 * body `{"Type": "User"|"Service", "message"|"Message": …}` (the member's case is the model's),
 * the model's HTTP status, and Retry-After on TooManyRequestsException.
 */
import type { LatticeApiError } from '../errors';

const LAMBDA_ERRORS = {
  InvalidParameterValueException: { status: 400, member: 'message', type: 'User' },
  ResourceNotFoundException: { status: 404, member: 'Message', type: 'User' },
  ResourceConflictException: { status: 409, member: 'message', type: 'User' },
  PreconditionFailedException: { status: 412, member: 'message', type: 'User' },
  TooManyRequestsException: { status: 429, member: 'message', type: 'User' },
  ServiceException: { status: 500, member: 'Message', type: 'Service' },
  // Not a Lambda model shape: the signature and IAM layer's answer, as for every AWS API.
  AccessDeniedException: { status: 403, member: 'Message', type: 'User' },
} as const;

export type LambdaErrorType = keyof typeof LAMBDA_ERRORS;

export class LambdaError extends Error {
  readonly errorType: LambdaErrorType;
  readonly status: number;
  readonly retryAfterSeconds: number | undefined;

  constructor(errorType: LambdaErrorType, message: string, retryAfterSeconds?: number) {
    super(message);
    this.name = errorType;
    this.errorType = errorType;
    this.status = LAMBDA_ERRORS[errorType].status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  body(): Record<string, string> {
    const shape = LAMBDA_ERRORS[this.errorType];
    return { Type: shape.type, [shape.member]: this.message };
  }
}

/** Errors of the path every call shares (auth, faults) are Lattice-typed: Lambda's nearest shape. */
export function lambdaErrorFrom(error: LatticeApiError): LambdaError {
  switch (error.errorType) {
    case 'ThrottlingException':
    case 'ServiceQuotaExceededException':
      return new LambdaError('TooManyRequestsException', error.message, error.retryAfterSeconds ?? 1);
    case 'InternalServerException':
      return new LambdaError('ServiceException', error.message);
    case 'ConflictException':
      return new LambdaError('ResourceConflictException', error.message);
    case 'ResourceNotFoundException':
      return new LambdaError('ResourceNotFoundException', error.message);
    case 'ValidationException':
      return new LambdaError('InvalidParameterValueException', error.message);
    case 'AccessDeniedException':
      return new LambdaError('AccessDeniedException', error.message);
  }
}
