/**
 * Every failure the service reports has one stable code. Codes are part of the public contract
 * (hook error bodies, logs, CLI output); `docs/errors.md` lists them and a test keeps both in step.
 */
export const ERROR_CODES = {
  LGW_CONFIG_INVALID: 'A configuration variable is missing or invalid; the service does not start.',
  LGW_HOOK_INVALID_JSON: 'The hook request body is not valid JSON.',
  LGW_HOOK_INVALID_ENVELOPE: 'The hook request body does not have the shape of a Metacontroller hook request.',
  LGW_HOOK_BODY_TOO_LARGE: 'The hook request body exceeds BODY_LIMIT_BYTES.',
  LGW_HOOK_UNSUPPORTED_MEDIA_TYPE: 'The hook request is not application/json.',
  LGW_HOOK_NOT_FOUND: 'No controller or hook is served at this path.',
  LGW_HOOK_UNAUTHORIZED: 'HOOK_AUTH_TOKEN is set and the request does not carry it as a bearer token.',
  LGW_HOOK_RETRY_LATER: 'AWS is throttling or briefly unavailable; the hook answers 429 with Retry-After so Metacontroller retries.',
  LGW_AWS_UNAVAILABLE: 'A hook needed AWS but the server was started without AWS clients (a programming error in tests or embedding).',
  LGW_HOOK_INTERNAL: 'An unexpected error; the response carries an error id that is also logged.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Base class of the project's errors: a stable `code` and, for hook errors, an HTTP status. */
export class LatticeGwError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;

  constructor(code: ErrorCode, message: string, options: { statusCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LatticeGwError';
    this.code = code;
    this.statusCode = options.statusCode ?? 500;
  }
}

/** A configuration problem, reported as one line naming the variable. */
export class ConfigError extends LatticeGwError {
  readonly variable: string;

  constructor(variable: string, problem: string) {
    super('LGW_CONFIG_INVALID', `${variable}: ${problem}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

/** A request the hook cannot process; `path` names the offending field (JSON pointer). */
export class HookRequestError extends LatticeGwError {
  readonly path: string;

  constructor(code: ErrorCode, statusCode: number, message: string, path = '') {
    super(code, message, { statusCode });
    this.name = 'HookRequestError';
    this.path = path;
  }
}

/** Not a failure of the object: answer 429 with Retry-After so Metacontroller re-queues without backoff. */
export class RetryLaterError extends LatticeGwError {
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number, cause?: unknown) {
    super('LGW_HOOK_RETRY_LATER', message, { statusCode: 429, cause });
    this.name = 'RetryLaterError';
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}
