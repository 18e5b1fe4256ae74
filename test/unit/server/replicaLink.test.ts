import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RetryLaterError } from '../../../src/errors';
import { createLogger } from '../../../src/log';
import { deadlineOf, FORWARDED_BY_HEADER, ReplicaLink, WAITS_MS_HEADER, type HandedRequest } from '../../../src/server/replicaLink';
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
const SELF = '127.0.0.1:1';

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
    const link = new ReplicaLink(SELF, [other.address], log);
    await expect(link.accessFor(handed(), false).forward?.(other.address)).resolves.toEqual({ annotations: { a: 'b' } });
    expect(other.received).toHaveLength(1);
    const [request] = other.received;
    expect(request?.path).toBe('/hooks/lattice-httproute/sync');
    expect(request?.headers.authorization).toBe('Bearer t0ken');
    expect(request?.headers[FORWARDED_BY_HEADER]).toBe(SELF);
    expect(JSON.parse(request?.body ?? '')).toEqual({ object: { kind: 'HTTPRoute' } });
    // It says how long it waits for the answer: less than its own deadline leaves it.
    const waits = Number(request?.headers[WAITS_MS_HEADER]);
    expect(waits).toBeGreaterThan(4_000);
    expect(waits).toBeLessThan(5_000 - 250);
  });

  it('a handed request ends by what its sender waits for, never later than HOOK_DEADLINE_MS', () => {
    expect(deadlineOf({}, 1_000, 8_000)).toBe(9_000);
    expect(deadlineOf({ [WAITS_MS_HEADER]: '3000' }, 1_000, 8_000)).toBe(4_000);
    expect(deadlineOf({ [WAITS_MS_HEADER]: '30000' }, 1_000, 8_000)).toBe(9_000);
    // Not a number of milliseconds: ignored.
    for (const odd of ['-5', '1e3', '', '3000, 10', 'abc', '9999999999'])
      expect(deadlineOf({ [WAITS_MS_HEADER]: odd }, 1_000, 8_000)).toBe(9_000);
    expect(deadlineOf({ [WAITS_MS_HEADER]: '0' }, 1_000, 8_000)).toBe(1_001);
  });

  it('a request that was itself handed over cannot be handed on', () => {
    const link = new ReplicaLink(SELF, ['127.0.0.1:2'], log);
    expect(link.accessFor(handed(), true)).toEqual({ address: SELF });
  });

  it('sends nothing to an address that is not one of the replicas (a mark written by hand), nor to itself', async () => {
    const stranger = await peer(json(200, {}));
    const link = new ReplicaLink(stranger.address, [stranger.address, '127.0.0.1:2'], log);
    expect(await link.peers()).toEqual(new Set(['127.0.0.1:2']));
    await expect(link.forward(stranger.address, handed())).resolves.toBeUndefined();
    await expect(new ReplicaLink(SELF, ['127.0.0.1:2'], log).forward(stranger.address, handed())).resolves.toBeUndefined();
    expect(stranger.received).toEqual([]);
  });

  it('resolves REPLICA_PEERS names to every address, and leaves out a name that does not resolve', async () => {
    const link = new ReplicaLink(SELF, ['localhost:8080', 'no-such-replica.invalid:8080'], log);
    const addresses = [...(await link.peers())];
    expect(addresses.length).toBeGreaterThan(0);
    for (const address of addresses) expect(address).toMatch(/^(127\.\d+\.\d+\.\d+|\[::1\]):8080$/);
  });

  it('relays a 429 with its Retry-After', async () => {
    const busy = await peer(json(429, { code: 'LGW_HOOK_RETRY_LATER' }, { 'retry-after': '7' }));
    const failure = await new ReplicaLink(SELF, [busy.address], log).forward(busy.address, handed()).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RetryLaterError);
    expect((failure as RetryLaterError).retryAfterSeconds).toBe(7);
  });

  it('leaves the pass to this replica when the other failed, answered no object, or cannot be reached', async () => {
    const failing = await peer(json(500, { code: 'LGW_HOOK_INTERNAL' }));
    const odd = await peer(json(200, [1, 2]));
    const gone = await peer(json(200, {}));
    await gone.close();
    const link = new ReplicaLink(SELF, [failing.address, odd.address, gone.address], log);
    await expect(link.forward(failing.address, handed())).resolves.toBeUndefined();
    await expect(link.forward(odd.address, handed())).resolves.toBeUndefined();
    await expect(link.forward(gone.address, handed())).resolves.toBeUndefined();
  });

  it('answers retry-later, not a second pass, when the other took the request and did not answer before the deadline', async () => {
    const slow = await peer(() => undefined);
    const failure = await new ReplicaLink(SELF, [slow.address], log).forward(slow.address, handed(600)).catch((e: unknown) => e);
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
      const link = new ReplicaLink(SELF, [other.address], log, certificateFile(CERT_ONE));
      await expect(link.forward(other.address, handed())).resolves.toEqual({ annotations: {} });
      expect(other.received).toHaveLength(1);
    });

    it('sends not a byte of the request to one that presents another certificate, or when its own cannot be read', async () => {
      const other = await peer(json(200, {}), { cert: CERT_TWO, key: KEY_TWO });
      await expect(
        new ReplicaLink(SELF, [other.address], log, certificateFile(CERT_ONE)).forward(other.address, handed()),
      ).resolves.toBeUndefined();
      const unreadable = new ReplicaLink(SELF, [other.address], log, join(tmpdir(), 'no-such-dir', 'tls.crt'));
      await expect(unreadable.forward(other.address, handed())).resolves.toBeUndefined();
      expect(other.received).toEqual([]);
    });
  });
});
