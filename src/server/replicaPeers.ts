import { lookup } from 'node:dns/promises';
import net from 'node:net';
import type { Logger } from '../log';

/** How long a resolution of REPLICA_PEERS stands, and the longest a caller waits for a new one (the last stands meanwhile). */
const PEERS_FRESH_MS = 5_000;
const RESOLVE_WAIT_MS = 1_000;
/** A replica not yet ready is not listed by the headless Service: past this, its absence is a misconfiguration. */
const LISTED_WITHIN_MS = 120_000;

export function hostAndPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(address.slice(at + 1)) };
}

function addressOf(ip: string, port: number): string {
  return net.isIPv6(ip) ? `[${ip}]:${port}` : `${ip}:${port}`;
}

type Scope = 'loopback' | 'link-local' | 'unspecified' | 'routable';

/** What kind of address an IP is; a name is `routable`. */
export function scopeOf(host: string): Scope {
  const ip = host.toLowerCase().replace(/^::ffff:(?=\d+\.)/, '');
  if (ip === '0.0.0.0' || ip === '::') return 'unspecified';
  if (/^127\./.test(ip) || ip === '::1') return 'loopback';
  if (/^169\.254\./.test(ip) || /^fe[89ab][0-9a-f]:/.test(ip)) return 'link-local';
  return 'routable';
}

/** The replicas as last resolved: the others' addresses, and whether any replica resolved at all (this one included). */
export interface ResolvedReplicas {
  others: ReadonlySet<string>;
  anyResolved: boolean;
}

/**
 * The other replicas' addresses (`ip:port`), from REPLICA_PEERS: each name resolved to every
 * address it has (a headless Service's name lists the ready pods). Only addresses of this
 * replica's own scope count: a pod's peers are routable pod IPs, so a DNS answer that points at
 * loopback, link-local (the instance metadata service) or the unspecified address sends nothing
 * there. One resolution at a time, however long the resolver takes; callers wait for it at most a
 * second and otherwise go on with the last set, which a resolution that fails altogether keeps.
 */
export class ReplicaPeers {
  #known: ResolvedReplicas & { atMs: number } = { others: new Set(), anyResolved: false, atMs: -Infinity };
  #resolving: Promise<void> | undefined;
  readonly #scope: Scope;
  #warnedUnlisted = false;

  constructor(
    private readonly self: string,
    private readonly names: readonly string[],
    private readonly log: Logger,
    /** When this replica started (epoch ms). */
    private readonly startedAtMs: number = Date.now(),
  ) {
    this.#scope = scopeOf(hostAndPort(self).host);
  }

  async resolved(): Promise<ResolvedReplicas> {
    if (Date.now() - this.#known.atMs < PEERS_FRESH_MS) return this.#known;
    this.#resolving ??= this.#resolve().finally(() => (this.#resolving = undefined));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#resolving, new Promise<void>((resolve) => (timer = setTimeout(resolve, RESOLVE_WAIT_MS)))]);
    clearTimeout(timer);
    return this.#known;
  }

  async #resolve(): Promise<void> {
    const addresses = new Set<string>();
    let failed = 0;
    await Promise.all(
      this.names.map(async (name) => {
        const { host, port } = hostAndPort(name);
        try {
          for (const { address } of await lookup(host, { all: true }))
            if (scopeOf(address) === this.#scope) addresses.add(addressOf(address, port));
        } catch (error) {
          failed++;
          this.log.warn({ peer: name, error: (error as Error).message }, 'cannot resolve REPLICA_PEERS');
        }
      }),
    );
    const atMs = Date.now();
    if (failed === this.names.length) this.#known = { ...this.#known, atMs };
    else {
      const anyResolved = addresses.size > 0;
      const listed = addresses.delete(this.self);
      this.#known = { others: addresses, anyResolved, atMs };
      this.#warnIfUnlisted(anyResolved && !listed, atMs);
    }
  }

  /** Once: the other replicas hand this one nothing, which a REPLICA_ADDRESS or REPLICA_PEERS set wrong would explain. */
  #warnIfUnlisted(unlisted: boolean, nowMs: number): void {
    if (!unlisted || this.#warnedUnlisted || nowMs - this.startedAtMs < LISTED_WITHIN_MS) return;
    this.#warnedUnlisted = true;
    this.log.warn(
      { address: this.self, peers: this.names },
      'REPLICA_ADDRESS is not among the addresses REPLICA_PEERS resolves to: no other replica hands this one a sync (check both variables)',
    );
  }
}
