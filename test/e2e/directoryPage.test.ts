import { existsSync } from 'node:fs';
import { VPCLatticeClient } from '@aws-sdk/client-vpc-lattice';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { buildDirectory } from '../../src/directory/model';
import { readAccount } from '../../src/directory/read';
import { startRefresher, type Refresher } from '../../src/directory/web/refresher';
import { buildDirectoryPage } from '../../src/directory/web/server';
import { CallBudget } from '../../src/lattice/callBudget';
import { DirectoryApi } from '../../src/lattice/directoryApi';
import { createLogger } from '../../src/log';
import { SEED, seedAccount, type SeededIds } from '../support/directorySeed';
import { AdminApi } from '../../tools/emulatorAdmin';

/** Debian's package; `.ci/run` installs it on a fresh machine. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('the directory page in a real headless Chromium', () => {
  let emulator: RunningEmulator;
  let lattice: VPCLatticeClient;
  let ids: SeededIds;
  let refresher: Refresher;
  let app: Awaited<ReturnType<typeof buildDirectoryPage>>;
  let browser: Browser;
  let page: Page;
  let url: string;
  const problems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is missing at ${CHROMIUM}: the page test needs it (apt-get install -y chromium; .ci/run installs it)`);
    }
    emulator = await startEmulator({ port: 0 });
    lattice = new VPCLatticeClient({
      endpoint: emulator.endpoint,
      region: 'us-west-2',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    ids = await seedAccount(lattice, new AdminApi(emulator.endpoint));
    const api = new DirectoryApi(lattice, new CallBudget({ ratePerSecond: 1000, burst: 1000 }));
    const read = async () =>
      buildDirectory(await readAccount(api, { account: SEED.account }), { thisCluster: SEED.thisCluster, rulesPerListener: 10 });
    refresher = startRefresher(read, 60_000, createLogger('silent'));
    await refresher.refresh();
    app = await buildDirectoryPage({ refresher, refreshSeconds: 60, logger: createLogger('silent') });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await browser.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
    await page.goto(url);
    await page.locator('#services tbody tr').first().waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    refresher?.stop();
    await app?.close();
    lattice?.destroy();
    await emulator?.close();
  });

  const rowNames = () => page.locator('#services tbody tr td:first-child').allTextContents();

  it('loads with no console error and says how old the data is', async () => {
    expect(await rowNames()).toEqual([
      'checkout-shop',
      'inventory-inventory',
      'orphan-svc',
      'parking-default',
      'partner-api',
      'payments-open',
      'storefront-store',
    ]);
    await expect(page.locator('#age').textContent()).resolves.toMatch(/^data read \d+ s ago \(.+\), refreshed every 60 s$/);
    expect(await page.locator('#account').textContent()).toBe(`Account ${SEED.account}, cluster ${SEED.thisCluster}`);
    expect(await page.locator('#error').isHidden()).toBe(true);
    expect(problems).toEqual([]);
  });

  it('filters the table by search text, owner, auth and findings', async () => {
    await page.fill('#search', 'payments');
    expect(await rowNames()).toEqual(['payments-open']);
    await page.fill('#search', 'open-network');
    expect(await rowNames()).toEqual(['payments-open']);
    await page.fill('#search', 'shared by account 999988887777');
    expect(await rowNames()).toEqual(['partner-api']);
    await page.fill('#search', '');
    await page.selectOption('#filter-owner', 'none');
    expect(await rowNames()).toEqual(['orphan-svc', 'partner-api', 'payments-open']);
    await page.selectOption('#filter-owner', 'aws-gateway-api-controller');
    expect(await rowNames()).toEqual(['parking-default']);
    await page.selectOption('#filter-owner', '');
    await page.selectOption('#filter-auth', 'AWS_IAM');
    expect(await rowNames()).toEqual(['partner-api']);
    await page.selectOption('#filter-auth', '');
    await page.check('#filter-findings');
    expect(await rowNames()).toEqual(['orphan-svc', 'parking-default', 'partner-api', 'payments-open']);
    await page.uncheck('#filter-findings');
    expect(await page.locator('#shown').textContent()).toBe('7 of 7 services');
  });

  it("opens a service's detail: rules in priority order with targets and weights, target health", async () => {
    await page.click(`#services tr[data-service-id="${ids.services.storefront}"] button`);
    await page.locator('#detail').waitFor({ state: 'visible' });
    expect(await page.locator('#detail-title').textContent()).toBe('Service storefront-store');
    const rules = await page
      .locator('#detail table.rules tbody tr')
      .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rules).toEqual([
      ['1', 'prefix /inventory', 'forward to k8s-storefront-inventory-80-abcdef012345 (weight 1)'],
      ['2', 'prefix /', 'forward to k8s-storefront-frontend-80-0123456789ab (weight 1)'],
      ['default', 'anything else', 'fixed response 404'],
    ]);
    expect(await page.locator('#detail table.targets tbody tr').count()).toBe(3);
    expect(await page.locator('#detail table.targets').textContent()).toContain('HEALTHY');
  });

  it('lists the findings', async () => {
    const codes = await page.locator('#findings tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')));
    expect(codes[0]).toBe('SERVICE_UNAUTHENTICATED');
    expect(codes).toEqual(expect.arrayContaining(['TARGET_GROUP_UNUSED', 'SERVICE_NOT_IN_NETWORK', 'GO_CONTROLLER_MANAGED']));
  });

  it('draws the topology as SVG: a node per network and per service, joined by lines', async () => {
    const nodeIds = (kind: string) =>
      page.locator(`#topology svg g.node[data-kind="${kind}"]`).evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-id')).sort());
    expect(await nodeIds('network')).toEqual(Object.values(ids.networks).sort());
    expect(await nodeIds('service')).toEqual(Object.values(ids.services).sort());
    expect(
      await page
        .locator(`#topology svg path.edge[data-from="network:${ids.networks.open}"][data-to="service:${ids.services.open}"]`)
        .count(),
    ).toBe(1);
    expect(await page.locator(`#topology svg g.node.high[data-id="${ids.services.open}"]`).count()).toBe(1);
    await page.click(`#topology svg g.node[data-id="${ids.services.legacy}"]`);
    expect(await page.locator('#detail-title').textContent()).toBe('Service parking-default');
    // DIRECTORY_SCREENSHOT=/tmp/page.png keeps a picture of the page, to look at it.
    if (process.env.DIRECTORY_SCREENSHOT) await page.screenshot({ path: process.env.DIRECTORY_SCREENSHOT, fullPage: true });
    expect(problems).toEqual([]);
  });
});
