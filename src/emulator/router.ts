/**
 * Maps a request to an operation by method and URI template, and gathers its raw input from path
 * labels, query string and JSON body. Paths are split on `/` before percent-decoding, so an ARN
 * label (`arn%3Aaws%3A…%3Aservice%2Fsvc-…`) stays one segment, as the SDK intends.
 */
import { ValidationError } from './errors';
import type { HttpMethod, Operation } from './operation';

type Segment = { readonly literal: string } | { readonly label: string };

interface Route {
  readonly operation: Operation;
  readonly segments: readonly Segment[];
}

export interface RouteMatch {
  readonly operation: Operation;
  readonly labels: Readonly<Record<string, string>>;
}

function compile(operation: Operation): Route {
  const segments = operation.uri
    .slice(1)
    .split('/')
    .map((part): Segment => (part.startsWith('{') && part.endsWith('}') ? { label: part.slice(1, -1) } : { literal: part }));
  return { operation, segments };
}

function decodePath(rawPath: string): string[] {
  try {
    return rawPath.slice(1).split('/').map(decodeURIComponent);
  } catch {
    throw new ValidationError('cannotParse', `The request path ${rawPath} is not valid percent-encoding`);
  }
}

export class Router {
  private readonly routes: readonly Route[];

  constructor(operations: readonly Operation[]) {
    this.routes = operations.map(compile);
  }

  match(method: string, rawPath: string): RouteMatch | undefined {
    const parts = decodePath(rawPath);
    for (const route of this.routes) {
      if (route.operation.method !== method || route.segments.length !== parts.length) continue;
      const labels: Record<string, string> = {};
      const matches = route.segments.every((segment, index) => {
        const part = parts[index] ?? '';
        if ('literal' in segment) return segment.literal === part;
        labels[segment.label] = part;
        return part !== '';
      });
      if (matches) return { operation: route.operation, labels };
    }
    return undefined;
  }
}

const BODY_METHODS: readonly HttpMethod[] = ['POST', 'PUT', 'PATCH'];

function parseBody(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new ValidationError('cannotParse', 'The request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ValidationError('cannotParse', 'The request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** Body members, then query members, then path labels (later sources win on a name clash). */
export function gatherInput(match: RouteMatch, query: URLSearchParams, body: string): Record<string, unknown> {
  const input: Record<string, unknown> = BODY_METHODS.includes(match.operation.method) ? parseBody(body) : {};
  for (const [name, binding] of Object.entries(match.operation.query)) {
    const values = query.getAll(name);
    const first = values[0];
    if (first === undefined) continue;
    if (binding === 'list') input[name] = values;
    // A non-integer stays a string, so validation reports it as unparseable.
    else if (binding === 'integer') input[name] = /^-?\d+$/.test(first) ? Number(first) : first;
    else input[name] = first;
  }
  return { ...input, ...match.labels };
}
