import type { CrdDefinition } from './schemas';

/** IAMAuthPolicy and AccessLogPolicy. */
export const POLICY_CRDS: readonly CrdDefinition[] = [];
