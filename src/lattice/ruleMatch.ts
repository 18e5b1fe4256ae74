import type { HeaderMatch, HttpMatch, PathMatch } from '@aws-sdk/client-vpc-lattice';
import { canonicalJson } from '../model/canonicalJson';

/**
 * Whether a rule in Lattice still matches what the route asks. A rule's name is derived from its
 * match, so a rule found by name matches unless it was edited out of band. Compared leniently
 * where Lattice might answer in its own words, so that a rule is never rewritten on every pass:
 * a `caseSensitive` Lattice leaves out counts as false (the API's default; as the one asked, it
 * would hide an edit to false answered without the field) and counts only for a value with
 * letters (`/` matches the same paths either way), no path match as the prefix `/` (both match
 * every path), header names compare without case (HTTP's rule), headers in any order, and an
 * empty list as none.
 */
export function matchHolds(desired: HttpMatch, observed: HttpMatch | undefined): boolean {
  if (observed === undefined) return false;
  if ((desired.method ?? '') !== (observed.method ?? '')) return false;
  const [want, got] = [desired.pathMatch ?? EVERY_PATH, observed.pathMatch ?? EVERY_PATH];
  if (!(sameValue(want.match, got.match) && sameCase(want, got))) return false;
  const wanted = [...(desired.headerMatches ?? [])].sort(byName);
  const found = [...(observed.headerMatches ?? [])].sort(byName);
  return wanted.length === found.length && wanted.every((w, i) => sameHeader(w, found[i]));
}

const EVERY_PATH: PathMatch = { match: { prefix: '/' } };
const headerName = (h: HeaderMatch) => (h.name ?? '').toLowerCase();
const byName = (a: HeaderMatch, b: HeaderMatch) => headerName(a).localeCompare(headerName(b));

function sameHeader(want: HeaderMatch, got: HeaderMatch | undefined): boolean {
  return got !== undefined && headerName(want) === headerName(got) && sameValue(want.match, got.match) && sameCase(want, got);
}

function sameValue(want: unknown, got: unknown): boolean {
  return canonicalJson(want ?? null) === canonicalJson(got ?? null);
}

/** The same case sensitivity, or a value (the same in both: compared before) that no case changes. */
function sameCase(want: PathMatch | HeaderMatch, got: PathMatch | HeaderMatch): boolean {
  const caseless = !Object.values(want.match ?? {}).some((value) => /[a-z]/i.test(String(value)));
  return caseless || (want.caseSensitive ?? false) === (got.caseSensitive ?? false);
}
