import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { sdkCommandsIn, type SdkCommandUse } from './sdkCommands';

/** Where the hooks' AWS calls live: the IAM policy is derived from the commands sent here. */
export const AWS_CALL_DIR = join('src', 'lattice');

/**
 * IAM service prefix of each SDK client package the code may use. For these services the
 * IAM action is named exactly like the API operation. A client missing here fails the
 * derivation (rather than being left out of the policy).
 */
export const SERVICE_PREFIXES: Readonly<Record<string, string>> = {
  '@aws-sdk/client-vpc-lattice': 'vpc-lattice',
  '@aws-sdk/client-acm': 'acm',
  '@aws-sdk/client-sts': 'sts',
  '@aws-sdk/client-lambda': 'lambda',
  '@aws-sdk/client-resource-groups-tagging-api': 'tag',
};

/** An IAM action the code needs, with the places that call it (for failure messages). */
export interface DerivedAction {
  action: string;
  calledAt: string[];
}

export class UnknownSdkClientError extends Error {}

/** Every `.ts` file under `dir` (declaration files excluded), as repository-relative paths with `/`. */
export function typeScriptFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...typeScriptFiles(root, path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path.split(sep).join('/'));
  }
  return out.sort();
}

/** The SDK commands sent by the TypeScript files under `dir`. */
export function sdkCommandsUnder(root: string, dir: string): SdkCommandUse[] {
  return typeScriptFiles(root, dir).flatMap((file) => sdkCommandsIn(file, readFileSync(join(root, file), 'utf8')));
}

export function actionOf(use: SdkCommandUse): string {
  const prefix = SERVICE_PREFIXES[use.module];
  if (prefix === undefined) {
    throw new UnknownSdkClientError(
      `${use.file}:${use.line} sends ${use.operation} through ${use.module}, which has no IAM service prefix: add it to SERVICE_PREFIXES in scripts/iam/derive.ts`,
    );
  }
  return `${prefix}:${use.operation}`;
}

/** The IAM actions of a set of command uses, sorted, each with where it is called. */
export function actionsOf(uses: readonly SdkCommandUse[]): DerivedAction[] {
  const byAction = new Map<string, string[]>();
  for (const use of uses) {
    const action = actionOf(use);
    byAction.set(action, [...(byAction.get(action) ?? []), `${use.file}:${use.line}`]);
  }
  return [...byAction].sort(([a], [b]) => a.localeCompare(b)).map(([action, calledAt]) => ({ action, calledAt }));
}

/** The IAM actions the hooks' code calls (`src/lattice/`), from the repository at `root`. */
export function deriveActions(root: string): DerivedAction[] {
  return actionsOf(sdkCommandsUnder(root, AWS_CALL_DIR));
}

/**
 * The directory (`lattice-gw directory`) reads through these files only: its own policy, read-only,
 * can be given to a role separate from the hooks'.
 */
export const DIRECTORY_CALL_FILES = [join('src', 'lattice', 'directoryApi.ts'), join('src', 'lattice', 'clients.ts')];

/** The IAM actions of the directory's calls. */
export function deriveDirectoryActions(root: string): DerivedAction[] {
  return actionsOf(
    DIRECTORY_CALL_FILES.flatMap((file) => sdkCommandsIn(file.split(sep).join('/'), readFileSync(join(root, file), 'utf8'))),
  );
}
