/**
 * Every failure the service reports has one stable code. Codes are part of the public contract
 * (hook error bodies, logs, CLI output). This registry is the one place that says which HTTP
 * status answers each code and what it means; `docs/errors.md` lists the same and a test keeps
 * both in step.
 */
export interface ErrorDefinition {
  /** The status of the HTTP answer, or null for a code no HTTP answer carries. */
  readonly statusCode: number | null;
  readonly description: string;
}

export const ERROR_CODES = {
  LGW_CONFIG_INVALID: {
    statusCode: null,
    description:
      'A configuration variable is missing or invalid. lattice-gw serve prints one line naming the variable and exits with code 2.',
  },
  LGW_HOOK_INVALID_JSON: {
    statusCode: 400,
    description: 'The hook request body is not valid JSON (path is /).',
  },
  LGW_HOOK_INVALID_ENVELOPE: {
    statusCode: 400,
    description:
      'The body does not have the shape of a Metacontroller hook request; path is a JSON pointer to the offending field, e.g. /object/metadata/name.',
  },
  LGW_HOOK_INVALID_OBJECT: {
    statusCode: 400,
    description:
      'An object of the request (the hook object or a related one) has a field of the wrong shape for its kind, e.g. spec.parentRefs that is not a list; path points at the field, e.g. /object/spec/parentRefs.',
  },
  LGW_HOOK_BODY_TOO_LARGE: {
    statusCode: 413,
    description: 'The body exceeds BODY_LIMIT_BYTES (default 16 MiB). Metacontroller retries with backoff; raise the limit.',
  },
  LGW_HOOK_UNSUPPORTED_MEDIA_TYPE: {
    statusCode: 415,
    description: 'The request is not application/json.',
  },
  LGW_HOOK_NOT_FOUND: {
    statusCode: 404,
    description:
      'No controller or hook is served at this path (a path that is not valid URL encoding included). Under /hooks/ the message lists the served controllers, once the caller has passed authentication.',
  },
  LGW_DIRECTORY_UNAUTHORIZED: {
    statusCode: 401,
    description:
      'DIRECTORY_AUTH_TOKEN is set and a request to the directory page API (/api/) does not carry Authorization: Bearer <token>.',
  },
  LGW_DIRECTORY_HOST_REFUSED: {
    statusCode: 421,
    description:
      "DIRECTORY_AUTH_TOKEN is not set and a request to the directory page names a domain (Host header other than localhost or an IP address): a web page that rebinds its own domain to the page's address could otherwise read the directory from the browser of whoever opens it. Reach the page by localhost or IP address, or set a token.",
  },
  LGW_HOOK_UNAUTHORIZED: {
    statusCode: 401,
    description:
      'HOOK_AUTH_TOKEN is set and the request does not carry Authorization: Bearer <token>. Every request the router sends to a hook or under /hooks/, whatever the spelling of its path, is checked.',
  },
  LGW_REPLICA_MISMATCH: {
    statusCode: 409,
    description:
      'Another replica handed over a hook request (x-lattice-forwarded-by) but is configured differently (x-lattice-replica-config), as during a rollout that changes the configuration: this replica does not answer it, and the sender makes the pass itself.',
  },
  LGW_REPLICA_NO_PICTURE: {
    statusCode: 409,
    description:
      "Another replica handed over a route's sync because this replica's pass wrote last, but this replica no longer holds that pass's picture of Lattice (it restarted, or the route settled since): the sender makes the pass itself.",
  },
  LGW_HOOK_RETRY_LATER: {
    statusCode: 429,
    description:
      'AWS is throttling or briefly unavailable, or the server is shutting down. The response carries Retry-After (whole seconds, 1 to 300, whatever AWS asked); Metacontroller re-queues the object after that delay without an error event.',
  },
  LGW_HOOK_BAD_REQUEST: {
    statusCode: 400,
    description:
      'The request is not valid HTTP (a malformed request line or header, Content-Length together with Transfer-Encoding). Answered before any route sees it; the connection is closed.',
  },
  LGW_HOOK_REQUEST_TIMEOUT: {
    statusCode: 408,
    description: "The request's headers did not arrive within 10 s, or its body within 30 s. The connection is closed.",
  },
  LGW_HOOK_HEADERS_TOO_LARGE: {
    statusCode: 431,
    description: "The request's headers exceed 16 KiB. The connection is closed.",
  },
  LGW_AWS_UNAVAILABLE: {
    statusCode: 500,
    description:
      'A hook needed AWS but the server was started without AWS clients (only possible when embedding the app factory without them). Answered as LGW_HOOK_INTERNAL; the code is in the error log line.',
  },
  LGW_HOOK_INTERNAL: {
    statusCode: 500,
    description:
      'An unexpected error. The body carries an errorId that is also in the error log line (with the stack); nothing else is revealed.',
  },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The HTTP status of a code; a code without one is an internal error if it ever reaches a request. */
export function statusCodeOf(code: ErrorCode): number {
  return ERROR_CODES[code].statusCode ?? ERROR_CODES.LGW_HOOK_INTERNAL.statusCode;
}

/** Base class of the project's errors: a stable `code`, and the HTTP status the registry gives it. */
export class LatticeGwError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LatticeGwError';
    this.code = code;
    this.statusCode = statusCodeOf(code);
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

  constructor(code: ErrorCode, message: string, path = '') {
    super(code, message);
    this.name = 'HookRequestError';
    this.path = path;
  }
}

/** The longest Retry-After a hook answers: a wrong or hostile value from AWS must not park an object for a day. */
const MAX_RETRY_LATER_SECONDS = 300;

/** Not a failure of the object: answer 429 with Retry-After so Metacontroller re-queues without backoff. */
export class RetryLaterError extends LatticeGwError {
  /** Whole seconds, 1 to MAX_RETRY_LATER_SECONDS (1 for a value that is no number). */
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number, cause?: unknown) {
    super('LGW_HOOK_RETRY_LATER', message, { cause });
    this.name = 'RetryLaterError';
    this.retryAfterSeconds = Number.isFinite(retryAfterSeconds)
      ? Math.min(MAX_RETRY_LATER_SECONDS, Math.max(1, Math.ceil(retryAfterSeconds)))
      : 1;
  }
}
