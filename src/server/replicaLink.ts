import { createHash, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import type { Config } from '../config';
import type { ReplicaAccess, ReplicaAnswer } from '../controllers/types';
import { LatticeGwError, RetryLaterError } from '../errors';
import type { Logger } from '../log';
import { FIRST_PASSES_WITHIN_MS } from '../controllers/convergingPasses';
import { ExpiringSet } from '../lattice/expiringSet';
import { hostAndPort, ReplicaPeers } from './replicaPeers';

/** The headers of a hook request one replica hands to another: the sender's address, its configuration, how long it waits. */
export const FORWARDED_BY_HEADER = 'x-lattice-forwarded-by';
export const REPLICA_CONFIG_HEADER = 'x-lattice-replica-config';
export const WAITS_MS_HEADER = 'x-lattice-waits-ms';

/** A replica that does not take a connection within this is treated as gone. */
const CONNECT_TIMEOUT_MS = 1_000;
/**
 * Kept of the hook's deadline to answer 429 when the other replica has not answered, and of that
 * for the other's answer: building it (after its last AWS call) and its way back.
 */
const ANSWER_MARGIN_MS = 250;
const TRAVEL_MARGIN_MS = 500;
/** A route's answer is a few kilobytes: a longer one is not read. */
const MAX_ANSWER_BYTES = 1024 * 1024;
/** How long the certificate a TLS replica must present is read from TLS_CERT_FILE before it is read again (see tlsReload). */
const CERTIFICATE_FRESH_MS = 60_000;

/**
 * A digest of the configuration that shapes hook answers. A replica answers only requests handed
 * over by replicas configured like it: during a rollout that changes, say, EXTERNAL_DNS_ENDPOINTS,
 * an answer without the DNSEndpoints would have Metacontroller delete them.
 */
export function replicaConfigDigest(config: Config): string {
  const shaping = [
    config.backend,
    config.awsRegion,
    config.awsAccountId,
    config.clusterName,
    config.clusterVpcId,
    config.controllerName,
    config.rulesPerListener,
    config.listenersPerService,
    config.externalDnsEndpoints,
    config.driftCheckSeconds,
  ];
  return createHash('sha256').update(JSON.stringify(shaping)).digest('hex').slice(0, 16);
}

/**
 * Whether a hook request was handed over by another replica (it goes no further). One from a
 * replica configured otherwise is refused (LGW_REPLICA_MISMATCH): the sender makes the pass.
 */
export function handedOver(headers: Record<string, string | string[] | undefined>, configDigest: string): boolean {
  if (headers[FORWARDED_BY_HEADER] === undefined) return false;
  if (headers[REPLICA_CONFIG_HEADER] !== configDigest)
    throw new LatticeGwError(
      'LGW_REPLICA_MISMATCH',
      'handed over by a replica configured otherwise than this one: it makes the pass itself',
    );
  return true;
}

/**
 * The deadline of a hook request that arrived at `arrivedMs`: HOOK_DEADLINE_MS, or sooner when
 * another replica handed it over and waits less (an answer after that would be lost).
 */
export function deadlineOf(headers: Record<string, string | string[] | undefined>, arrivedMs: number, hookDeadlineMs: number): number {
  const waits = headers[FORWARDED_BY_HEADER] === undefined ? undefined : headers[WAITS_MS_HEADER];
  const waitsMs = typeof waits === 'string' && /^\d{1,9}$/.test(waits) ? Number(waits) : hookDeadlineMs;
  return arrivedMs + Math.max(1, Math.min(hookDeadlineMs, waitsMs));
}

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

/** The other replica failed before it had the whole request: it cannot be at work on it. */
class NotTaken extends Error {}

/**
 * The replicas of one Deployment behind the hook Service, as this replica knows them: its own
 * address (REPLICA_ADDRESS, what its marks name) and the others' (see ReplicaPeers). A sync of a
 * route still converging from another replica's pass is handed to that replica, which holds the
 * pass's picture of Lattice (see passMark): only to an address REPLICA_PEERS resolves to, so a
 * mark written by hand sends nothing anywhere else. With TLS, the other replica must present this
 * replica's own certificate before a byte of the request is sent.
 */
export class ReplicaLink {
  readonly address: string;
  readonly #peers: ReplicaPeers;
  readonly #configDigest: string;
  /** TLS_CERT_FILE when the replicas speak HTTPS. */
  readonly #certificateFile: string | undefined;
  #certificate: { der: Buffer | undefined; atMs: number } = { der: undefined, atMs: -Infinity };

  /** The syncs a replica declined for want of a picture, by object and mark: not asked again. */
  readonly #declined = new ExpiringSet(FIRST_PASSES_WITHIN_MS, 100_000);
  #mismatchWarnedAtMs = -Infinity;

  constructor(
    config: Config,
    replicas: NonNullable<Config['replicas']>,
    /** replicaConfigDigest(config). */
    configDigest: string,
    private readonly log: Logger,
  ) {
    this.address = replicas.address;
    this.#peers = new ReplicaPeers(replicas.address, replicas.peers, log);
    this.#configDigest = configDigest;
    this.#certificateFile = config.tls?.certFile;
  }

  /** What one hook invocation may ask (`handedOver`: it came from another replica). */
  accessFor(request: HandedRequest, handedOver: boolean): ReplicaAccess {
    return { address: this.address, handedOver, forward: (peer, about) => this.forward(peer, about, request) };
  }

  /** `about`: the object and its mark, by which a decline is remembered. */
  async forward(peer: string, about: string, request: HandedRequest): Promise<ReplicaAnswer> {
    const { log } = request;
    const { others, anyResolved } = await this.#peers.resolved();
    if (!others.has(peer)) return anyResolved ? 'gone' : 'unknown';
    if (this.#declined.has(about, Date.now())) return 'gone';
    let answer: PeerAnswer;
    try {
      answer = await this.#post(peer, request);
    } catch (error) {
      // Once it has the request, the other replica may be at work on it: a second pass here would race it.
      if (!(error instanceof NotTaken))
        throw new RetryLaterError(`the replica at ${peer} that holds this object's pass did not answer`, 1, error);
      log.warn({ peer, error: error.message }, 'the replica that wrote last cannot be reached: this one makes the pass');
      return 'gone';
    }
    if (answer.status === 429)
      throw new RetryLaterError(`the replica at ${peer} that holds this object's pass asks to retry later`, Number(answer.retryAfter));
    const body = answer.status === 200 ? parsedObject(answer.text) : undefined;
    if (body !== undefined) return { answer: body };
    const code = answer.status === 409 ? (parsedObject(answer.text) as { code?: unknown } | undefined)?.code : undefined;
    const now = Date.now();
    // It has no picture of this pass: neither will it later.
    if (code === 'LGW_REPLICA_NO_PICTURE') this.#declined.add(about, now);
    else if (code !== 'LGW_REPLICA_MISMATCH' || now - this.#mismatchWarnedAtMs >= 60_000) {
      if (code === 'LGW_REPLICA_MISMATCH') this.#mismatchWarnedAtMs = now;
      log.warn(
        { peer, status: answer.status, answer: answer.text.slice(0, 300) },
        'the replica that wrote last did not answer the request (for replicas configured otherwise, at most once a minute): this one makes the pass',
      );
    }
    return 'gone';
  }

  async #post(peer: string, request: HandedRequest): Promise<PeerAnswer> {
    const socket = await this.#connect(peer);
    const payload = Buffer.from(JSON.stringify(request.body));
    const waitMs = Math.max(100, request.deadline - Date.now() - ANSWER_MARGIN_MS);
    return new Promise<PeerAnswer>((resolve, reject) => {
      let sent = false;
      const timer = setTimeout(() => outgoing.destroy(new Error(`no answer within ${waitMs} ms`)), waitMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(sent ? error : new NotTaken(error.message));
      };
      let outgoing: http.ClientRequest;
      try {
        outgoing = http.request(
          {
            method: 'POST',
            path: request.path,
            createConnection: () => socket,
            headers: {
              'content-type': 'application/json',
              'content-length': payload.length,
              connection: 'close',
              [FORWARDED_BY_HEADER]: this.address,
              [REPLICA_CONFIG_HEADER]: this.#configDigest,
              [WAITS_MS_HEADER]: String(Math.max(1, waitMs - TRAVEL_MARGIN_MS)),
              ...(request.authorization !== undefined ? { authorization: request.authorization } : {}),
            },
          },
          (response) => {
            const chunks: Buffer[] = [];
            let length = 0;
            response.on('data', (chunk: Buffer) => {
              length += chunk.length;
              // An answer that long is not a hook answer, and its pass is over: not a race, a failure.
              if (length > MAX_ANSWER_BYTES) {
                clearTimeout(timer);
                response.destroy();
                resolve({ status: 0, retryAfter: undefined, text: `an answer over ${MAX_ANSWER_BYTES} bytes` });
              } else chunks.push(chunk);
            });
            response.on('end', () => {
              clearTimeout(timer);
              resolve({
                status: response.statusCode ?? 0,
                retryAfter: response.headers['retry-after'],
                text: Buffer.concat(chunks).toString(),
              });
            });
            response.on('error', fail);
          },
        );
      } catch (error) {
        return fail(error as Error);
      }
      outgoing.on('finish', () => (sent = true));
      outgoing.on('error', fail);
      outgoing.end(payload);
    });
  }

  /** A connection to `peer`, over TLS when the server speaks it, its certificate checked before it is used. */
  async #connect(peer: string): Promise<net.Socket> {
    const { host, port } = hostAndPort(peer);
    const expected = this.#certificateFile === undefined ? undefined : await this.#ownCertificate();
    return new Promise<net.Socket>((resolve, reject) => {
      const socket = expected === undefined ? net.connect({ host, port }) : tls.connect({ host, port, rejectUnauthorized: false });
      const fail = (error: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new NotTaken(error.message));
      };
      const timer = setTimeout(() => fail(new Error(`no connection within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
      socket.once('error', fail);
      socket.once(expected === undefined ? 'connect' : 'secureConnect', () => {
        // The handshake proved the peer holds the key of the certificate it presents: the replicas' own.
        if (expected !== undefined && !(socket as tls.TLSSocket).getPeerCertificate().raw?.equals(expected))
          return fail(new Error('it does not present this replica’s certificate'));
        clearTimeout(timer);
        socket.off('error', fail);
        resolve(socket);
      });
    });
  }

  /** The DER of TLS_CERT_FILE's first certificate (read again after CERTIFICATE_FRESH_MS: it may have been renewed). */
  async #ownCertificate(): Promise<Buffer> {
    if (this.#certificateFile !== undefined && Date.now() - this.#certificate.atMs >= CERTIFICATE_FRESH_MS) {
      try {
        this.#certificate = { der: new X509Certificate(await readFile(this.#certificateFile)).raw, atMs: Date.now() };
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
