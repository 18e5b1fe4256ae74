import { createHash, timingSafeEqual } from 'node:crypto';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * True when `authorization` is `Bearer <token>`. Both sides are hashed first so the comparison
 * takes the same time whatever the length or content of the presented value.
 */
export function bearerTokenMatches(authorization: string | undefined, token: string): boolean {
  const match = authorization === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
  const presented = match?.[1] ?? '';
  const equal = timingSafeEqual(digest(presented), digest(token));
  return equal && match !== null;
}
