import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RetryLaterError } from '../../../src/errors';
import { createLogger } from '../../../src/log';
import { loadConfig } from '../../../src/config';
import {
  deadlineOf,
  FORWARDED_BY_HEADER,
  handedOver,
  REPLICA_CONFIG_HEADER,
  replicaConfigDigest,
  ReplicaLink,
  WAITS_MS_HEADER,
  type HandedRequest,
} from '../../../src/server/replicaLink';
import { ReplicaPeers, scopeOf } from '../../../src/server/replicaPeers';
import { CERT_ONE, CERT_TWO, KEY_ONE, KEY_TWO } from '../../support/certificates';

/** A stand-in for another replica: records what reaches it and answers as `answer` says. */
interface Peer {
  address: string;
  received: { path: string; headers: IncomingMessage['headers']; body: string }[];
  close(): Promise<void>;
}

type Answer = (response: ServerResponse) => void;

async function startPeer(answer: Answer, tls?: { cert: string; key: string }): Promise<Peer> {
  const received: Peer['received'] = [];
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    // Recorded as soon as its headers arrive: a request cut off before its body still counts.
    const record = { path: request.url ?? '', headers: request.headers, body: '' };
    received.push(record);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      record.body = Buffer.concat(chunks).toString();
      answer(response);
    });
  };
  const server: Server = tls ? createTlsServer(tls, handler) : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Answer =>
  (response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };

const log = createLogger('silent');
const ABOUT = 'uid-1/apps/shop other 1800000000000';
const SELF = '127.0.0.1:1';

/** A replica's configuration (the embedded emulator's defaults) with REPLICA_* and, for TLS, TLS_CERT_FILE. */
function replicaConfig(self: string, peers: readonly string[], extra: Record<string, string> = {}) {
  return loadConfig({ LATTICE_BACKEND: 'emulator', REPLICA_ADDRESS: self, REPLICA_PEERS: peers.join(','), ...extra });
}

function linkOf(self: string, peers: readonly string[], certificateFile?: string): ReplicaLink {
  const config = replicaConfig(self, peers, certificateFile ? { TLS_CERT_FILE: certificateFile, TLS_KEY_FILE: '/unused' } : {});
  return new ReplicaLink(config, config.replicas ?? { address: self, peers }, replicaConfigDigest(config), log);
}

function handed(deadlineInMs = 5_000): HandedRequest {
  return {
    path: '/hooks/lattice-httproute/sync',
    body: { object: { kind: 'HTTPRoute' } },
    authorization: 'Bearer t0ken',
    deadline: Date.now() + deadlineInMs,
    log,
  };
}

describe('handing a hook request to another replica (replicaLink.ts)', () => {
  const peers: Peer[] = [];
  const peer = async (answer: Answer, tls?: { cert: string; key: string }) => {
    const started = await startPeer(answer, tls);
    peers.push(started);
    return started;
  };
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((p) => p.close()));
  });

  it("posts the request to the same hook path with the caller's token and its own address, and gives back the answer", async () => {
    const other = await peer(json(200, { annotations: { a: 'b' } }));
    const link = linkOf(SELF, [other.address]);
    await expect(link.accessFor(handed(), false).forward(other.address, ABOUT)).resolves.toEqual({ answer: { annotations: { a: 'b' } } });
    expect(other.received).toHaveLength(1);
    const [request] = other.received;
    expect(request?.path).toBe('/hooks/lattice-httproute/sync');
    expect(request?.headers.authorization).toBe('Bearer t0ken');
    expect(request?.headers[FORWARDED_BY_HEADER]).toBe(SELF);
    expect(request?.headers[REPLICA_CONFIG_HEADER]).toBe(replicaConfigDigest(replicaConfig(SELF, [other.address])));
    expect(JSON.parse(request?.body ?? '')).toEqual({ object: { kind: 'HTTPRoute' } });
    // It says how long it waits for the answer: less than its own deadline leaves it.
    const waits = Number(request?.headers[WAITS_MS_HEADER]);
    expect(waits).toBeGreaterThan(3_500);
    expect(waits).toBeLessThan(5_000 - 250 - 500);
  });

  it('a handed request ends by what its sender waits for, never later than HOOK_DEADLINE_MS', () => {
    const from = (waits: string) => ({ [FORWARDED_BY_HEADER]: '10.0.0.2:8080', [WAITS_MS_HEADER]: waits });
    expect(deadlineOf({}, 1_000, 8_000)).toBe(9_000);
    expect(deadlineOf(from('3000'), 1_000, 8_000)).toBe(4_000);
    expect(deadlineOf(from('30000'), 1_000, 8_000)).toBe(9_000);
    // Not a number of milliseconds, or not from a replica: ignored.
    for (const odd of ['-5', '1e3', '', '3000, 10', 'abc', '9999999999']) expect(deadlineOf(from(odd), 1_000, 8_000)).toBe(9_000);
    expect(deadlineOf({ [WAITS_MS_HEADER]: '3000' }, 1_000, 8_000)).toBe(9_000);
    expect(deadlineOf(from('0'), 1_000, 8_000)).toBe(1_001);
  });

  it('answers a request handed over only from a replica configured alike (a rollout that changes the configuration)', () => {
    const digest = replicaConfigDigest(replicaConfig(SELF, ['10.0.0.2:8080']));
    expect(handedOver({}, digest)).toBe(false);
    expect(handedOver({ [FORWARDED_BY_HEADER]: '10.0.0.2:8080', [REPLICA_CONFIG_HEADER]: digest }, digest)).toBe(true);
    expect(() => handedOver({ [FORWARDED_BY_HEADER]: '10.0.0.2:8080', [REPLICA_CONFIG_HEADER]: 'other' }, digest)).toThrow(
      expect.objectContaining({ code: 'LGW_REPLICA_MISMATCH' }),
    );
    expect(() => handedOver({ [FORWARDED_BY_HEADER]: '10.0.0.2:8080' }, digest)).toThrow(
      expect.objectContaining({ code: 'LGW_REPLICA_MISMATCH' }),
    );
    // What shapes answers counts; the replica's own address, its token, its log level or its timing do not.
    const sibling = replicaConfig('10.0.0.2:8080', [SELF], {
      HOOK_AUTH_TOKEN: 'a-long-enough-secret-token',
      LOG_LEVEL: 'debug',
      PENDING_RECHECK_MS: '50',
      LATTICE_API_RPS: '3',
    });
    expect(replicaConfigDigest(sibling)).toBe(digest);
    expect(replicaConfigDigest(replicaConfig(SELF, ['10.0.0.2:8080'], { EXTERNAL_DNS_ENDPOINTS: 'true' }))).not.toBe(digest);
  });

  it('says whether the request was itself handed over (it then goes no further: see passMark)', () => {
    const link = linkOf(SELF, ['127.0.0.1:2']);
    expect(link.accessFor(handed(), true)).toMatchObject({ address: SELF, handedOver: true });
    expect(link.accessFor(handed(), false)).toMatchObject({ address: SELF, handedOver: false });
  });

  it('does not ask again about a pass the other replica declined for want of a picture', async () => {
    const declining = await peer(json(409, { code: 'LGW_REPLICA_NO_PICTURE' }));
    const link = linkOf(SELF, [declining.address]);
    await expect(link.forward(declining.address, ABOUT, handed())).resolves.toBe('gone');
    await expect(link.forward(declining.address, ABOUT, handed())).resolves.toBe('gone');
    expect(declining.received).toHaveLength(1);
    // Another pass (another mark) is asked about.
    await expect(link.forward(declining.address, `${ABOUT}-2`, handed())).resolves.toBe('gone');
    expect(declining.received).toHaveLength(2);
  });

  it('sends nothing to an address that is not one of the replicas (a mark written by hand), nor to itself', async () => {
    const stranger = await peer(json(200, {}));
    const link = linkOf(stranger.address, [stranger.address, '127.0.0.1:2']);
    expect((await new ReplicaPeers(stranger.address, [stranger.address, '127.0.0.1:2'], log).resolved()).others).toEqual(
      new Set(['127.0.0.1:2']),
    );
    await expect(link.forward(stranger.address, ABOUT, handed())).resolves.toBe('gone');
    await expect(linkOf(SELF, ['127.0.0.1:2']).forward(stranger.address, ABOUT, handed())).resolves.toBe('gone');
    // No replica resolves at all: nothing is known, not even that it is gone; only this one: the other is gone.
    await expect(linkOf(SELF, ['no-such-replica.invalid:8080']).forward(stranger.address, ABOUT, handed())).resolves.toBe('unknown');
    await expect(linkOf(SELF, [SELF]).forward(stranger.address, ABOUT, handed())).resolves.toBe('gone');
    expect(stranger.received).toEqual([]);
  });

  it('resolves REPLICA_PEERS names to every address, and leaves out a name that does not resolve', async () => {
    const peers = new ReplicaPeers(SELF, ['localhost:8080', 'no-such-replica.invalid:8080'], log);
    // A resolver slower than the second a caller waits leaves the first answer empty: the next one has it.
    let addresses = [...(await peers.resolved()).others];
    for (let tries = 0; addresses.length === 0 && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      addresses = [...(await peers.resolved()).others];
    }
    expect(addresses.length).toBeGreaterThan(0);
    for (const address of addresses) expect(address).toMatch(/^(127\.\d+\.\d+\.\d+|\[::1\]):8080$/);
  });

  it("counts only addresses of this replica's own scope: a pod's peers are never loopback, link-local or unspecified", async () => {
    const resolved = async (self: string, names: string[]) => [...(await new ReplicaPeers(self, names, log).resolved()).others];
    const hostile = ['127.0.0.1:8080', '169.254.169.254:80', '0.0.0.0:8080', '[::1]:8080', '[fe80::1]:8080', '10.0.3.8:8080'];
    expect(await resolved('10.0.3.7:8080', hostile)).toEqual(['10.0.3.8:8080']);
    expect(await resolved('[fd00::7]:8080', ['[fd00::8]:8080', '[::1]:8080'])).toEqual(['[fd00::8]:8080']);
    expect(await resolved('127.0.0.1:1', hostile)).toEqual(['127.0.0.1:8080', '[::1]:8080']);
    expect(['::ffff:127.0.0.1', '169.254.0.1', 'FE80::1', '::', '10.1.2.3', 'replicas.ns.svc'].map(scopeOf)).toEqual([
      'loopback',
      'link-local',
      'link-local',
      'unspecified',
      'routable',
      'routable',
    ]);
  });

  it('warns once when, well after start, this replica is not among the addresses REPLICA_PEERS resolves to', async () => {
    const lines: string[] = [];
    const captured = createLogger('warn', { write: (line: string) => lines.push(line) });
    const unlisted = (log: typeof captured, startedAtMs: number) => new ReplicaPeers('127.0.0.1:1', ['127.0.0.2:8080'], log, startedAtMs);
    const warnings = () => lines.filter((l) => l.includes('REPLICA_ADDRESS is not among')).length;
    // Just started: not ready yet, so not listed yet.
    await unlisted(captured, Date.now()).resolved();
    expect(warnings()).toBe(0);
    const late = unlisted(captured, Date.now() - 5 * 60_000);
    await late.resolved();
    expect(warnings()).toBe(1);
    // Listed: nothing to say.
    await new ReplicaPeers('127.0.0.1:1', ['127.0.0.1:1', '127.0.0.2:8080'], captured, Date.now() - 5 * 60_000).resolved();
    expect(warnings()).toBe(1);
  });

  it('relays a 429 with its Retry-After', async () => {
    const busy = await peer(json(429, { code: 'LGW_HOOK_RETRY_LATER' }, { 'retry-after': '7' }));
    const failure = await linkOf(SELF, [busy.address])
      .forward(busy.address, ABOUT, handed())
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RetryLaterError);
    expect((failure as RetryLaterError).retryAfterSeconds).toBe(7);
  });

  it('leaves the pass to this replica when the other failed, declined, answered no object, or cannot be reached', async () => {
    const failing = await peer(json(500, { code: 'LGW_HOOK_INTERNAL' }));
    const declining = await peer(json(409, { code: 'LGW_REPLICA_NO_PICTURE' }));
    const odd = await peer(json(200, [1, 2]));
    const gone = await peer(json(200, {}));
    await gone.close();
    const link = linkOf(SELF, [failing.address, declining.address, odd.address, gone.address]);
    for (const other of [failing, declining, odd, gone]) await expect(link.forward(other.address, ABOUT, handed())).resolves.toBe('gone');
  });

  it('answers retry-later, not a second pass, when the other took the request and then dropped it', async () => {
    const dropping = await peer((response) => response.socket?.destroy());
    await expect(linkOf(SELF, [dropping.address]).forward(dropping.address, ABOUT, handed())).rejects.toBeInstanceOf(RetryLaterError);
    expect(dropping.received).toHaveLength(1);
  });

  it('reads no answer over 1 MiB: a failed replica, whose pass is over', async () => {
    const flooding = await peer((response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(Buffer.alloc(2 * 1024 * 1024, 0x20));
    });
    await expect(linkOf(SELF, [flooding.address]).forward(flooding.address, ABOUT, handed())).resolves.toBe('gone');
  });

  it('answers retry-later, not a second pass, when the other took the request and did not answer before the deadline', async () => {
    const slow = await peer(() => undefined);
    const failure = await linkOf(SELF, [slow.address])
      .forward(slow.address, ABOUT, handed(600))
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RetryLaterError);
    expect(slow.received).toHaveLength(1);
  });

  describe('over TLS', () => {
    const certificateFile = (cert: string) => {
      const file = join(mkdtempSync(join(tmpdir(), 'replica-link-')), 'tls.crt');
      writeFileSync(file, cert);
      return file;
    };

    it("talks to a replica that presents this replica's own certificate", async () => {
      const other = await peer(json(200, { annotations: {} }), { cert: CERT_ONE, key: KEY_ONE });
      const link = linkOf(SELF, [other.address], certificateFile(CERT_ONE));
      await expect(link.forward(other.address, ABOUT, handed())).resolves.toEqual({ answer: { annotations: {} } });
      expect(other.received).toHaveLength(1);
    });

    it('sends not a byte of the request to one that presents another certificate, or when its own cannot be read', async () => {
      const other = await peer(json(200, {}), { cert: CERT_TWO, key: KEY_TWO });
      await expect(linkOf(SELF, [other.address], certificateFile(CERT_ONE)).forward(other.address, ABOUT, handed())).resolves.toBe('gone');
      const unreadable = linkOf(SELF, [other.address], join(tmpdir(), 'no-such-dir', 'tls.crt'));
      await expect(unreadable.forward(other.address, ABOUT, handed())).resolves.toBe('gone');
      expect(other.received).toEqual([]);
    });
  });
});
