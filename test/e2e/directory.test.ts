import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { VPCLatticeClient } from '@aws-sdk/client-vpc-lattice';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import type { Directory } from '../../src/directory/types';
import { AdminApi } from '../support/emulatorAdmin';
import { closeOpenService, SEED, seedAccount, type SeededIds } from '../support/directorySeed';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function directory(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'directory', ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('lattice-gw directory against an emulator seeded like a real account', () => {
  let emulator: RunningEmulator;
  let lattice: VPCLatticeClient;
  let ids: SeededIds;
  let env: Record<string, string>;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: `npm test` builds it first (npm run build)');
    emulator = await startEmulator({ port: 0 });
    lattice = new VPCLatticeClient({ endpoint: emulator.endpoint, region: 'us-west-2', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    ids = await seedAccount(lattice);
    env = {
      AWS_ENDPOINT_URL: emulator.endpoint,
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
    lattice?.destroy();
    await emulator?.close();
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
    expect(row('storefront-store')).toContain('lattice-gateway-hooks (this cluster): HTTPRoute store/storefront');
    expect(row('checkout-shop')).toContain('lattice-gateway-hooks (cluster east in 123456789012): HTTPRoute shop/checkout');
    expect(row('parking-default')).toMatch(/AWS Gateway API controller \(Go\) \(cluster legacy .*GO_CONTROLLER_MANAGED/);
    expect(row('payments-open')).toMatch(/^payments-open\s+nobody\s+open-network\s+NONE\s+none\s+no-targets\s+SERVICE_UNAUTHENTICATED/);
    expect(row('orphan-svc')).toContain('SERVICE_NOT_IN_NETWORK');
    expect(run.stdout).toMatch(/high\s+SERVICE_UNAUTHENTICATED\s+service payments-open\s+auth type NONE on the service and on its network open-network/);
    expect(run.stdout).toMatch(/medium\s+TARGET_GROUP_UNUSED\s+target-group k8s-oldroute-gone-80-fedcba987654/);
    expect(run.stdout).toContain('6 services, 6 target groups, 7 of 7 targets healthy');
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
    expect(byName(d, 'storefront-store').owner).toMatchObject({ manager: 'lattice-gateway-hooks', thisCluster: true, cluster: 'local', source: 'HTTPRoute store/storefront' });
    expect(byName(d, 'checkout-shop').owner).toMatchObject({ manager: 'lattice-gateway-hooks', thisCluster: false, cluster: 'east' });
    expect(byName(d, 'parking-default').owner).toMatchObject({ manager: 'aws-gateway-api-controller', cluster: 'legacy' });
    expect(byName(d, 'payments-open').owner.manager).toBe('none');
    const storefront = byName(d, 'storefront-store');
    expect(storefront.networks.map((n) => n.serviceNetworkName)).toEqual(['demo-network']);
    expect(storefront.listeners[0]?.rules.map((r) => [r.priority, r.match, r.action.type === 'forward' ? r.action.targetGroups.map((t) => `${t.targetGroupName}:${t.weight}`) : r.action])).toEqual([
      [1, 'prefix /inventory', ['k8s-storefront-inventory-80-abcdef012345:1']],
      [2, 'prefix /', ['k8s-storefront-frontend-80-0123456789ab:1']],
      [null, 'anything else', { type: 'fixed-response', statusCode: 404 }],
    ]);
    expect(storefront.health).toBe('healthy');
    const demo = d.serviceNetworks.find((n) => n.name === 'demo-network');
    expect(demo).toMatchObject({ authType: 'AWS_IAM', authPolicy: true, vpcs: [expect.objectContaining({ vpcId: SEED.vpc })], accessLogDestinations: ['arn:aws:logs:us-west-2:123456789012:log-group:lattice-demo'] });
    expect(d.targetGroups.find((g) => g.id === ids.targetGroups.leaked)).toMatchObject({ usedByRules: false, targets: [] });
    expect(d.targetGroups.find((g) => g.id === ids.targetGroups.frontend)?.targets.map((t) => t.status)).toEqual(['HEALTHY', 'HEALTHY']);
  });

  it('prints one CSV row per service', async () => {
    const run = await directory(['--output', 'csv'], env);
    expect(run.code).toBe(0);
    const rows = run.stdout.trimEnd().split('\r\n').map((line) => line.split(','));
    expect(rows[0]?.slice(0, 6)).toEqual(['service', 'id', 'arn', 'status', 'shared', 'manager']);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['checkout-shop', 'inventory-inventory', 'orphan-svc', 'parking-default', 'payments-open', 'storefront-store']);
    expect(rows.find((r) => r[0] === 'payments-open')?.at(-1)).toBe('high:SERVICE_UNAUTHENTICATED;medium:SERVICE_NO_ACCESS_LOGS;info:SERVICE_UNMANAGED');
  });

  it('leaves out a resource deleted while it is read, and says so', async () => {
    const admin = new AdminApi(emulator.endpoint);
    await admin.addFault({ operation: 'GetService', error: 'ResourceNotFoundException', afterCalls: 2, times: 1 });
    const d = await json();
    expect(d.services).toHaveLength(5);
    expect(d.skipped).toEqual([{ resourceType: 'service', id: expect.stringMatching(/^svc-/), reason: 'deleted while it was being read' }]);
    await admin.ok('DELETE', 'faults');
  });

  it('refuses unknown options and values with exit code 2', async () => {
    const run = await directory(['--output', 'xml'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--output must be table, json or csv');
    expect((await directory(['--fail-on', 'critical'], env)).code).toBe(2);
  });

  // Last: it changes the account.
  it('--fail-on high exits 1 while the open service is open, and 0 once it requires IAM auth', async () => {
    const open = await directory(['--fail-on', 'high'], env);
    expect(open.code).toBe(1);
    expect(open.stderr).toContain('findings at high severity or worse');
    await closeOpenService(lattice, ids.services.open);
    const closed = await directory(['--fail-on', 'high'], env);
    expect(closed.stderr).toBe('');
    expect(closed.code).toBe(0);
    expect((await directory(['--fail-on', 'medium'], env)).code).toBe(1);
  });
});
