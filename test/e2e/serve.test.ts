import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect as tlsConnect } from 'node:tls';
import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import type { HookController } from '../../src/controllers/types';
import { createHookMetrics } from '../../src/server/metrics';
import { startServer } from '../../src/server/serve';
import { gatewayClassDecorator, logSink, testApp } from '../support/app';
import { CERT_ONE, CERT_TWO, KEY_ONE, KEY_TWO } from '../support/certificates';
import { decoratorSyncBody, gatewayClass } from '../support/objects';

const FIXTURES = join(__dirname, '..', 'fixtures');

function slowController(release: Promise<void>, started: () => void): HookController {
  return gatewayClassDecorator('slow', {
    async sync() {
      started();
      await release;
      return { labels: { done: 'yes' } };
    },
  });
}

/** A server of `controllers` (none by default) on a free loopback port, the emulator backend's configuration with `env` over it. */
async function serverWith(env: Record<string, string> = {}, controllers: HookController[] = [], logger = createLogger('silent')) {
  const config = loadConfig({ LATTICE_BACKEND: 'emulator', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env });
  return startServer(config, logger, { controllers, metrics: createHookMetrics({ processMetrics: false }) });
}

/** TLS_CERT_FILE and TLS_KEY_FILE of the test certificate. */
const TLS_FILES = { TLS_CERT_FILE: join(FIXTURES, 'tls-cert.pem'), TLS_KEY_FILE: join(FIXTURES, 'tls-key.pem') };

/** A server whose one hook (`slow`) runs until `release()`; `started` resolves once it runs. */
async function slowServer() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const server = await serverWith({}, [slowController(released, markStarted)]);
  return { server, release, started };
}

describe('serving', () => {
  it('finishes in-flight hooks on shutdown and then refuses new connections', async () => {
    const { server, release, started } = await slowServer();

    const inFlight = request(`${server.url}/hooks/slow/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(decoratorSyncBody('lattice-slow', gatewayClass('x'))),
    });
    await started;
    const closing = server.close();
    expect(server.readiness.ready).toBe(false);
    release();
    const res = await inFlight;
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toEqual({ labels: { done: 'yes' } });
    await closing;
    await expect(request(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('waits for a hook whose caller hung up: close() resolves only once its work (and its AWS calls) ended', async () => {
    const { server, release, started } = await slowServer();
    const hangUp = new AbortController();
    const abandoned = request(`${server.url}/hooks/slow/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(decoratorSyncBody('lattice-slow', gatewayClass('x'))),
      signal: hangUp.signal,
    });
    await started;
    hangUp.abort();
    await expect(abandoned).rejects.toThrow();
    let closed = false;
    const closing = server.close().then(() => (closed = true));
    // The connection is gone, so the HTTP server alone would consider itself drained.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(closed).toBe(true);
  });

  it('starts no hook once the server has closed: a request still arriving then answers 429 and its controller never runs', async () => {
    let ran = 0;
    const counting = slowController(Promise.resolve(), () => (ran += 1));
    const { app } = await testApp({ controllers: [counting] });
    // The request is routed, but its body is still arriving when the server closes.
    const body = new PassThrough();
    const late = app.inject({ method: 'POST', url: '/hooks/slow/sync', headers: { 'content-type': 'application/json' }, payload: body });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await app.close();
    body.end(JSON.stringify(decoratorSyncBody('lattice-slow', gatewayClass('x'))));
    const res = await late;
    expect(res.statusCode).toBe(429);
    expect(res.json().code).toBe('LGW_HOOK_RETRY_LATER');
    expect(ran).toBe(0);
  });

  it('closes a kept-alive connection with the last answer, so shutdown does not wait for the client to let it go', async () => {
    const { server, release, started } = await slowServer();
    // Metacontroller's client keeps connections for 90 s; the server's own keep-alive is longer still.
    const agent = new Agent({ keepAliveTimeout: 90_000 });
    try {
      const inFlight = request(`${server.url}/hooks/slow/sync`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(decoratorSyncBody('lattice-slow', gatewayClass('x'))),
        dispatcher: agent,
      });
      await started;
      const closing = server.close();
      // The listening socket is closed and the hook still runs: its connection is busy, not idle.
      while (server.app.server.listening) await new Promise((resolve) => setTimeout(resolve, 1));
      release();
      const res = await inFlight;
      expect(res.statusCode).toBe(200);
      expect(res.headers.connection).toBe('close');
      await res.body.dump();
      // Without the close above, this waits for the 120 s keep-alive timeout (past the test's).
      await closing;
    } finally {
      await agent.close();
    }
  });

  it('answers a path that names no route before reading its body (no caller can make it buffer bodies nobody wants)', async () => {
    const server = await serverWith();
    const { port } = new URL(server.url);
    for (const path of ['/nope', '/healthz', '/hooks%2Fgatewayclass%2Fsync', '/hooksx']) {
      const socket = connect(Number(port), '127.0.0.1');
      // Announces a body it never sends: only an answer given before the body is read arrives.
      socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{`);
      const answer = await new Promise<string>((resolve) => {
        const timer = setTimeout(() => resolve('no answer'), 3_000);
        socket.once('data', (data) => {
          clearTimeout(timer);
          resolve(data.toString());
        });
      });
      socket.destroy();
      expect(answer).toMatch(/^HTTP\/1\.1 404/);
      expect(answer).toContain('LGW_HOOK_NOT_FOUND');
    }
    await server.close();
  });

  it('warns at start when it listens beyond loopback without HOOK_AUTH_TOKEN, and only then', async () => {
    const started = async (env: Record<string, string>) => {
      const sink = logSink();
      const server = await serverWith(env, [], createLogger('info', sink.stream));
      await server.close();
      return sink.lines.filter((l) => l.level === 'warn').map((l) => String(l.msg));
    };
    expect(await started({ HOST: '0.0.0.0' })).toEqual([
      expect.stringContaining('HOOK_AUTH_TOKEN is not set: anyone who reaches this port'),
    ]);
    expect(await started({ HOST: '0.0.0.0', HOOK_AUTH_TOKEN: 'correct-horse-battery-staple' })).toEqual([]);
    expect(await started({ HOST: '127.0.0.1' })).toEqual([]);
  });

  it('closes a TLS connection that sends no handshake within 10 s (Node would wait 120 s)', async () => {
    const server = await serverWith(TLS_FILES);
    try {
      const started = Date.now();
      const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
      socket.on('error', () => undefined);
      await new Promise((resolve) => socket.on('close', resolve));
      expect(Date.now() - started).toBeGreaterThanOrEqual(9_000);
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      await server.close();
    }
  }, 30_000);

  it('speaks HTTPS with TLS_CERT_FILE and TLS_KEY_FILE', async () => {
    const server = await serverWith(TLS_FILES);
    const agent = new Agent({ connect: { ca: readFileSync(join(FIXTURES, 'tls-cert.pem')) } });
    try {
      expect(server.url.startsWith('https://')).toBe(true);
      const res = await request(`${server.url}/healthz`, { dispatcher: agent });
      expect(res.statusCode).toBe(200);
      await res.body.dump();
    } finally {
      await agent.close();
      await server.close();
    }
  });

  it('serves a renewed certificate without a restart, and keeps the old one while the files do not make a pair', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lgw-tls-'));
    const files = { cert: join(dir, 'tls.crt'), key: join(dir, 'tls.key') };
    const install = (cert: string, key: string) => {
      writeFileSync(files.cert, cert);
      writeFileSync(files.key, key);
    };
    install(CERT_ONE, KEY_ONE);
    const sink = logSink();
    const server = await serverWith({ TLS_CERT_FILE: files.cert, TLS_KEY_FILE: files.key }, [], createLogger('info', sink.stream));
    const port = Number(new URL(server.url).port);
    const served = () =>
      new Promise<string>((resolve, reject) => {
        const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
          resolve(socket.getPeerCertificate().fingerprint256);
          socket.end();
        });
        socket.on('error', reject);
      });
    const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;
    try {
      expect(await served()).toBe(fingerprint(CERT_ONE));
      expect(await server.tlsReloader?.check()).toBe(false);
      // cert-manager renewed the Secret, kubelet swapped the files.
      install(CERT_TWO, KEY_TWO);
      expect(await server.tlsReloader?.check()).toBe(true);
      expect(await served()).toBe(fingerprint(CERT_TWO));
      expect(sink.lines.some((l) => l.msg === 'TLS certificate reloaded' && typeof l.validTo === 'string')).toBe(true);
      // Caught half-written: the new certificate with the old key.
      writeFileSync(files.cert, CERT_ONE);
      expect(await server.tlsReloader?.check()).toBe(false);
      expect(await served()).toBe(fingerprint(CERT_TWO));
      expect(sink.lines.some((l) => l.level === 'warn' && String(l.msg).includes('do not make a valid pair'))).toBe(true);
      writeFileSync(files.key, KEY_ONE);
      expect(await server.tlsReloader?.check()).toBe(true);
      expect(await served()).toBe(fingerprint(CERT_ONE));
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps idle connections longer than Metacontroller does (90 s)', async () => {
    const server = await serverWith();
    try {
      expect(server.app.server.keepAliveTimeout).toBeGreaterThan(90_000);
    } finally {
      await server.close();
    }
  });
});
