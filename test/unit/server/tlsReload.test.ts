import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server as TlsServer } from 'node:tls';
import { createLogger } from '../../../src/log';
import { reloadTlsPeriodically } from '../../../src/server/tlsReload';
import { logSink } from '../../support/app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `condition` holds (a loaded machine may run the interval late), at most 5 s. */
async function eventually(condition: () => boolean): Promise<void> {
  for (const start = Date.now(); !condition(); await sleep(10)) if (Date.now() - start > 5000) throw new Error('condition never held');
}

describe('reloadTlsPeriodically', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lgw-tls-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the files on its own every interval, hands a changed pair to the server, and stops when told', async () => {
    const files = { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') };
    writeFileSync(files.certFile, 'cert-1');
    writeFileSync(files.keyFile, 'key-1');
    const contexts: unknown[] = [];
    const server = { setSecureContext: (options: unknown) => void contexts.push(options) } as unknown as TlsServer;
    const sink = logSink();
    const reloader = reloadTlsPeriodically(
      server,
      files,
      { cert: Buffer.from('cert-1'), key: Buffer.from('key-1') },
      createLogger('info', sink.stream),
      10,
    );
    try {
      await sleep(60);
      expect(contexts).toEqual([]);
      writeFileSync(files.certFile, 'cert-2');
      await eventually(() => contexts.length > 0);
      expect(contexts).toEqual([{ cert: Buffer.from('cert-2'), key: Buffer.from('key-1') }]);
      // Stopped: the interval reads nothing more (and cannot race the reads asked for below).
      reloader.stop();
      // A file that vanished mid-swap: logged, the certificate read before stays.
      unlinkSync(files.keyFile);
      expect(await reloader.check()).toBe(false);
      expect(sink.lines.some((l) => l.level === 'warn' && l.error === 'ENOENT')).toBe(true);
      writeFileSync(files.keyFile, 'key-3');
      await sleep(60);
      expect(contexts).toHaveLength(1);
    } finally {
      reloader.stop();
    }
  });
});
