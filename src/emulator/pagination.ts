/**
 * List pagination. Tokens are opaque to callers; inside they name the last item returned (its
 * `seq`), so a page boundary survives items being created or deleted between calls.
 */
import { ValidationError } from './errors';

const TOKEN_PREFIX = 'lattice-emulator:';

export interface Page<T> {
  readonly items: T[];
  readonly nextToken: string | undefined;
}

/** An opaque pagination token carrying `payload`. */
export function encodePageToken(payload: string): string {
  return Buffer.from(`${TOKEN_PREFIX}${payload}`).toString('base64url');
}

/** The payload of a token made by `encodePageToken`; undefined for any other string. */
export function decodePageToken(token: string): string | undefined {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  return text.startsWith(TOKEN_PREFIX) ? text.slice(TOKEN_PREFIX.length) : undefined;
}

function encodeToken(seq: number): string {
  return encodePageToken(String(seq));
}

function decodeToken(token: string): number {
  const payload = decodePageToken(token);
  const seq = payload === undefined ? Number.NaN : Number(payload);
  if (!Number.isSafeInteger(seq) || seq < 0) throw ValidationError.field('nextToken', 'The nextToken is not valid');
  return seq;
}

export interface PageRequest {
  readonly maxResults?: number;
  readonly nextToken?: string;
}

function paginate<T extends { readonly seq: number }>(items: Iterable<T>, request: PageRequest, defaultPageSize: number): Page<T> {
  const after = request.nextToken === undefined ? 0 : decodeToken(request.nextToken);
  const size = request.maxResults ?? defaultPageSize;
  const remaining = [...items].filter((item) => item.seq > after).sort((a, b) => a.seq - b.seq);
  const page = remaining.slice(0, size);
  const last = page[page.length - 1];
  return { items: page, nextToken: remaining.length > size && last !== undefined ? encodeToken(last.seq) : undefined };
}

/** Query bindings of the paging members every List operation has. */
export const PAGING_QUERY = { maxResults: 'integer', nextToken: 'string' } as const;

/** A List response: one page of `items` rendered with `render`, plus `nextToken` when more remain. */
export function listOutput<T extends { readonly seq: number }, V>(
  items: Iterable<T>,
  request: PageRequest,
  defaultPageSize: number,
  render: (item: T) => V,
): { items: V[]; nextToken: string | undefined } {
  const page = paginate(items, request, defaultPageSize);
  return { items: page.items.map(render), nextToken: page.nextToken };
}
