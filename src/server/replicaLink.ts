import { X509Certificate } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import type { ReplicaAccess } from '../controllers/types';
import { RetryLaterError } from '../errors';
import type { Logger } from '../log';

/** The header of a hook request one replica hands to another: the sender's address. Such a request is never handed on. */
export const FORWARDED_BY_HEADER = 'x-lattice-forwarded-by';

/** The header of a handed request: the milliseconds the sender still waits for the answer. */
export const WAITS_MS_HEADER = 'x-lattice-waits-ms';

/** Kept of what the sender waits for: the answer must travel back in time. */
const TRAVEL_MARGIN_MS = 100;

/**
 * The deadline of a hook request that arrived at `arrivedMs`: HOOK_DEADLINE_MS, or sooner when
 * another replica handed it over and waits less (an answer after that would be lost).
 */
export function deadlineOf(headers: Record<string, string | string[] | undefined>, arrivedMs: number, hookDeadlineMs: number): number {
  const waits = headers[WAITS_MS_HEADER];
  const waitsMs = typeof waits === 'string' && /^\d{1,9}$/.test(waits) ? Number(waits) : hookDeadlineMs;
  return arrivedMs + Math.max(1, Math.min(hookDeadlineMs, waitsMs));
}

/** How long a resolution of REPLICA_PEERS stands, and the longest one may take (the last one stands meanwhile). */
const PEERS_FRESH_MS = 5_000;
const RESOLVE_TIMEOUT_MS = 1_000;
/** A replica that does not take a connection within this is treated as gone. */
const CONNECT_TIMEOUT_MS = 1_000;
/** Kept of the hook's deadline to answer 429 when the other replica has not answered. */
const ANSWER_MARGIN_MS = 250;
/** How long the certificate a TLS replica must present is read from TLS_CERT_FILE before it is read again (see tlsReload). */
const CERTIFICATE_FRESH_MS = 60_000;

/** One hook request as it is handed to another replica. */
export interface HandedRequest {
  /** `/hooks/<controller>/<hook>`. */
  path: string;
  body: unknown;
  /** The caller's, passed on: replicas share HOOK_AUTH_TOKEN. */
  authorization: string | undefined;
  deadline: number;
  log: Logger;
}

type PeerAnswer = { status: number; retryAfter: string | undefined; text: string };

function hostAndPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(address.slice(at + 1)) };
}

function addressOf(ip: string, port: number): string {
  return net.isIPv6(ip) ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/**
 * The replicas of one Deployment behind the hook Service, as this replica knows them: its own
 * address (REPLICA_ADDRESS, what its marks name) and the others' (REPLICA_PEERS resolved, e.g. a
 * headless Service's name, which lists the ready pods). A sync of a route still converging from
 * another replica's pass is handed to that replica, which holds the pass's picture of Lattice
 * (see passMark): only to an address that resolution gives, so a mark written by hand sends
 * nothing anywhere else. With TLS, the other replica must present this replica's own certificate.
 */
export class ReplicaLink {
  #peers: { addresses: ReadonlySet<string>; atMs: number } = { addresses: new Set(), atMs: -Infinity };
  #resolving: Promise<ReadonlySet<string>> | undefined;
  #certificate: { der: Buffer | undefined; atMs: number } = { der: undefined, atMs: -Infinity };

  constructor(
    readonly address: string,
    private readonly peerNames: readonly string[],
    private readonly log: Logger,
    /** TLS_CERT_FILE when the replicas speak HTTPS. */
    private readonly certificateFile?: string,
  ) {}

  /** What one hook invocation may ask (`handedOver`: it came from another replica, and goes no further). */
  accessFor(request: HandedRequest, handedOver: boolean): ReplicaAccess {
    return handedOver ? { address: this.address } : { address: this.address, forward: (peer) => this.forward(peer, request) };
  }

  /** The other replicas' addresses: resolved at most every PEERS_FRESH_MS; a name that does not resolve adds none. */
  async peers(): Promise<ReadonlySet<string>> {
    if (Date.now() - this.#peers.atMs < PEERS_FRESH_MS) return this.#peers.addresses;
    this.#resolving ??= this.#resolve().finally(() => (this.#resolving = undefined));
    return this.#resolving;
  }

  async #resolve(): Promise<ReadonlySet<string>> {
    const addresses = new Set<string>();
    await Promise.all(
      this.peerNames.map(async (name) => {
        const { host, port } = hostAndPort(name);
        try {
          const found = await Promise.race([
            lookup(host, { all: true }),
            new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), RESOLVE_TIMEOUT_MS).unref()),
          ]);
          for (const { address } of found) addresses.add(addressOf(address, port));
        } catch (error) {
          this.log.warn(
            { peer: name, error: (error as Error).message },
            'cannot resolve REPLICA_PEERS: its replicas get no hook request handed over',
          );
        }
      }),
    );
    addresses.delete(this.address);
    this.#peers = { addresses, atMs: Date.now() };
    return addresses;
  }

  async forward(peer: string, request: HandedRequest): Promise<object | undefined> {
    const { log } = request;
    if (!(await this.peers()).has(peer)) return undefined;
    let answer: PeerAnswer;
    try {
      answer = await this.#post(peer, request);
    } catch (error) {
      if (error instanceof RetryLaterError) throw error;
      log.warn({ peer, error: (error as Error).message }, 'the replica that wrote last cannot be reached: this one makes the pass');
      return undefined;
    }
    if (answer.status === 429)
      throw new RetryLaterError(`the replica at ${peer} that holds this object's pass asks to retry later`, Number(answer.retryAfter));
    const body = answer.status === 200 ? parsedObject(answer.text) : undefined;
    if (body === undefined)
      log.warn(
        { peer, status: answer.status, answer: answer.text.slice(0, 300) },
        'the replica that wrote last failed: this one makes the pass',
      );
    return body;
  }

  async #post(peer: string, request: HandedRequest): Promise<PeerAnswer> {
    const socket = await this.#connect(peer);
    const payload = Buffer.from(JSON.stringify(request.body));
    const waitMs = Math.max(100, request.deadline - Date.now() - ANSWER_MARGIN_MS);
    return new Promise<PeerAnswer>((resolve, reject) => {
      const outgoing = http.request(
        {
          method: 'POST',
          path: request.path,
          createConnection: () => socket,
          headers: {
            'content-type': 'application/json',
            'content-length': payload.length,
            connection: 'close',
            [FORWARDED_BY_HEADER]: this.address,
            [WAITS_MS_HEADER]: String(Math.max(1, waitMs - TRAVEL_MARGIN_MS)),
            ...(request.authorization !== undefined ? { authorization: request.authorization } : {}),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            clearTimeout(timer);
            const retryAfter = response.headers['retry-after'];
            resolve({ status: response.statusCode ?? 0, retryAfter, text: Buffer.concat(chunks).toString('utf8') });
          });
          response.on('error', reject);
        },
      );
      // The replica has the request and may be at work on it: a second pass here would race it.
      const timer = setTimeout(
        () => outgoing.destroy(new RetryLaterError(`the replica at ${peer} that holds this object's pass did not answer in time`, 1)),
        waitMs,
      );
      outgoing.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      outgoing.end(payload);
    });
  }

  /** A connection to `peer`, over TLS when the server speaks it, checked before a byte of the request is sent. */
  async #connect(peer: string): Promise<net.Socket> {
    const { host, port } = hostAndPort(peer);
    const expected = this.certificateFile === undefined ? undefined : await this.#ownCertificate();
    return new Promise<net.Socket>((resolve, reject) => {
      const socket =
        this.certificateFile === undefined ? net.connect({ host, port }) : tls.connect({ host, port, rejectUnauthorized: false });
      const fail = (error: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      };
      const timer = setTimeout(() => fail(new Error(`no connection within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
      socket.once('error', fail);
      socket.once(this.certificateFile === undefined ? 'connect' : 'secureConnect', () => {
        const presented = socket instanceof tls.TLSSocket ? socket.getPeerCertificate().raw : undefined;
        if (expected !== undefined && !(presented !== undefined && presented.equals(expected)))
          return fail(new Error('it does not present this replica’s certificate'));
        clearTimeout(timer);
        socket.off('error', fail);
        resolve(socket);
      });
    });
  }

  /** The DER of TLS_CERT_FILE's first certificate (read again after CERTIFICATE_FRESH_MS: it may have been renewed). */
  async #ownCertificate(): Promise<Buffer> {
    if (this.certificateFile !== undefined && Date.now() - this.#certificate.atMs >= CERTIFICATE_FRESH_MS) {
      try {
        this.#certificate = { der: new X509Certificate(await readFile(this.certificateFile)).raw, atMs: Date.now() };
      } catch (error) {
        this.log.warn({ error: (error as Error).message }, 'cannot read TLS_CERT_FILE: no hook request is handed to another replica');
        this.#certificate = { der: undefined, atMs: Date.now() };
      }
    }
    // Without a certificate to compare with, no replica is trusted.
    return this.#certificate.der ?? Buffer.alloc(0);
  }
}

function parsedObject(text: string): object | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
