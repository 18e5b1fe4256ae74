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

  it('prints every service with its owner and its findings', async () => {
    const run = await directory([], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    process.stdout.write(run.stdout);
  });

  it('prints JSON that validates against docs/directory.schema.json', async () => {
    const run = await directory(['--output', 'json'], env);
    expect(run.code).toBe(0);
    const schema = JSON.parse(readFileSync(join(ROOT, 'docs', 'directory.schema.json'), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: true });
    const validate = ajv.compile(schema);
    const parsed = JSON.parse(run.stdout) as Directory;
    expect(validate.errors ?? validate(parsed)).toBe(true);
    void ids;
  });
});
