#!/usr/bin/env node
import { loadConfig, type LatticeBackend } from './config';
import { ConfigError, LatticeGwError } from './errors';
import { createLogger } from './log';
import { createControllers } from './controllers/registry';
import { renderManifestFiles } from './install/manifests';
import { renderChartFiles } from './install/chart';
import { writeGeneratedFiles } from './install/generatedFiles';
import { crdManifests } from './crds';
import { readTlsFiles, startServer } from './server/serve';
import { startLatticeBackend } from './lattice/backend';
import { startEmulator } from './emulator';
import { directoryCommand, DirectoryUsageError } from './directory/command';

const USAGE = `usage: lattice-gw <command> [options]

commands:
  serve [--backend aws|emulator]      run the Metacontroller hook server (configuration from the environment)
  emulator [--port 8181] [--host H]   run the local VPC Lattice + STS emulator
  manifests [--out DIR] [--chart DIR] write the kustomize install (metacontroller/) to DIR and the Helm
                                      chart's generated files into the chart at DIR (default: print the former)
  directory [--output table|json|csv] [--fail-on info|low|medium|high]
                                      read-only service directory and audit of the account's Lattice services
                                      (exit 1 when a finding is at --fail-on severity or worse)
  directory --serve [--port 8282] [--host 127.0.0.1] [--refresh-seconds 60]
                                      the same as a web page, refreshed in the background
`;

export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Where progress bars are drawn (when it is a terminal). */
  progress?: { isTTY?: boolean; write(text: string): unknown };
  /** Called with the shutdown function once a long-running command has started. */
  onStarted?: (stop: (signal: string) => Promise<void>) => void;
}

class UsageError extends Error {}

/** Refuses options a command does not know, rather than ignoring a typo like `--embedded-emulator`. */
function onlyOptions(args: string[], known: readonly string[]): void {
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i] as string;
    if (!known.includes(name)) throw new UsageError(`unknown option "${name}"${known.length > 0 ? ` (known: ${known.join(', ')})` : ''}`);
  }
}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  if (at === -1) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
  return value;
}

function backendOption(args: string[]): LatticeBackend | undefined {
  onlyOptions(args, ['--backend']);
  const value = option(args, '--backend');
  if (value !== undefined && value !== 'aws' && value !== 'emulator')
    throw new UsageError(`--backend must be aws or emulator, got "${value}"`);
  return value;
}

async function serve(args: string[], io: CliIo): Promise<number> {
  const backendChoice = backendOption(args);
  const config = loadConfig(io.env, backendChoice ? { backend: backendChoice } : {});
  const tls = readTlsFiles(config);
  const logger = createLogger(config.logLevel);
  const backend = await startLatticeBackend(config, logger);
  const server = await startServer(config, logger, {
    controllers: createControllers({ externalDnsEndpoints: config.externalDnsEndpoints }),
    aws: backend,
    ...(tls ? { tls } : {}),
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down: finishing in-flight hooks');
    const timer = setTimeout(() => {
      logger.error({ graceMs: config.shutdownGraceMs }, 'in-flight hooks did not finish within SHUTDOWN_GRACE_MS; exiting');
      process.exit(1);
    }, config.shutdownGraceMs);
    timer.unref();
    await server.close();
    await backend.close();
    clearTimeout(timer);
    logger.info('stopped');
  };
  io.onStarted?.(stop);
  return 0;
}

async function emulator(args: string[], io: CliIo): Promise<number> {
  onlyOptions(args, ['--port', '--host']);
  const portText = option(args, '--port') ?? '8181';
  if (!/^\d+$/.test(portText) || Number(portText) > 65535) throw new UsageError(`--port must be a port number, got "${portText}"`);
  const host = option(args, '--host') ?? '127.0.0.1';
  const logger = createLogger('info');
  const running = await startEmulator({ port: Number(portText), host, logger });
  logger.info({ endpoint: running.endpoint }, 'VPC Lattice emulator listening');
  io.onStarted?.(async () => running.close());
  return 0;
}

function manifests(args: string[], io: CliIo): number {
  onlyOptions(args, ['--out', '--chart']);
  const out = option(args, '--out');
  const chart = option(args, '--chart');
  const wirings = createControllers().map((c) => c.wiring);
  const crds = crdManifests();
  const files = renderManifestFiles(wirings, crds);
  if (out === undefined && chart === undefined) {
    for (const [name, content] of files) io.stdout(`---\n# ${name}\n${content}`);
    return 0;
  }
  const targets: [string, ReadonlyMap<string, string>][] = [];
  if (out !== undefined) targets.push([out, files]);
  if (chart !== undefined) targets.push([chart, renderChartFiles(wirings, crds)]);
  for (const [dir, rendered] of targets) {
    const result = writeGeneratedFiles(dir, rendered);
    const removed = result.removed.length > 0 ? ` (removed stale ${result.removed.join(', ')})` : '';
    io.stdout(`wrote ${result.written} files to ${dir}${removed}\n`);
  }
  return 0;
}

/** Runs one command; returns the exit code (2: usage or configuration error). */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serve(args, io);
      case 'emulator':
        return await emulator(args, io);
      case 'manifests':
        return manifests(args, io);
      case 'directory':
        return await directoryCommand(args, io);
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.stdout(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof DirectoryUsageError) {
      io.stderr(`lattice-gw: ${error.message}\n${USAGE}`);
      return 2;
    }
    if (error instanceof ConfigError) {
      io.stderr(`lattice-gw: invalid configuration: ${error.message}\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    const code = error instanceof LatticeGwError ? ` [${error.code}]` : '';
    io.stderr(`lattice-gw: ${message}${code}\n`);
    return 1;
  }
}

if (require.main === module) {
  // The AWS SDK is pinned to releases that support Node.js 20; its notice about future releases
  // would only break the one-line error contract and the JSON log stream.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const io: CliIo = {
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    progress: process.stderr,
    onStarted: (stop) => {
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.once(signal, () => {
          void stop(signal).then(() => process.exit(0));
        });
      }
    },
  };
  void main(process.argv.slice(2), io).then((code) => {
    if (code !== 0) process.exit(code);
  });
}
