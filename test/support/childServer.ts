import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

/** One `lattice-gw serve --backend aws` process, pointed at an emulator through AWS_ENDPOINT_URL. */
export interface ChildServer {
  readonly url: string;
  readonly pid: number;
  /** Every JSON log line the process wrote to stdout so far. */
  readonly logs: Record<string, unknown>[];
  /** Resolves with the exit code (null when a signal ended it) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * The environment a pod of the chart would have, with the AWS side replaced by the emulator at
 * `endpoint` (the SDK reads AWS_ENDPOINT_URL and static credentials). `env` adds or overrides.
 */
export function childServerEnv(endpoint: string, env: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-west-2',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    CLUSTER_NAME: 'local',
    CLUSTER_VPC_ID: 'vpc-0a1b2c3d4e5f60718',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...env,
  };
}

/** Starts the built CLI (`npm test` builds dist/ first) and waits until it listens. */
export async function startChildServer(env: Record<string, string>): Promise<ChildServer> {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: `npm test` builds it first (npm run build)');
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve', '--backend', 'aws'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  let pending = '';
  // 'close', not 'exit': by then everything the process wrote to stdout has been read.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'hook server listening' && typeof entry.url === 'string') resolve(entry.url);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    void exited.then(({ code, signal }) =>
      reject(new Error(`the server exited before listening (code ${code}, signal ${signal}): ${stderr}`)),
    );
  });
  return {
    url,
    pid: child.pid ?? 0,
    logs,
    exited,
    kill: (signal) => {
      child.kill(signal);
    },
  };
}
