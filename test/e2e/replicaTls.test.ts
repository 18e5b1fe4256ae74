import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Harness } from '../support/harness';
import { CERT_ONE, CERT_TWO, KEY_ONE, KEY_TWO } from '../support/certificates';
import { startRelay, type Relay } from '../support/relay';
import { routeProgrammed, routeWorld, ROUTE_SPEC } from '../support/routeWorld';
import { counts, httpRoute } from '../support/routeFixtures';
import { freePorts, replicaEnvs } from '../../tools/freePorts';
import { startHookService, type HookService } from '../../tools/hookService';

/**
 * Two replicas that speak HTTPS (TLS_CERT_FILE) hand a converging route's sync to each other over
 * TLS, only when the other presents the same certificate (driver + emulator, the real SDK; the
 * driver, which speaks HTTP, reaches each server through a relay).
 */

const COMPLETE = { services: 1, listeners: 1, rules: 4, targetGroups: 2 };

function tlsFiles(name: string, cert: string, key: string): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), `replica-tls-${name}-`));
  writeFileSync(join(dir, 'tls.crt'), cert);
  writeFileSync(join(dir, 'tls.key'), key);
  return { TLS_CERT_FILE: join(dir, 'tls.crt'), TLS_KEY_FILE: join(dir, 'tls.key') };
}

/** Syncs of `service` answered by the replica that wrote last. */
async function forwarded(service: HookService): Promise<number> {
  const text = (await service.server.app.inject({ method: 'GET', url: '/metrics' })).body;
  const line = text.split('\n').find((l) => l.startsWith('lattice_gw_syncs_from_records_total') && l.includes('record="forwarded"'));
  return Number(line?.split(' ').at(-1) ?? 0);
}

describe('replicas over TLS', () => {
  let h: Harness;
  let other: HookService;
  const relays: Relay[] = [];
  afterEach(async () => {
    h.driver.afterEachCall = undefined;
    await Promise.all(relays.splice(0).map((r) => r.close()));
    await other?.close();
    await h.close();
  });

  /** This server with certificate one, the other with `otherTls`; the route's first pass here, its later syncs there. */
  async function firstPassHereThenOther(otherTls: Record<string, string>): Promise<void> {
    const [hereEnv, otherEnv] = replicaEnvs(await freePorts(2));
    h = await routeWorld({ transitionMs: 300, env: { ...hereEnv, ...tlsFiles('here', CERT_ONE, KEY_ONE) } });
    other = await startHookService(
      { HOST: '127.0.0.1', LOG_LEVEL: 'silent', PENDING_RECHECK_MS: '5000', ...otherEnv, ...otherTls },
      h.emulator.endpoint,
    );
    const [toHere, toOther] = [await startRelay(h.server.url), await startRelay(other.server.url)];
    relays.push(toHere, toOther);
    expect(h.server.url.startsWith('https:') && other.server.url.startsWith('https:')).toBe(true);
    h.driver.switchServer(toHere.url);
    await h.driver.runUntilStable({ timeoutMs: 30_000 });
    let switched = false;
    h.driver.afterEachCall = async () => {
      if (switched || !h.logs.some((l) => l.msg === 'route programmed' && (l.ops as string[] | undefined)?.includes('createService')))
        return;
      switched = true;
      await h.admin.resetCalls();
      h.driver.switchServer(toOther.url);
    };
    h.cluster.apply(httpRoute('apps', 'shop', ROUTE_SPEC));
    await h.driver.runUntil(() => switched, { timeoutMs: 30_000 });
    h.driver.afterEachCall = undefined;
  }

  it('hands the sync to a replica presenting the same certificate, which goes on from its picture', async () => {
    await firstPassHereThenOther(tlsFiles('other', CERT_ONE, KEY_ONE));
    await h.driver.runUntil(() => routeProgrammed(h, 'shop'), { timeoutMs: 20_000 });
    expect(await forwarded(other)).toBeGreaterThan(0);
    expect((await h.admin.calls()).byOperation.ListListeners).toBeUndefined();
    expect(counts(await h.admin.state())).toMatchObject(COMPLETE);
  }, 60_000);

  it('sends nothing to a replica presenting another certificate: the pass is made where the sync landed', async () => {
    await firstPassHereThenOther(tlsFiles('other', CERT_TWO, KEY_TWO));
    await h.driver.runUntil(() => routeProgrammed(h, 'shop'), { timeoutMs: 20_000 });
    expect(await forwarded(other)).toBe(0);
    expect((await h.admin.calls()).byOperation.ListListeners).toBeGreaterThan(0);
    expect(counts(await h.admin.state())).toMatchObject(COMPLETE);
  }, 60_000);
});
