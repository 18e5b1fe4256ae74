import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string>, onLine?: (line: string, kill: () => void) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (onLine) for (const line of chunk.toString().split('\n')) if (line) onLine(line, () => child.kill('SIGTERM'));
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('lattice-gw command line (built)', () => {
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: `npm test` builds it first (npm run build)');
  });

  it.each([
    [{ LATTICE_BACKEND: 'aws' }, 'CLUSTER_NAME'],
    [{ LATTICE_BACKEND: 'aws', CLUSTER_NAME: 'c', CLUSTER_VPC_ID: 'vpc-nope' }, 'CLUSTER_VPC_ID'],
    [{ LATTICE_BACKEND: 'emulator', PORT: 'eighty' }, 'PORT'],
    [
      { LATTICE_BACKEND: 'emulator', PORT: '0', TLS_CERT_FILE: '/nonexistent/cert.pem', TLS_KEY_FILE: '/nonexistent/key.pem' },
      'TLS_CERT_FILE',
    ],
  ])('serve stops with exit code 2 and one line naming the variable: %j', async (env, variable) => {
    const result = await run(['serve'], env);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(new RegExp(`^lattice-gw: invalid configuration: ${variable}: `));
  });

  it('refuses unknown commands and options with exit code 2', async () => {
    expect((await run(['frobnicate'], {})).code).toBe(2);
    expect((await run(['serve', '--backend', 'gcp'], {})).code).toBe(2);
    const typo = await run(['serve', '--embedded-emulator'], {});
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown option "--embedded-emulator"');
  });

  it('runs the emulator alone, reachable by the admin API, until SIGTERM', async () => {
    let calls: unknown;
    const result = await run(['emulator', '--port', '0'], {}, (line, kill) => {
      const entry = JSON.parse(line) as { msg?: string; endpoint?: string };
      if (entry.msg === 'VPC Lattice emulator listening' && entry.endpoint) {
        void request(`${entry.endpoint}/_emulator/calls`)
          .then(async (res) => {
            calls = await res.body.json();
          })
          .finally(kill);
      }
    });
    expect(calls).toEqual({ total: 0, byOperation: {} });
    expect(result.code).toBe(0);
  });

  it('serves, answers health checks, and stops cleanly on SIGTERM', async () => {
    let healthy = false;
    const result = await run(['serve', '--backend', 'emulator'], { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' }, (line, kill) => {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'hook server listening' && entry.url) {
        void request(`${entry.url}/healthz`)
          .then(async (res) => {
            healthy = res.statusCode === 200 && ((await res.body.json()) as { status: string }).status === 'ok';
          })
          .finally(kill);
      }
    });
    expect(healthy).toBe(true);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"msg":"stopped"');
  });
});
