import { parseDirectoryArgs } from '../../../src/directory/command';
import { buildDirectory } from '../../../src/directory/model';
import type { Directory } from '../../../src/directory/types';
import { startRefresher, type Refresher } from '../../../src/directory/web/refresher';
import { buildDirectoryPage, namesNoDomain } from '../../../src/directory/web/server';
import { createLogger } from '../../../src/log';
import { observed, THIS_CLUSTER } from './fixtures';

const logger = createLogger('silent');
const directoryAt = (iso: string): Directory =>
  buildDirectory(observed({ readAt: new Date(iso) }), { thisCluster: THIS_CLUSTER, rulesPerListener: 10 });

function fixedRefresher(directory: Directory | null, lastError: string | null = null): Refresher {
  return {
    snapshot: () => ({ directory, refreshedAt: directory?.generatedAt ?? null, lastError, refreshing: false }),
    refresh: async () => undefined,
    stop: () => undefined,
  };
}

describe('the directory page server', () => {
  it('serves the page files with a strict content security policy, and the directory with its age', async () => {
    const app = await buildDirectoryPage({
      refresher: fixedRefresher(directoryAt('2026-12-05T05:00:00Z')),
      refreshSeconds: 60,
      logger,
      now: () => Date.parse('2026-12-05T05:00:42Z'),
    });
    for (const [path, type] of [
      ['/', 'text/html'],
      ['/app.js', 'text/javascript'],
      ['/topology.js', 'text/javascript'],
      ['/app.css', 'text/css'],
    ] as const) {
      const response = await app.inject({ method: 'GET', url: path });
      expect([path, response.statusCode, response.headers['content-type']]).toEqual([path, 200, `${type}; charset=utf-8`]);
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    }
    const api = await app.inject({ method: 'GET', url: '/api/directory' });
    expect(api.json()).toMatchObject({
      ageSeconds: 42,
      refreshSeconds: 60,
      refreshedAt: '2026-12-05T05:00:00.000Z',
      lastError: null,
      directory: { account: '111122223333' },
    });
    expect((await app.inject({ method: 'POST', url: '/api/directory' })).statusCode).toBe(404);
    await app.close();
  });

  it('without a token answers only requests to localhost or an IP address (no DNS rebinding)', async () => {
    const app = await buildDirectoryPage({ refresher: fixedRefresher(null), refreshSeconds: 60, logger });
    for (const host of ['localhost:8282', '127.0.0.1:8282', '[::1]:8282', 'LOCALHOST', '10.1.2.3:8282'])
      expect([host, (await app.inject({ method: 'GET', url: '/api/directory', headers: { host } })).statusCode]).toEqual([host, 200]);
    for (const host of ['rebound.example:8282', 'localhost.rebound.example', 'directory.tools.svc']) {
      const refused = await app.inject({ method: 'GET', url: '/healthz', headers: { host } });
      expect([host, refused.statusCode, refused.json().code]).toEqual([host, 421, 'LGW_DIRECTORY_HOST_REFUSED']);
      expect(refused.headers['x-content-type-options']).toBe('nosniff');
    }
    await app.close();
    // With a token the API asks for it instead, whatever the name the page is reached by.
    const token = 'directory-token-0123456789';
    const guarded = await buildDirectoryPage({ refresher: fixedRefresher(null), refreshSeconds: 60, logger, authToken: token });
    const named = { host: 'directory.example.com', authorization: `Bearer ${token}` };
    expect((await guarded.inject({ method: 'GET', url: '/api/directory', headers: named })).statusCode).toBe(200);
    await guarded.close();
  });

  it('tells a request that names no domain', () => {
    const named = (host: string | undefined, target = '/api/directory') => namesNoDomain(host, target);
    for (const host of ['localhost', 'localhost:8282', 'LocalHost:1', '127.0.0.1', '10.0.0.7:8282', '[::1]:8282', '[::1]', '[fe80::1]:80'])
      expect([host, named(host)]).toEqual([host, true]);
    const rebinding = ['rebound.example', 'localhost.', 'localhost.rebound.example', '127.1', '0x7f.0.0.1', '[::1]evil.example'];
    const malformed = ['localhost:evil', '::1:80', 'user@localhost', 'localhost, evil.example', '', undefined];
    for (const host of [...rebinding, ...malformed]) expect([host, named(host)]).toEqual([host, false]);
    // A request target naming another authority (absolute form) is not answered either.
    expect(namesNoDomain('localhost', 'http://rebound.example/api/directory')).toBe(false);
    expect(namesNoDomain('localhost', undefined)).toBe(false);
  });

  it('asks for the bearer token on the API when one is set, not for the page files nor /healthz', async () => {
    const token = 'directory-token-0123456789';
    const app = await buildDirectoryPage({ refresher: fixedRefresher(null), refreshSeconds: 60, logger, authToken: token });
    const denied = await app.inject({ method: 'GET', url: '/api/directory' });
    expect(denied.statusCode).toBe(401);
    expect(denied.json()).toMatchObject({ code: 'LGW_DIRECTORY_UNAUTHORIZED' });
    expect(
      (await app.inject({ method: 'GET', url: '/api/directory', headers: { authorization: 'Bearer wrong-token-0123456789' } })).statusCode,
    ).toBe(401);
    const allowed = await app.inject({ method: 'GET', url: '/api/directory', headers: { authorization: `Bearer ${token}` } });
    expect(allowed.json()).toMatchObject({ directory: null, ageSeconds: null });
    expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await app.close();
  });
});

describe('the background refresh', () => {
  it('reads at start, keeps the last directory when a read fails, and never runs two reads at once', async () => {
    let reads = 0;
    let fail = false;
    let release: () => void = () => undefined;
    const read = () => {
      reads += 1;
      if (fail) return Promise.reject(new Error('AccessDeniedException: not allowed'));
      return new Promise<Directory>((resolve) => (release = () => resolve(directoryAt(`2026-12-05T05:00:0${reads}Z`))));
    };
    const refresher = startRefresher(read, 3_600_000, logger);
    expect(refresher.snapshot()).toMatchObject({ directory: null, refreshing: true });
    const again = refresher.refresh();
    expect(reads).toBe(1);
    release();
    await again;
    expect(refresher.snapshot()).toMatchObject({ refreshedAt: '2026-12-05T05:00:01.000Z', lastError: null, refreshing: false });
    fail = true;
    await refresher.refresh();
    expect(refresher.snapshot()).toMatchObject({
      refreshedAt: '2026-12-05T05:00:01.000Z',
      lastError: 'AccessDeniedException: not allowed',
    });
    refresher.stop();
  });
});

describe('lattice-gw directory options', () => {
  it('has defaults, and refuses what does not fit together', () => {
    expect(parseDirectoryArgs([])).toEqual({
      output: 'table',
      failOn: undefined,
      serve: false,
      port: 8282,
      host: '127.0.0.1',
      refreshSeconds: 60,
    });
    expect(parseDirectoryArgs(['--serve', '--port', '0', '--refresh-seconds', '5'])).toMatchObject({
      serve: true,
      port: 0,
      refreshSeconds: 5,
    });
    expect(() => parseDirectoryArgs(['--port', '80'])).toThrow('go with --serve');
    expect(() => parseDirectoryArgs(['--serve', '--output', 'json'])).toThrow('do not go with --serve');
    expect(() => parseDirectoryArgs(['--serve', '--refresh-seconds', '1'])).toThrow(
      '--refresh-seconds must be a whole number from 5 to 86400',
    );
    expect(() => parseDirectoryArgs(['--output'])).toThrow('--output needs a value');
    expect(() => parseDirectoryArgs(['--verbose'])).toThrow('unknown option "--verbose"');
  });
});
