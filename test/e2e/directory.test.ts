import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import Ajv from 'ajv';
import { ListServiceNetworksCommand, type VPCLatticeClient } from '@aws-sdk/client-vpc-lattice';
import { startEnvironment, type DemoEnvironment } from '../../demo/environment';
import { loadExampleManifests } from '../../demo/manifests';
import type { Directory } from '../../src/directory/types';
import { AdminApi } from '../../tools/emulatorAdmin';
import { closeOpenService, SEED, seedForeign, type ForeignIds } from '../support/directorySeed';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function directory(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'directory', ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const OURS = 'application-networking.k8s.aws';

describe("lattice-gw directory against the demo's resources and foreign ones in the same emulator", () => {
  let environment: DemoEnvironment;
  let lattice: VPCLatticeClient;
  let foreign: ForeignIds;
  let env: Record<string, string>;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: `npm test` builds it first (npm run build)');
    // The demo's routes, programmed by the hooks through the Metacontroller driver, with an
    // IAMAuthPolicy on its Gateway (so that only the seeded open service is open).
    environment = await startEnvironment({ root: ROOT, transitionMs: 10, timeScale: 0.005 });
    for (const file of loadExampleManifests(ROOT)) for (const object of file.objects) environment.cluster.apply(object);
    environment.cluster.apply({
      apiVersion: `${OURS}/v1alpha1`,
      kind: 'IAMAuthPolicy',
      metadata: { name: 'protect-network', namespace: 'infra' },
      spec: { targetRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'demo-network' }, policy: SEED.policy },
    });
    await environment.driver.runUntilStable();
    lattice = environment.lattice;
    const demoNetwork = (await lattice.send(new ListServiceNetworksCommand({}))).items?.find((n) => n.name === 'demo-network')?.id;
    if (!demoNetwork) throw new Error('the demo did not create its service network');
    // Resources the seed makes are usable at once (no CREATE_IN_PROGRESS), like long-standing ones.
    const admin = new AdminApi(environment.emulatorEndpoint);
    await admin.config({ transitionMs: 0 });
    foreign = await seedForeign(lattice, demoNetwork, admin);
    env = {
      AWS_ENDPOINT_URL: environment.emulatorEndpoint,
      AWS_REGION: 'us-west-2',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      CLUSTER_NAME: 'local',
      CLUSTER_VPC_ID: SEED.vpc,
      LATTICE_API_RPS: '1000',
      LATTICE_API_BURST: '1000',
    };
  });

  afterAll(async () => {
    await environment?.close();
  });

  const json = async (extra: Record<string, string> = {}) => {
    const run = await directory(['--output', 'json'], { ...env, ...extra });
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout) as Directory;
  };
  const byName = (d: Directory, name: string) => {
    const service = d.services.find((s) => s.name === name);
    if (!service) throw new Error(`no service ${name} in ${d.services.map((s) => s.name).join(', ')}`);
    return service;
  };

  it('prints every service with its owner, and the findings', async () => {
    const run = await directory([], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const row = (name: string) => run.stdout.split('\n').find((l) => l.startsWith(`${name} `)) ?? '';
    expect(row('storefront-store')).toMatch(
      /lattice-gateway-hooks \(this cluster\): HTTPRoute store\/storefront\s+demo-network\s+NONE\s+none\s+healthy\s+SERVICE_NO_ACCESS_LOGS\s/,
    );
    expect(row('inventory-inventory')).toContain('lattice-gateway-hooks (this cluster): HTTPRoute inventory/inventory');
    expect(row('checkout-shop')).toContain('lattice-gateway-hooks (cluster east in 123456789012): HTTPRoute shop/checkout');
    expect(row('parking-default')).toMatch(/AWS Gateway API controller \(Go\) \(cluster legacy .*GO_CONTROLLER_MANAGED/);
    expect(row('payments-open')).toMatch(/^payments-open\s+nobody\s+open-network\s+NONE\s+none\s+no-targets\s+SERVICE_UNAUTHENTICATED/);
    expect(row('orphan-svc')).toContain('SERVICE_NOT_IN_NETWORK');
    expect(row('partner-api')).toMatch(/^partner-api\s+nobody, shared by account 999988887777\s+demo-network\s+IAM\s/);
    expect(run.stdout).toMatch(
      /high\s+SERVICE_UNAUTHENTICATED\s+service payments-open\s+auth type NONE on the service and on its network open-network/,
    );
    expect(run.stdout).toMatch(/medium\s+TARGET_GROUP_UNUSED\s+target-group k8s-oldroute-gone-80-fedcba987654/);
    expect(run.stdout).toContain('3 service networks, 7 services, 8 target groups, 10 of 10 targets healthy');
  });

  it('prints JSON that validates against docs/directory.schema.json, and the schema refuses a broken document', async () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'docs', 'directory.schema.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);
    const parsed = await json();
    expect(validate(parsed) ? [] : validate.errors).toEqual([]);
    const broken = structuredClone(parsed) as unknown as { services: Record<string, unknown>[] };
    delete broken.services[0]?.owner;
    expect(validate(broken)).toBe(false);
  });

  it('tells owners apart and links services, rules in priority order, target groups and targets', async () => {
    const d = await json();
    expect(d.thisCluster).toBe(SEED.thisCluster);
    expect(byName(d, 'storefront-store').owner).toMatchObject({
      manager: 'lattice-gateway-hooks',
      thisCluster: true,
      cluster: 'local',
      source: 'HTTPRoute store/storefront',
    });
    expect(byName(d, 'checkout-shop').owner).toMatchObject({ manager: 'lattice-gateway-hooks', thisCluster: false, cluster: 'east' });
    expect(byName(d, 'parking-default').owner).toMatchObject({ manager: 'aws-gateway-api-controller', cluster: 'legacy' });
    expect(byName(d, 'payments-open').owner.manager).toBe('none');
    // Shared from a partner account through RAM: listed, marked shared, in this account's network.
    expect(byName(d, 'partner-api')).toMatchObject({
      shared: true,
      arn: expect.stringContaining(':999988887777:'),
      networks: [expect.objectContaining({ serviceNetworkName: 'demo-network' })],
    });
    expect(d.serviceNetworks.find((n) => n.name === 'partner-network')).toMatchObject({ shared: true, authType: 'AWS_IAM' });
    expect(d.serviceNetworks.find((n) => n.name === 'demo-network')?.shared).toBe(false);
    const storefront = byName(d, 'storefront-store');
    expect(storefront.networks.map((n) => n.serviceNetworkName)).toEqual(['demo-network']);
    const rules = storefront.listeners[0]?.rules ?? [];
    expect(rules.map((r) => [r.priority, r.match])).toEqual([
      [1, 'exact /thumbnails'],
      [2, 'prefix /thumbnails/'],
      [3, 'exact /inventory'],
      [4, 'prefix /inventory/'],
      [5, 'exact /cart'],
      [6, 'prefix /cart/'],
      [7, 'prefix /'],
      [null, 'anything else'],
    ]);
    expect(rules[2]?.action).toEqual({
      type: 'forward',
      targetGroups: [
        {
          targetGroupId: expect.stringMatching(/^tg-/),
          targetGroupName: expect.stringMatching(/^k8s-storefront-inventory-inventory-80-[0-9a-f]{12}$/),
          weight: 1,
        },
      ],
    });
    expect(rules[7]?.action).toEqual({ type: 'fixed-response', statusCode: 404 });
    expect(storefront.health).toBe('healthy');
    expect(d.serviceNetworks.find((n) => n.name === 'demo-network')).toMatchObject({
      authType: 'AWS_IAM',
      authPolicy: true,
      vpcs: [expect.objectContaining({ vpcId: SEED.vpc })],
      owner: { manager: 'lattice-gateway-hooks', thisCluster: true },
    });
    expect(d.targetGroups.find((g) => g.id === foreign.targetGroups.leaked)).toMatchObject({ usedByRules: false, targets: [] });
    expect(
      d.targetGroups
        .filter((g) => g.owner.thisCluster && g.usedByRules)
        .map((g) => g.owner.source)
        .sort(),
    ).toEqual([
      'HTTPRoute inventory/inventory → Service inventory/inventory',
      'HTTPRoute inventory/inventory → Service inventory/inventory-v2',
      'HTTPRoute store/storefront → Service inventory/inventory',
      'HTTPRoute store/storefront → Service store/cart',
      'HTTPRoute store/storefront → Service store/frontend',
    ]);
  });

  it('prints one CSV row per service', async () => {
    const run = await directory(['--output', 'csv'], env);
    expect(run.code).toBe(0);
    const rows = run.stdout
      .trimEnd()
      .split('\r\n')
      .map((line) => line.split(','));
    expect(rows[0]?.slice(0, 6)).toEqual(['service', 'id', 'arn', 'status', 'shared', 'manager']);
    expect(rows.slice(1).map((r) => r[0])).toEqual([
      'checkout-shop',
      'inventory-inventory',
      'orphan-svc',
      'parking-default',
      'partner-api',
      'payments-open',
      'storefront-store',
    ]);
    expect(rows.find((r) => r[0] === 'payments-open')?.at(-1)).toBe(
      'high:SERVICE_UNAUTHENTICATED;medium:SERVICE_NO_ACCESS_LOGS;info:SERVICE_UNMANAGED',
    );
  });

  it('leaves out a resource deleted while it is read, and says so', async () => {
    const admin = new AdminApi(environment.emulatorEndpoint);
    await admin.addFault({ operation: 'GetService', error: 'ResourceNotFoundException', afterCalls: 2, times: 1 });
    const d = await json();
    expect(d.services).toHaveLength(6);
    expect(d.summary.services).toBe(6);
    expect(d.skipped).toEqual([{ resourceType: 'service', id: expect.stringMatching(/^svc-/), reason: 'deleted while it was being read' }]);
    await admin.ok('DELETE', 'faults');
  });

  it('reads on when the owner of a shared resource refuses its tags or access logs (AccessDenied), and stops on other errors', async () => {
    const admin = new AdminApi(environment.emulatorEndpoint);
    await admin.addFault({ operation: 'ListTagsForResource', error: 'AccessDeniedException', times: 1 });
    await admin.addFault({ operation: 'ListAccessLogSubscriptions', error: 'AccessDeniedException', times: 1 });
    const d = await json();
    expect(d.services).toHaveLength(7);
    expect(d.skipped).toEqual([]);
    await admin.ok('DELETE', 'faults');
    await admin.addFault({ operation: 'ListTargets', error: 'ValidationException', times: 1 });
    const failed = await directory([], env);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^lattice-gw: .*Fault injected by the emulator/);
    await admin.ok('DELETE', 'faults');
  });

  it('refuses unknown options and values with exit code 2', async () => {
    const run = await directory(['--output', 'xml'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--output must be table, json or csv');
    expect((await directory(['--fail-on', 'critical'], env)).code).toBe(2);
  });

  /** `directory --serve` on a free loopback port: its URL once it listens, and its exit code once stopped. */
  async function servePage(extraEnv: Record<string, string>) {
    const child = spawn(process.execPath, [CLI, 'directory', '--serve', '--port', '0', '--refresh-seconds', '5'], {
      env: { PATH: process.env.PATH ?? '', ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        for (const line of buffered.split('\n')) {
          const entry = line.startsWith('{') ? (JSON.parse(line) as { msg?: string; url?: string }) : {};
          if (entry.msg === 'service directory page listening' && entry.url) resolve(entry.url);
        }
      });
      void exited.then((code) => reject(new Error(`directory --serve exited with ${code}`)));
    });
    return { child, url, exited };
  }

  /** The status of a GET naming `host` in its Host header (fetch cannot set it). */
  function statusWithHost(url: string, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const request = http.get(`${url}api/directory`, { headers: { host } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
    });
  }

  it('--serve without a token answers on loopback only to the names of loopback (no DNS rebinding)', async () => {
    const { child, url, exited } = await servePage({});
    try {
      const port = new URL(url).port;
      expect(await statusWithHost(url, `127.0.0.1:${port}`)).toBe(200);
      expect(await statusWithHost(url, `localhost:${port}`)).toBe(200);
      expect(await statusWithHost(url, `rebound.example:${port}`)).toBe(421);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('--serve runs the page on loopback with a bearer token on its API, until SIGTERM', async () => {
    const token = 'directory-token-0123456789';
    const { child, url, exited } = await servePage({ DIRECTORY_AUTH_TOKEN: token });
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect((await fetch(`${url}api/directory`)).status).toBe(401);
      // The page listens at once and reads the account in the background.
      let answer: { directory: Directory | null; refreshing: boolean } = { directory: null, refreshing: true };
      while (answer.directory === null) {
        answer = (await (await fetch(`${url}api/directory`, { headers: { authorization: `Bearer ${token}` } })).json()) as typeof answer;
        if (answer.directory === null) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(answer.directory.services.map((s) => s.name)).toContain('payments-open');
      expect((await fetch(url)).headers.get('content-type')).toBe('text/html; charset=utf-8');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  // Last: it changes the account.
  it('--fail-on high exits 1 while the open service is open, and 0 once it requires IAM auth', async () => {
    const open = await directory(['--fail-on', 'high'], env);
    expect(open.code).toBe(1);
    expect(open.stderr).toContain('findings at high severity or worse');
    await closeOpenService(lattice, foreign.services.open);
    const closed = await directory(['--fail-on', 'high'], env);
    expect(closed.stderr).toBe('');
    expect(closed.code).toBe(0);
    expect((await directory(['--fail-on', 'medium'], env)).code).toBe(1);
  });
});
