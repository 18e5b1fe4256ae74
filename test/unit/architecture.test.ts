import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { preProcessFile } from 'typescript';
import { filesBelow } from './install/installFiles';

/** The shape of src/ as the README describes it, checked on every import (type-only ones too). */

const SRC = join(__dirname, '..', '..', 'src');

/** The pipeline, lowest first: a layer imports only the layers before it. */
const LAYERS = ['metacontroller', 'gatewayapi', 'model', 'lattice', 'controllers', 'server'] as const;
const below = (layer: (typeof LAYERS)[number]) => LAYERS.slice(0, LAYERS.indexOf(layer));
/** What the I/O layers share: configuration and the logger. The pure layers read neither. */
const PROCESS = ['config', 'log'];

/**
 * What each area of src/ may import besides itself. An area is a folder of src/ or a top-level
 * file (`errors.ts` → errors). No area lists `install`, `emulator` or `cli`: only the CLI imports them.
 */
const ALLOWED: Record<string, readonly string[]> = {
  errors: [],
  log: [],
  config: ['errors', 'log'],
  // The protocol: a leaf, whatever sits above it.
  metacontroller: ['errors'],
  gatewayapi: [...below('gatewayapi'), 'errors'],
  model: [...below('model'), 'errors'],
  lattice: [...below('lattice'), 'errors', ...PROCESS],
  controllers: [...below('controllers'), 'errors', ...PROCESS],
  server: [...below('server'), 'errors', ...PROCESS],
  crds: ['metacontroller'],
  // The local Lattice answers the AWS wire protocol by itself; it shares no code with what it emulates.
  emulator: [],
  // Renders metacontroller/ and the chart from the controllers' wiring (controllers/types and the
  // registry, with and without each variant) and the server's configuration defaults.
  install: ['metacontroller', 'crds', 'model', 'controllers', 'errors', 'config'],
  // The read-only service directory: reads Lattice through lattice/, knows our tag keys, renders.
  directory: ['gatewayapi', 'model', 'lattice', 'errors', ...PROCESS],
  cli: ['errors', 'log', 'config', ...LAYERS, 'crds', 'emulator', 'install', 'directory'],
};

/** Single files allowed one more area, each with its reason. */
const FILE_EXCEPTIONS: Record<string, readonly string[]> = {
  // `serve --backend emulator` starts the emulator in-process as the AWS side of the hooks.
  'lattice/backend.ts': ['emulator'],
  // The directory page checks its bearer token exactly as the hook server does.
  'directory/web/server.ts': ['server'],
};

/**
 * Files over MAX_LINES. The design allows it only for the emulator's declarative tables (API
 * operations and their shapes, listed as data); none is over the limit today, so the list is
 * empty. An entry must be such a table under emulator/, and is dropped once the file shrinks.
 */
const MAX_LINES = 300;
const LONG_TABLES: readonly string[] = [];

interface Import {
  from: string;
  to: string;
}

function areaOf(file: string): string {
  const [first = '', ...rest] = file.split('/');
  return rest.length === 0 ? first.replace(/\.ts$/, '') : first;
}

/** The imports of a src/ file that resolve to src/ files, as paths relative to src/. */
function importsOf(file: string): Import[] {
  const { importedFiles } = preProcessFile(readFileSync(join(SRC, file), 'utf8'), true, true);
  const found: Import[] = [];
  for (const { fileName } of importedFiles) {
    if (!fileName.startsWith('.')) continue;
    const base = resolve(dirname(join(SRC, file)), fileName);
    const target = [`${base}.ts`, join(base, 'index.ts'), base].find((path) => existsSync(path) && path.endsWith('.ts'));
    if (target === undefined) throw new Error(`${file}: cannot resolve ${fileName}`);
    found.push({ from: file, to: relative(SRC, target).split('\\').join('/') });
  }
  return found;
}

/** Imports that cross areas against ALLOWED and FILE_EXCEPTIONS, as `from -> to`. */
function forbiddenImports(imports: readonly Import[]): string[] {
  return imports
    .filter(({ from, to }) => {
      const [source, target] = [areaOf(from), areaOf(to)];
      if (source === target) return false;
      const allowed = ALLOWED[source];
      if (allowed === undefined) return true;
      return !allowed.includes(target) && !(FILE_EXCEPTIONS[from] ?? []).includes(target);
    })
    .map(({ from, to }) => `${from} -> ${to}`);
}

const files = filesBelow(SRC).filter((f) => f.endsWith('.ts'));
const imports = files.flatMap(importsOf);

describe('the architecture of src/', () => {
  it('knows every area of src/', () => {
    expect([...new Set(files.map(areaOf))].filter((area) => !(area in ALLOWED))).toEqual([]);
    expect(imports.length).toBeGreaterThan(100);
  });

  it('has no import against the layers: metacontroller ← gatewayapi ← model ← lattice ← controllers ← server', () => {
    expect(forbiddenImports(imports)).toEqual([]);
  });

  it('flags imports from a lower layer to a higher one, into the install renderer, and out of the emulator', () => {
    expect(
      forbiddenImports([
        { from: 'metacontroller/envelope.ts', to: 'gatewayapi/types.ts' },
        { from: 'model/names.ts', to: 'lattice/api.ts' },
        { from: 'gatewayapi/types.ts', to: 'config.ts' },
        { from: 'server/app.ts', to: 'install/manifests.ts' },
        { from: 'emulator/index.ts', to: 'errors.ts' },
        { from: 'lattice/clients.ts', to: 'emulator/index.ts' },
        { from: 'controllers/route.ts', to: 'model/names.ts' },
        { from: 'lattice/backend.ts', to: 'emulator/index.ts' },
      ]),
    ).toEqual([
      'metacontroller/envelope.ts -> gatewayapi/types.ts',
      'model/names.ts -> lattice/api.ts',
      'gatewayapi/types.ts -> config.ts',
      'server/app.ts -> install/manifests.ts',
      'emulator/index.ts -> errors.ts',
      'lattice/clients.ts -> emulator/index.ts',
    ]);
  });

  it('lets only the CLI import the install renderer', () => {
    const importers = new Set(
      imports.filter(({ from, to }) => areaOf(to) === 'install' && areaOf(from) !== 'install').map(({ from }) => from),
    );
    expect([...importers]).toEqual(['cli.ts']);
  });

  it(`keeps every file at ${MAX_LINES} lines or fewer, except the emulator's declarative tables listed`, () => {
    const lines = (file: string) => readFileSync(join(SRC, file), 'utf8').split('\n').length - 1;
    expect(files.filter((f) => lines(f) > MAX_LINES && !LONG_TABLES.includes(f)).map((f) => `${f}: ${lines(f)} lines`)).toEqual([]);
    for (const table of LONG_TABLES) expect([table, areaOf(table), lines(table) > MAX_LINES]).toEqual([table, 'emulator', true]);
  });
});
