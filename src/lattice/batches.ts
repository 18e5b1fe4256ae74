/** `items` in consecutive slices of at most `size`: the batch limits of Lattice's list-taking calls. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** RegisterTargets and DeregisterTargets take at most 100 targets. */
export const TARGETS_PER_CALL = 100;
