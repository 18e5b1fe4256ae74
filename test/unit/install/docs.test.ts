import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadConfig } from '../../../src/config';
import { loadControllers } from '../../../tools/metacontroller/manifests';
import { KUSTOMIZE_DIR, PACKAGE_JSON } from './installFiles';

/** The user documentation against the code it describes: variables, their ranges, finalizers. */

const DOCS = join(dirname(PACKAGE_JSON), 'docs');
const read = (file: string) => readFileSync(join(DOCS, file), 'utf8');

/** What loadConfig needs besides the variable under test. */
const BASE_ENV = { CLUSTER_NAME: 'c', CLUSTER_VPC_ID: 'vpc-0123456789abcdef0' };

/** Why loadConfig refuses the value ('' when it does not). */
const refusal = (name: string, value: string) => {
  try {
    loadConfig({ ...BASE_ENV, [name]: value });
    return '';
  } catch (error) {
    return (error as Error).message;
  }
};
const accepts = (name: string, value: string) => refusal(name, value) === '';

/** Every environment variable loadConfig reads, whatever the backend. */
function variablesRead(): string[] {
  const names = new Set<string>();
  for (const backend of ['aws', 'emulator']) {
    const given: Record<string, string> = { ...BASE_ENV, LATTICE_BACKEND: backend };
    const env = new Proxy<Record<string, string | undefined>>(
      {},
      {
        get: (_target, key) => {
          if (typeof key !== 'string') return undefined;
          names.add(key);
          return given[key];
        },
      },
    );
    loadConfig(env);
  }
  return [...names].sort();
}

/** The table row of a variable in configuration.md. */
function rowOf(doc: string, variable: string): string | undefined {
  return doc.split('\n').find((line) => line.startsWith('|') && (line.split('|')[1] ?? '').includes(`\`${variable}\``));
}

describe('docs/configuration.md', () => {
  const doc = read('configuration.md');
  const variables = variablesRead();

  it('has a row for every variable the server reads', () => {
    expect(variables.length).toBeGreaterThan(10);
    expect(variables.filter((v) => rowOf(doc, v) === undefined)).toEqual([]);
  });

  it('gives for every numeric variable the range the server accepts', () => {
    const numeric = variables.filter((v) => /whole number/.test(refusal(v, 'twelve')));
    expect(numeric).toEqual(
      expect.arrayContaining(['HOOK_DEADLINE_MS', 'SHUTDOWN_GRACE_MS', 'LATTICE_RULES_PER_LISTENER', 'LATTICE_LISTENERS_PER_SERVICE']),
    );
    for (const variable of numeric) {
      const range = /(\d+)–(\d+)/.exec(rowOf(doc, variable) ?? '');
      expect([variable, range !== null]).toEqual([variable, true]);
      const [min, max] = [Number(range?.[1]), Number(range?.[2])];
      expect([variable, accepts(variable, String(min)), accepts(variable, String(max))]).toEqual([variable, true, true]);
      expect([variable, min === 0 || !accepts(variable, String(min - 1)), accepts(variable, String(max + 1))]).toEqual([
        variable,
        true,
        false,
      ]);
    }
  });

  it('names every metric the server exports', () => {
    const metrics = readFileSync(join(dirname(PACKAGE_JSON), 'src', 'server', 'metrics.ts'), 'utf8');
    const names = [...metrics.matchAll(/name: '(lattice_gw_[a-z_]+)'/g)].map((m) => m[1] as string);
    expect(names.length).toBeGreaterThan(0);
    const row = doc.split('\n').find((line) => line.startsWith('| `GET /metrics`')) ?? '';
    expect(names.filter((name) => !row.includes(`\`${name}\``))).toEqual([]);
  });
});

describe('the finalizer commands of install.md and operations.md', () => {
  /** `resource.group` of everything a controller with a finalize hook manages (and puts its finalizer on). */
  const finalized = loadControllers(KUSTOMIZE_DIR)
    .filter((c) => c.hooks.finalize)
    .flatMap((c) => c.targets.map((t) => `${t.resource}.${t.apiVersion.split('/')[0]}`));

  it('cover every kind that gets a finalizer', () => {
    expect(finalized).toEqual(
      expect.arrayContaining(['serviceexports.application-networking.k8s.aws', 'httproutes.gateway.networking.k8s.io']),
    );
    const uninstallLoop = /for kind in ([^;]+); do/.exec(read('install.md').replace(/\\\n/g, ' '))?.[1]?.split(/\s+/) ?? [];
    expect(finalized.filter((kind) => !uninstallLoop.includes(kind))).toEqual([]);
    const stuckQuery = /kubectl get ([a-z,]+) -A -o json/.exec(read('operations.md'))?.[1]?.split(',') ?? [];
    expect(finalized.filter((kind) => !stuckQuery.includes(kind.split('.')[0] as string))).toEqual([]);
  });
});
