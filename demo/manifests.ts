import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../src/metacontroller/types';

/** The demo's manifests, relative to the repository root: what a user would `kubectl apply -f`. */
export const EXAMPLES_DIR = 'examples/demo';

export interface ManifestFile {
  /** Repository-relative path. */
  file: string;
  objects: KubeObject[];
}

/** The YAML files of `examples/demo/`, in file-name order (as `kubectl apply -f` reads a directory). */
export function loadExampleManifests(root: string): ManifestFile[] {
  const dir = join(root, EXAMPLES_DIR);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml') || name.endsWith('.yml'))
    .sort()
    .map((name) => {
      const file = `${EXAMPLES_DIR}/${name}`;
      const objects: KubeObject[] = [];
      for (const doc of parseAllDocuments(readFileSync(join(dir, name), 'utf8'))) {
        if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
        const object = doc.toJS() as KubeObject | null;
        if (object) objects.push(object);
      }
      return { file, objects };
    });
}
