import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { GENERATED_HEADER } from './manifests';

export interface WriteResult {
  written: number;
  /** Generated files of an earlier run that are no longer rendered (a controller or CRD was removed). */
  removed: string[];
}

function isGenerated(path: string): boolean {
  return readFileSync(path, 'utf8').startsWith(GENERATED_HEADER);
}

/**
 * Writes rendered files under `root`, then deletes stale generated files from the directories it
 * wrote into. Only files that start with the generated header are deleted, and only in those
 * directories (not below them), so hand-written files next to generated ones are never touched.
 */
export function writeGeneratedFiles(root: string, files: ReadonlyMap<string, string>): WriteResult {
  const directories = new Set<string>();
  for (const [name, content] of files) {
    const path = join(root, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    directories.add(posix.dirname(name));
  }
  const removed: string[] = [];
  for (const directory of directories) {
    for (const entry of readdirSync(join(root, directory), { withFileTypes: true })) {
      const name = directory === '.' ? entry.name : `${directory}/${entry.name}`;
      if (!entry.isFile() || !entry.name.endsWith('.yaml') || files.has(name)) continue;
      if (!isGenerated(join(root, name))) continue;
      rmSync(join(root, name));
      removed.push(name);
    }
  }
  return { written: files.size, removed };
}
