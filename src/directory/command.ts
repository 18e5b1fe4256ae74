import { createLogger } from '../log';
import { loadConfig } from '../config';
import { failsAt } from './audit';
import { progressBar } from './progress';
import { renderCsv, renderTable } from './render';
import { openDirectorySource, type DirectorySource } from './source';
import { SEVERITIES, type Severity } from './types';
import { startRefresher } from './web/refresher';
import { buildDirectoryPage } from './web/server';

type Env = Readonly<Record<string, string | undefined>>;

export interface DirectoryIo {
  env: Env;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Where the progress bar is drawn (stderr); drawn only when it is a TTY. */
  progress?: { isTTY?: boolean; write(text: string): unknown };
  onStarted?: (stop: (signal: string) => Promise<void>) => void;
}

export class DirectoryUsageError extends Error {}

export interface DirectoryOptions {
  output: 'table' | 'json' | 'csv';
  failOn: Severity | undefined;
  serve: boolean;
  port: number;
  host: string;
  refreshSeconds: number;
}

const FLAGS = new Set(['--serve']);
const VALUED = new Set(['--output', '--fail-on', '--port', '--host', '--refresh-seconds']);

function wholeNumber(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max)
    throw new DirectoryUsageError(`${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  return Number(text);
}

export function parseDirectoryArgs(args: readonly string[]): DirectoryOptions {
  const values = new Map<string, string>();
  let serve = false;
  for (let i = 0; i < args.length; i++) {
    const name = args[i] as string;
    if (FLAGS.has(name)) serve = true;
    else if (VALUED.has(name)) {
      const value = args[++i];
      if (value === undefined || value.startsWith('--')) throw new DirectoryUsageError(`${name} needs a value`);
      values.set(name, value);
    } else throw new DirectoryUsageError(`unknown option "${name}" (known: ${[...FLAGS, ...VALUED].join(', ')})`);
  }
  const output = values.get('--output') ?? 'table';
  if (output !== 'table' && output !== 'json' && output !== 'csv')
    throw new DirectoryUsageError(`--output must be table, json or csv, got "${output}"`);
  const failOn = values.get('--fail-on');
  if (failOn !== undefined && !(SEVERITIES as readonly string[]).includes(failOn))
    throw new DirectoryUsageError(`--fail-on must be one of ${SEVERITIES.join(', ')}, got "${failOn}"`);
  if (!serve && ['--port', '--host', '--refresh-seconds'].some((n) => values.has(n)))
    throw new DirectoryUsageError('--port, --host and --refresh-seconds go with --serve');
  if (serve && (values.has('--output') || failOn !== undefined))
    throw new DirectoryUsageError('--output and --fail-on do not go with --serve');
  return {
    output,
    failOn: failOn as Severity | undefined,
    serve,
    port: wholeNumber('--port', values.get('--port') ?? '8282', 0, 65535),
    host: values.get('--host') ?? '127.0.0.1',
    refreshSeconds: wholeNumber('--refresh-seconds', values.get('--refresh-seconds') ?? '60', 5, 86400),
  };
}

async function printOnce(source: DirectorySource, options: DirectoryOptions, io: DirectoryIo): Promise<number> {
  const bar = progressBar(io.progress ?? { write: () => undefined });
  let directory;
  try {
    directory = await source.read((done, total) => bar.update(done, total));
  } finally {
    bar.end();
  }
  if (options.output === 'json') io.stdout(`${JSON.stringify(directory, null, 2)}\n`);
  else if (options.output === 'csv') io.stdout(renderCsv(directory));
  else io.stdout(renderTable(directory));
  if (options.failOn !== undefined && failsAt(directory.findings, options.failOn)) {
    io.stderr(`lattice-gw directory: findings at ${options.failOn} severity or worse\n`);
    return 1;
  }
  return 0;
}

async function serveDirectory(source: DirectorySource, options: DirectoryOptions, io: DirectoryIo): Promise<number> {
  const token = io.env.DIRECTORY_AUTH_TOKEN?.trim() || undefined;
  if (token !== undefined && (token.length < 16 || /\s/.test(token)))
    throw new DirectoryUsageError('DIRECTORY_AUTH_TOKEN must be at least 16 characters without whitespace');
  const logger = createLogger(
    loadConfig({ CLUSTER_NAME: 'directory', CLUSTER_VPC_ID: 'vpc-00000000', ...io.env }, { backend: 'aws' }).logLevel,
  );
  const refresher = startRefresher(() => source.read(), options.refreshSeconds * 1000, logger);
  const app = await buildDirectoryPage({
    refresher,
    refreshSeconds: options.refreshSeconds,
    logger,
    ...(token ? { authToken: token } : {}),
  });
  await app.listen({ port: options.port, host: options.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  logger.info(
    { url: `http://${options.host}:${port}/`, refreshSeconds: options.refreshSeconds, auth: token !== undefined },
    'service directory page listening',
  );
  io.onStarted?.(async () => {
    refresher.stop();
    await app.close();
    source.close();
  });
  return 0;
}

/** `lattice-gw directory`: prints the directory once (exit 1 with --fail-on when a finding is that bad), or serves the page. */
export async function directoryCommand(args: readonly string[], io: DirectoryIo): Promise<number> {
  const options = parseDirectoryArgs(args);
  const source = await openDirectorySource(io.env);
  if (options.serve) return serveDirectory(source, options, io);
  try {
    return await printOnce(source, options, io);
  } finally {
    source.close();
  }
}
