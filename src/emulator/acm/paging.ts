/**
 * ListCertificates pages. The token names the position of the last certificate returned (its sort
 * key and `seq`), so the next page starts right after it in the same order.
 */
import { decodePageToken, encodePageToken, type Page } from '../pagination';
import { AcmError } from './errors';
import type { CertificateRecord } from './store';

export interface CertificateOrder {
  /** SortBy CREATED_AT; otherwise creation order (`seq`). */
  readonly byCreatedAt: boolean;
  readonly descending: boolean;
}

interface Position {
  readonly key: number;
  readonly seq: number;
}

function positionOf(record: CertificateRecord, order: CertificateOrder): Position {
  return { key: order.byCreatedAt ? record.createdAt : record.seq, seq: record.seq };
}

/** Negative when `a` comes first in `order`. */
function compare(a: Position, b: Position, order: CertificateOrder): number {
  const ascending = a.key - b.key || a.seq - b.seq;
  return order.descending ? -ascending : ascending;
}

const TOKEN_PAYLOAD = /^acm:(-?\d+(?:\.\d+)?):(\d+)$/;

function encode(position: Position): string {
  return encodePageToken(`acm:${position.key}:${position.seq}`);
}

function decode(token: string): Position {
  const match = TOKEN_PAYLOAD.exec(decodePageToken(token) ?? '');
  if (match === null) throw new AcmError('InvalidArgsException', 'The NextToken is not valid');
  return { key: Number(match[1]), seq: Number(match[2]) };
}

export function certificatePage(
  records: readonly CertificateRecord[],
  request: { readonly maxItems: number; readonly nextToken: string | undefined; readonly order: CertificateOrder },
): Page<CertificateRecord> {
  const { order, maxItems } = request;
  const after = request.nextToken === undefined ? undefined : decode(request.nextToken);
  const sorted = [...records].sort((a, b) => compare(positionOf(a, order), positionOf(b, order), order));
  const remaining = after === undefined ? sorted : sorted.filter((record) => compare(positionOf(record, order), after, order) > 0);
  const items = remaining.slice(0, maxItems);
  const last = items.at(-1);
  return { items, nextToken: remaining.length > maxItems && last !== undefined ? encode(positionOf(last, order)) : undefined };
}
