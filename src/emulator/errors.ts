/**
 * The error classes of the VPC Lattice API, one per error shape of the model, each with its HTTP
 * status and the members the SDK reads from the body. `errorType` is the stable name sent in
 * `x-amzn-errortype`; the SDK turns it into its typed exception of the same name.
 */

export const LATTICE_ERROR_STATUS = {
  ValidationException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ConflictException: 409,
  // 402 is what the model says (sic): the SDK maps the type from the header, not the status.
  ServiceQuotaExceededException: 402,
  ThrottlingException: 429,
  InternalServerException: 500,
} as const;

export type LatticeErrorType = keyof typeof LATTICE_ERROR_STATUS;

export const LATTICE_ERROR_TYPES = Object.keys(LATTICE_ERROR_STATUS) as LatticeErrorType[];

export function isLatticeErrorType(value: unknown): value is LatticeErrorType {
  return typeof value === 'string' && Object.hasOwn(LATTICE_ERROR_STATUS, value);
}

/** Members serialised into the JSON error body next to `message`. */
export type ErrorMembers = Readonly<Record<string, string | number | readonly ValidationField[]>>;

export class LatticeApiError extends Error {
  readonly errorType: LatticeErrorType;
  readonly status: number;
  readonly members: ErrorMembers;
  /** Sent as the `Retry-After` header (seconds) on throttling and internal errors. */
  readonly retryAfterSeconds: number | undefined;

  constructor(errorType: LatticeErrorType, message: string, members: ErrorMembers = {}, retryAfterSeconds?: number) {
    super(message);
    this.name = errorType;
    this.errorType = errorType;
    this.status = LATTICE_ERROR_STATUS[errorType];
    this.members = members;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export type ValidationReason = 'unknownOperation' | 'cannotParse' | 'fieldValidationFailed' | 'other';

export interface ValidationField {
  readonly name: string;
  readonly message: string;
}

export class ValidationError extends LatticeApiError {
  readonly reason: ValidationReason;
  readonly fieldList: readonly ValidationField[];

  constructor(reason: ValidationReason, message: string, fieldList: readonly ValidationField[] = []) {
    super('ValidationException', message, { reason, fieldList });
    this.reason = reason;
    this.fieldList = fieldList;
  }

  /** One failed field, with the AWS-style summary line. */
  static field(name: string, message: string): ValidationError {
    return new ValidationError('fieldValidationFailed', `1 validation error detected: ${message}`, [{ name, message }]);
  }
}

export class AccessDeniedError extends LatticeApiError {
  constructor(message: string) {
    super('AccessDeniedException', message);
  }
}

/** Resource types named in NotFound/Conflict/Quota errors. */
export type ResourceType =
  | 'SERVICE_NETWORK'
  | 'SERVICE'
  | 'LISTENER'
  | 'RULE'
  | 'TARGET_GROUP'
  | 'TARGET'
  | 'SERVICE_NETWORK_SERVICE_ASSOCIATION'
  | 'SERVICE_NETWORK_VPC_ASSOCIATION'
  | 'ACCESS_LOG_SUBSCRIPTION'
  | 'ACCESS_LOG_DESTINATION'
  | 'AUTH_POLICY'
  | 'RESOURCE_POLICY'
  | 'RESOURCE';

export class ResourceNotFoundError extends LatticeApiError {
  constructor(resourceType: ResourceType, resourceId: string, message?: string) {
    super('ResourceNotFoundException', message ?? `${resourceType} ${resourceId} was not found`, {
      resourceId,
      resourceType,
    });
  }
}

export class ConflictError extends LatticeApiError {
  constructor(resourceType: ResourceType, resourceId: string, message: string) {
    super('ConflictException', message, { resourceId, resourceType });
  }
}

export class ServiceQuotaExceededError extends LatticeApiError {
  constructor(resourceType: ResourceType, quotaCode: string, message: string, resourceId?: string) {
    super('ServiceQuotaExceededException', message, {
      resourceType,
      serviceCode: 'vpc-lattice',
      quotaCode,
      ...(resourceId === undefined ? {} : { resourceId }),
    });
  }
}

export class ThrottlingError extends LatticeApiError {
  constructor(message: string, retryAfterSeconds: number) {
    super('ThrottlingException', message, { serviceCode: 'vpc-lattice' }, retryAfterSeconds);
  }
}

export class InternalServerError extends LatticeApiError {
  constructor(message: string, retryAfterSeconds = 1) {
    super('InternalServerException', message, {}, retryAfterSeconds);
  }
}

/** Bad input to the emulator's own admin API (`/_emulator/...`): HTTP 400 with a JSON message. */
export class AdminInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdminInputError';
  }
}
