import { readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { copyTargets, execForm, inWorkdir, parseCopy, parseDockerfile, type Copy, type Stage } from './dockerfile';
import { only, renderChart } from './helmChart';
import { container, KUSTOMIZE_DIR, PACKAGE_JSON, readYaml, type Deployment } from './installFiles';

const REPO = dirname(PACKAGE_JSON);
const { stages } = parseDockerfile(readFileSync(join(REPO, 'Dockerfile'), 'utf8'));
const final = stages[stages.length - 1] as Stage;
const pkg = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as {
  bin: Record<string, string>;
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
};

type Step = { kind: 'copy'; copy: Copy; workdir: string } | { kind: 'run'; command: string };

/** The COPY instructions of a stage with the WORKDIR each runs in, and the stage's RUN commands, in order. */
function steps(stage: Stage): Step[] {
  let workdir = '/';
  return stage.instructions.flatMap((instruction): Step[] => {
    if (instruction.keyword === 'WORKDIR') workdir = inWorkdir(workdir, instruction.args);
    if (instruction.keyword === 'COPY' || instruction.keyword === 'ADD')
      return [{ kind: 'copy', copy: parseCopy(instruction.args), workdir }];
    if (instruction.keyword === 'RUN') return [{ kind: 'run', command: instruction.args }];
    return [];
  });
}

function runs(stage: Stage): string[] {
  return steps(stage).flatMap((step) => (step.kind === 'run' ? [step.command] : []));
}

function workdirOf(stage: Stage): string {
  return stage.instructions.filter((i) => i.keyword === 'WORKDIR').reduce((dir, i) => inWorkdir(dir, i.args), '/');
}

/** The stage a path of the final image is copied from. */
function sourceStageOf(path: string): Stage {
  for (const step of steps(final)) {
    if (step.kind !== 'copy') continue;
    if (![...copyTargets(step.copy, step.workdir).values()].includes(path)) continue;
    const stage = stages.find((s) => s.name === step.copy.from);
    if (!stage) throw new Error(`${path} is copied from ${step.copy.from ?? 'the build context'}, not from a stage`);
    return stage;
  }
  throw new Error(`the final stage does not copy ${path}`);
}

function lastInstruction(stage: Stage, keyword: string): string | undefined {
  return stage.instructions.filter((i) => i.keyword === keyword).pop()?.args;
}

/** `.dockerignore` as Docker reads it: root-anchored globs, the last matching line decides, `!` re-includes. */
function ignoredByDocker(path: string): boolean {
  const rules = readFileSync(join(REPO, '.dockerignore'), 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const glob = posix.normalize(negated ? line.slice(1) : line).replace(/^\/+/, '');
      const source = glob
        .split('**')
        .map((part) =>
          part
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '[^/]*')
            .replace(/\?/g, '[^/]'),
        )
        .join('.*');
      return { negated, pattern: new RegExp(`^${source}(/.*)?$`) };
    });
  let ignored = false;
  for (const rule of rules) if (rule.pattern.test(path)) ignored = !rule.negated;
  return ignored;
}

/** The tsconfig a build script compiles with (`tsc -p <file>`). */
function buildTsconfig(script: string): string {
  const match = /\btsc\s+(?:-p|--project)\s+(\S+)/.exec(script);
  if (!match) throw new Error(`the build script "${script}" does not name a tsconfig`);
  return match[1] as string;
}

/** The files a tsconfig reads: itself, its `extends` chain, and the `include` in effect. */
function tsconfigInputs(file: string): string[] {
  const chain: string[] = [];
  let include: string[] | undefined;
  for (let current: string | undefined = file; current !== undefined; ) {
    chain.push(current);
    const config = JSON.parse(readFileSync(join(REPO, current), 'utf8')) as { extends?: string; include?: string[] };
    include ??= config.include;
    current = config.extends === undefined ? undefined : posix.normalize(posix.join(posix.dirname(current), config.extends));
  }
  return [...chain, ...(include ?? [])];
}

const REQUIRED_VALUES = { config: { clusterName: 'c', clusterVpcId: 'vpc-0123456789abcdef0' }, hookAuth: { existingSecret: 'hook-token' } };
const chartDeployment = only<Deployment>(renderChart({ values: REQUIRED_VALUES }).objects, 'Deployment');
const kustomizeDeployment = readYaml<Deployment>(join(KUSTOMIZE_DIR, 'install', 'deployment.yaml'));
const deployments: [string, Deployment][] = [
  ['the chart', chartDeployment],
  ['metacontroller/', kustomizeDeployment],
];

describe('the Dockerfile', () => {
  it('builds in stages: the final one runs no npm and takes from the build context only package.json', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(runs(final).filter((command) => /(^|&&|;|\|\|)\s*(npm|npx|tsc)\s/.test(command))).toEqual([]);
    const fromContext = steps(final).flatMap((step) => (step.kind === 'copy' && step.copy.from === undefined ? step.copy.sources : []));
    expect(fromContext).toEqual(['package.json']);
    for (const step of steps(final)) {
      if (step.kind === 'copy' && step.copy.from !== undefined) expect(stages.slice(0, -1).map((s) => s.name)).toContain(step.copy.from);
    }
  });

  it('ships production dependencies only: node_modules from a stage that ran npm ci --omit=dev on the lock file and .npmrc alone', () => {
    const deps = sourceStageOf(inWorkdir(workdirOf(final), 'node_modules'));
    const installs = runs(deps).filter((command) => /\bnpm\s+(ci|install|i)\b/.test(command));
    expect(installs.length).toBe(1);
    expect(installs[0]).toMatch(/\bnpm\s+ci\b/);
    expect(installs[0]).toMatch(/\s--omit=dev\b/);
    const copied = steps(deps).flatMap((step) => (step.kind === 'copy' ? step.copy.sources : []));
    expect(copied.sort()).toEqual(['.npmrc', 'package-lock.json', 'package.json']);
    // The compiler is a dev dependency: the stage that compiles is another one, with the full install.
    expect(Object.keys(pkg.devDependencies)).toContain('typescript');
    const build = sourceStageOf(inWorkdir(workdirOf(final), 'dist'));
    expect(build).not.toBe(deps);
    expect(runs(build).some((command) => /\bnpm\s+ci\b/.test(command) && !/--omit=dev|--production/.test(command))).toBe(true);
  });

  it('compiles with everything the build script and its tsconfig read copied in first, none of it excluded by .dockerignore', () => {
    const build = sourceStageOf(inWorkdir(workdirOf(final), 'dist'));
    const order = steps(build);
    const compileAt = order.findIndex((step) => step.kind === 'run' && /\bnpm\s+run\s+build\b/.test(step.command));
    expect(compileAt).toBeGreaterThan(-1);
    const tsconfig = buildTsconfig(pkg.scripts.build as string);
    const needed = ['package.json', 'package-lock.json', '.npmrc', ...tsconfigInputs(tsconfig)];
    expect(needed).toEqual(expect.arrayContaining(['tsconfig.build.json', 'tsconfig.json', 'src']));
    const copiedBefore = new Map<string, string>();
    for (const step of order.slice(0, compileAt))
      if (step.kind === 'copy' && step.copy.from === undefined)
        for (const [source, target] of copyTargets(step.copy, step.workdir)) copiedBefore.set(source, target);
    // The reader of .dockerignore sees what it keeps out (or the check below would prove nothing).
    expect(['node_modules', 'dist', 'README.md'].map(ignoredByDocker)).toEqual([true, true, true]);
    for (const path of needed) {
      // Same place relative to the WORKDIR: `extends` and `include` are relative paths.
      expect([path, copiedBefore.get(path)]).toEqual([path, inWorkdir(workdirOf(build), path)]);
      expect([path, ignoredByDocker(path)]).toEqual([path, false]);
    }
  });

  it('runs as the non-root numeric user and group the chart and metacontroller/ run the pod as', () => {
    const user = /^(\d+)(?::(\d+))?$/.exec(lastInstruction(final, 'USER') ?? '');
    expect(user).not.toBeNull();
    const uid = Number(user?.[1]);
    expect(uid).toBeGreaterThan(0);
    for (const [name, deployment] of deployments) {
      const pod = deployment.spec.template.spec.securityContext;
      expect([name, pod]).toMatchObject([
        name,
        { runAsNonRoot: true, runAsUser: uid, ...(user?.[2] ? { runAsGroup: Number(user[2]) } : {}) },
      ]);
    }
  });

  it("starts `lattice-gw serve` in exec form (node is PID 1 and gets SIGTERM), also with the Deployments' args", () => {
    const entrypoint = execForm(lastInstruction(final, 'ENTRYPOINT') ?? '');
    const cmd = execForm(lastInstruction(final, 'CMD') ?? '[]');
    expect(entrypoint).toBeDefined();
    expect(cmd).toBeDefined();
    const bin = inWorkdir(workdirOf(final), pkg.bin['lattice-gw'] as string);
    const [program, ...rest] = entrypoint ?? [];
    let args: string[];
    if (program === 'lattice-gw') {
      // On the PATH as a link to the package's bin, executable through its shebang.
      const links = runs(final).flatMap((command) => [...command.matchAll(/\bln\s+-s\s+(\S+)\s+(\S+)/g)].map((m) => [m[1], m[2]]));
      expect(links).toContainEqual([bin, '/usr/local/bin/lattice-gw']);
      expect(
        runs(final).some((command) =>
          new RegExp(`\\bchmod\\s+(0?755|[ua]?\\+x)\\s+${bin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(command),
        ),
      ).toBe(true);
      expect(readFileSync(join(REPO, 'src', 'cli.ts'), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
      args = rest;
    } else {
      expect(program).toBe('node');
      expect(inWorkdir(workdirOf(final), rest[0] ?? '')).toBe(bin);
      args = rest.slice(1);
    }
    expect([...args, ...(cmd ?? [])]).toEqual(['serve']);
    // The program is compiled code, which the final stage takes from the stage that compiles.
    expect(bin.startsWith(`${inWorkdir(workdirOf(final), 'dist')}/`)).toBe(true);
    for (const [name, deployment] of deployments) expect([name, [...args, ...container(deployment).args]]).toEqual([name, ['serve']]);
  });

  it('exposes the port the server listens on in the Deployments', () => {
    const port = /(?:^|\s)PORT=(\d+)/.exec(
      final.instructions
        .filter((i) => i.keyword === 'ENV')
        .map((i) => i.args)
        .join(' '),
    )?.[1];
    expect(lastInstruction(final, 'EXPOSE')).toBe(port);
    for (const [name, deployment] of deployments)
      expect([name, container(deployment).ports[0]?.containerPort]).toEqual([name, Number(port)]);
  });
});
