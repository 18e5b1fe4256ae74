import { randomInt } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Harness, startHarness } from '../support/harness';
import { type HookSeed, recordHookSeeds, REPOSITORY_ROOT } from '../support/hookSeeds';

/**
 * Hostile input: request bodies mutated from real hook requests of every controller (wrong types,
 * missing and duplicate keys, huge strings, deep nesting, odd Unicode, `__proto__`/`constructor`
 * keys, names Lattice refuses) get 200, 400, 404, 413 or 429 with a JSON body, never a 5xx; the
 * heap stays bounded; and no invalid value reaches Lattice (the emulator answers no
 * ValidationException). FUZZ_SEED replays a run, FUZZ_CASES sets its size.
 */

const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : randomInt(2 ** 31);
// 2,000 keep the run near a minute on a heavily loaded 2-core machine; each run draws a new seed.
const CASES = process.env.FUZZ_CASES !== undefined ? Number(process.env.FUZZ_CASES) : 2_000;
const ALLOWED = new Set([200, 400, 404, 413, 429]);
const BODY_LIMIT = 1024 * 1024;

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Container = Json[] | { [key: string]: Json };

const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\udfff',
  '\u202eevil',
  '\ufeff',
  'a\u0301',
  '𝕏𝕐',
  '🙂',
  '\n\r\t',
  'é',
  '../../etc',
  '%2F',
  '*',
  '${x}',
  '<script>',
  'null',
  '0',
  '-1',
];
const BAD_NAMES = [
  'UPPER',
  '-lead',
  'trail-',
  'dots.in.name',
  'x_y',
  'a'.repeat(300),
  'ü-name',
  'sp ace',
  'arn:aws:vpc-lattice:us-west-2:123456789012:service/svc-0',
  'svc-0123456789abcdef0',
  'k8s-'.repeat(20),
];
const SCALARS: Json[] = [0, -1, 1.5, 1e308, -0, 65536, 2 ** 53 + 1, true, false, null, 'x', '80', [], {}, [1, 'a', null], { a: 1 }];
const NAME_KEYS = new Set([
  'name',
  'namespace',
  'hostname',
  'hostnames',
  'value',
  'port',
  'kind',
  'group',
  'sectionName',
  'controllerName',
  'gatewayClassName',
  'destinationArn',
  'policy',
]);
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

function isContainer(value: Json): value is Container {
  return typeof value === 'object' && value !== null;
}

/** Every container of the tree with the key of each child (bounded, so a deep seed stays cheap). */
function containers(root: Json): { parent: Container; key: string | number }[] {
  const out: { parent: Container; key: string | number }[] = [];
  const stack: Json[] = [root];
  while (stack.length > 0 && out.length < 5000) {
    const node = stack.pop() as Json;
    if (!isContainer(node)) continue;
    const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    for (const key of keys) {
      out.push({ parent: node, key });
      stack.push((node as Record<string, Json>)[key] as Json);
    }
  }
  return out;
}

function setOwn(parent: Container, key: string | number, value: Json): void {
  // defineProperty: `__proto__` becomes a plain own key, as JSON.parse makes it.
  if (Array.isArray(parent) && typeof key === 'number') parent[key] = value;
  else Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
}

function nested(depth: number, leaf: Json, asArray: boolean): Json {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
  return value;
}

class Mutator {
  constructor(private readonly random: () => number) {}

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** One structural mutation at a random place of the tree; returns what it did. */
  mutate(root: Json, seeds: readonly HookSeed[]): string {
    const spots = containers(root);
    if (spots.length === 0) return 'none';
    const { parent, key } = this.pick(spots);
    const current = (parent as Record<string, Json>)[key] as Json;
    switch (this.int(9)) {
      case 0:
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
        return `delete ${key}`;
      case 1:
        // A copy: a shared [] or {} mutated later would leak into other cases, and could close a cycle.
        setOwn(parent, key, structuredClone(this.pick(SCALARS)));
        return `retype ${key}`;
      case 2:
        setOwn(parent, key, this.pick(['A', 'é', '𝕏', '\u0000']).repeat(1000 + this.int(100_000)));
        return `huge ${key}`;
      case 3:
        // Deep, but within what JSON.stringify of the test itself survives when nests stack.
        setOwn(parent, key, nested(50 + this.int(1500), isContainer(current) ? null : current, this.random() < 0.5));
        return `nest ${key}`;
      case 4:
        setOwn(parent, key, typeof current === 'string' ? `${current}${this.pick(ODD_STRINGS)}` : this.pick(ODD_STRINGS));
        return `unicode ${key}`;
      case 5: {
        const target = isContainer(current) && !Array.isArray(current) ? current : parent;
        if (Array.isArray(target)) return 'none';
        setOwn(target, this.pick(PROTO_KEYS), this.pick<Json>([{ polluted: true }, 'x', null, [], { status: { conditions: 1 } }]));
        return 'proto key';
      }
      case 6: {
        const named = spots.filter((s) => typeof s.key === 'string' && NAME_KEYS.has(s.key));
        const spot = named.length > 0 ? this.pick(named) : { parent, key };
        setOwn(spot.parent, spot.key, this.pick(BAD_NAMES));
        return `bad name ${spot.key}`;
      }
      case 7: {
        // A piece of another controller's request in this place.
        const other = containers(structuredClone(this.pick(seeds).body) as Json);
        if (other.length === 0) return 'none';
        const donor = this.pick(other);
        setOwn(parent, key, (donor.parent as Record<string, Json>)[donor.key] as Json);
        return `graft ${key}`;
      }
      default:
        if (isContainer(current)) {
          setOwn(parent, key, Array.isArray(current) ? Object.fromEntries(current.map((v, i) => [String(i), v])) : Object.values(current));
          return `flip ${key}`;
        }
        setOwn(parent, key, [current]);
        return `wrap ${key}`;
    }
  }

  /** A mutation of the text: duplicate keys (JSON.parse keeps the last), truncation, a stray byte. */
  mutateText(text: string): { text: string; what: string } {
    const at = this.int(text.length);
    switch (this.int(3)) {
      case 0: {
        const key = /"([A-Za-z]+)":/g;
        const matches = [...text.matchAll(key)];
        if (matches.length === 0) return { text, what: 'none' };
        const m = this.pick(matches);
        const index = m.index ?? 0;
        return {
          text: `${text.slice(0, index)}"${m[1]}":${JSON.stringify(this.pick(SCALARS))},${text.slice(index)}`,
          what: `duplicate ${m[1]}`,
        };
      }
      case 1:
        return { text: text.slice(0, at), what: 'truncate' };
      default:
        return { text: `${text.slice(0, at)}${this.pick(['\u0000', '\\', '"', '}', ',', '\ud800'])}${text.slice(at)}`, what: 'stray byte' };
    }
  }
}

/** A forced collection, for heap figures that do not depend on when V8 last collected. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('hostile hook input (seeded fuzz)', () => {
  let h: Harness;
  let seeds: HookSeed[];

  beforeAll(async () => {
    h = await startHarness({ env: { DRIFT_CHECK_SECONDS: '0', LOG_LEVEL: 'warn', BODY_LIMIT_BYTES: String(BODY_LIMIT) } });
    seeds = await recordHookSeeds(h, REPOSITORY_ROOT);
  }, 60_000);
  afterAll(async () => h.close());

  it('records real requests of every controller and hook to mutate', () => {
    const urls = new Set(seeds.map((s) => s.url));
    for (const controller of h.driver.controllers) {
      for (const hook of ['sync', 'customize', 'finalize'] as const) {
        const url = controller.hooks[hook]?.url;
        if (url) expect(urls).toContain(new URL(url).pathname);
      }
    }
  });

  it(`answers ${CASES} mutated requests with 200/400/404/413/429 and JSON, sends Lattice no invalid value, keeps the heap bounded`, async () => {
    process.stdout.write(`fuzz: FUZZ_SEED=${SEED} FUZZ_CASES=${CASES}\n`);
    const mutator = new Mutator(prng(SEED));
    const gc = collector();
    const failures: string[] = [];
    const statuses: Record<number, number> = {};
    let baseline = 0;
    let validations = 0;
    const started = Date.now();
    await h.admin.resetCalls();
    for (let i = 0; i < CASES; i++) {
      if (i === Math.min(500, Math.floor(CASES / 10))) {
        gc();
        baseline = process.memoryUsage().heapUsed;
      }
      // What the fuzz created in Lattice goes now and then, so the heap figure is the server's.
      if (i > 0 && i % 1000 === 0) {
        await h.admin.ok('POST', 'reset');
        await h.admin.resetCalls();
        validations = 0;
      }
      const seed = mutator.pick(seeds);
      const body = structuredClone(seed.body) as Json;
      const steps: string[] = [];
      for (let n = 1 + mutator.int(3); n > 0; n--) steps.push(mutator.mutate(body, seeds));
      let text = JSON.stringify(body);
      if (mutator.int(10) === 0) {
        const changed = mutator.mutateText(text);
        text = changed.text;
        steps.push(changed.what);
      }
      if (mutator.int(400) === 0) {
        text = JSON.stringify({ ...(body as object), padding: 'x'.repeat(BODY_LIMIT) });
        steps.push('over the body limit');
      }
      const res = await h.server.app.inject({
        method: 'POST',
        url: seed.url,
        headers: { 'content-type': 'application/json' },
        payload: text,
      });
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      let json = true;
      try {
        JSON.parse(res.body);
      } catch {
        json = false;
      }
      if (!ALLOWED.has(res.statusCode) || !json) {
        const logged = h.logs.find((l) => res.body.includes(String(l.errorId)))?.err as { message?: string; stack?: string } | undefined;
        const where =
          logged?.stack
            ?.split('\n')
            .filter((line) => line.includes('/src/') && !line.includes('callSession') && !line.includes('/lattice/api.ts'))
            .slice(0, 3)
            .join(' < ')
            .trim() ?? '';
        const signature = `${res.statusCode} ${logged?.message?.slice(0, 120) ?? res.body.slice(0, 120)} ${where}`;
        if (!failures.some((f) => f.endsWith(signature))) failures.push(`case ${i} ${seed.url} [${steps.join('; ')}]: ${signature}`);
      }
      // Which case sent Lattice an invalid value: the counter is read after every case.
      const now = (await h.admin.calls()).errors?.ValidationException ?? 0;
      if (now > validations) {
        const refusal =
          h.logs.map((l) => (l.err as { message?: string } | undefined)?.message ?? '').find((m) => m.includes('alidation')) ?? '';
        failures.push(`case ${i} ${seed.url} [${steps.join('; ')}]: ValidationException reached Lattice ${refusal.slice(0, 200)}`);
      }
      validations = now;
      if (h.logs.length > 100) h.logs.splice(0, h.logs.length);
    }
    gc();
    const growthMb = (process.memoryUsage().heapUsed - baseline) / 2 ** 20;
    const calls = await h.admin.calls();
    process.stdout.write(
      `fuzz: ${((Date.now() - started) / 1000).toFixed(1)} s, answers ${JSON.stringify(statuses)}, heap growth ${growthMb.toFixed(1)} MiB, Lattice errors ${JSON.stringify(calls.errors ?? {})}\n`,
    );
    expect({ seed: SEED, failures }).toEqual({ seed: SEED, failures: [] });
    expect(calls.errors?.ValidationException).toBeUndefined();
    expect(growthMb).toBeLessThan(64);
  }, 300_000);
});
