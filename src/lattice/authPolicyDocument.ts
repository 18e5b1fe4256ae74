import { canonicalJson } from '../model/canonicalJson';

/** VPC Lattice's auth policy size quota: 10 KB, not adjustable. */
export const MAX_AUTH_POLICY_BYTES = 10 * 1024;

export type AuthPolicyDocument = { ok: true; document: string } | { ok: false; problem: string };

/**
 * The IAMAuthPolicy's `spec.policy` as Lattice wants it: a JSON object on one line (Lattice refuses
 * newlines), at most 10 KB once compacted. Problems never quote the document: it may name
 * principals and conditions, and conditions end up in logs and events.
 */
export function compactAuthPolicy(policy: unknown): AuthPolicyDocument {
  if (typeof policy !== 'string' || policy.trim() === '')
    return { ok: false, problem: 'spec.policy is required: an IAM policy document (JSON)' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch {
    return { ok: false, problem: 'spec.policy is not valid JSON' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, problem: 'spec.policy must be a JSON object (an IAM policy document)' };
  }
  const document = JSON.stringify(parsed);
  const bytes = Buffer.byteLength(document, 'utf8');
  if (bytes > MAX_AUTH_POLICY_BYTES) {
    return {
      ok: false,
      problem: `spec.policy is ${bytes} bytes once compacted; VPC Lattice accepts at most ${MAX_AUTH_POLICY_BYTES} bytes (10 KB)`,
    };
  }
  return { ok: true, document };
}

/** Whether two policy documents say the same (whitespace and key order aside). */
export function sameAuthPolicy(a: string, b: string): boolean {
  try {
    return canonicalJson(JSON.parse(a)) === canonicalJson(JSON.parse(b));
  } catch {
    return a === b;
  }
}
