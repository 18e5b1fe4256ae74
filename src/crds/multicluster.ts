import type { CrdDefinition } from './schemas';

/** ServiceExport, ServiceImport and TargetGroupPolicy. */
export const MULTICLUSTER_CRDS: readonly CrdDefinition[] = [];
