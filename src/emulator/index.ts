/** A local, in-memory Amazon VPC Lattice (restJson1) with STS GetCallerIdentity, ACM (awsJson1_1) and an admin API. */
export { startEmulator, type RunningEmulator } from './server';
export type { EmulatorOptions } from './runtime';
export { QUOTAS, type QuotaKey } from './quotas';
export { DEFAULT_PAGE_SIZE } from './settings';
