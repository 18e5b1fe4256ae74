/**
 * The access log destinations that exist outside Lattice (S3 buckets, CloudWatch Logs groups,
 * Firehose delivery streams). By default every destination exists. Once some are declared
 * (`POST /_emulator/destinations`), only those do, and Create/UpdateAccessLogSubscription to any
 * other fails the way AWS fails it; `DELETE /_emulator/destinations` goes back to the default.
 */
import { AdminInputError } from './errors';

export interface DestinationsSnapshot {
  /** `any`: every destination exists; `declared`: only the listed ones. */
  readonly mode: 'any' | 'declared';
  readonly destinations: readonly string[];
}

/**
 * The resource an ARN names: a log group ARN with or without CloudWatch's `:*` suffix, a bucket
 * with or without a key prefix.
 */
function resourceOf(arn: string): string {
  const parts = arn.split(':');
  if (parts[2] === 'logs') return arn.replace(/:\*$/, '');
  if (parts[2] === 's3') return arn.replace(/^(arn:[^:]*:s3:::[^/]+)\/.*$/, '$1');
  return arn;
}

export class AccessLogDestinations {
  #declared: Set<string> | undefined;

  /** Declares destinations that exist; from then on, only declared ones do. */
  declare(body: unknown): DestinationsSnapshot {
    const arns = (body as { arns?: unknown } | null)?.arns;
    if (!Array.isArray(arns) || arns.some((arn) => typeof arn !== 'string' || !arn.startsWith('arn:'))) {
      throw new AdminInputError('the body must be {"arns": ["arn:…", …]}: the destinations that exist');
    }
    this.#declared ??= new Set();
    for (const arn of arns as string[]) this.#declared.add(resourceOf(arn));
    return this.snapshot();
  }

  /** Every destination exists again. */
  clear(): void {
    this.#declared = undefined;
  }

  exists(arn: string): boolean {
    return this.#declared === undefined || this.#declared.has(resourceOf(arn));
  }

  snapshot(): DestinationsSnapshot {
    return this.#declared === undefined ? { mode: 'any', destinations: [] } : { mode: 'declared', destinations: [...this.#declared] };
  }
}
