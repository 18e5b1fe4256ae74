import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ciValuesFiles, GOLDEN_DIR, goldenFile, helmLint, renderGolden } from './helm/chart';
import { helmBinary } from './helm/helm';
import { repositoryRoot } from './repositoryRoot';

const USAGE = `usage: npm run chart-golden [-- --check]
  lints the chart with each ${join('charts', 'lattice-gateway-hooks', 'ci')}/*-values.yaml and writes its
  \`helm template\` render to ${GOLDEN_DIR}/ (a real helm, extracted from a devDependency)
  --check  only compare, exit 1 when a golden file is stale
`;

/** Writes (or, with --check, verifies) the golden renders of the chart; returns the exit code. */
export function main(argv: readonly string[], root: string, out: (text: string) => void): number {
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    out(`unknown argument ${unknown[0]}\n${USAGE}`);
    return 2;
  }
  const check = argv.includes('--check');
  const helm = helmBinary(root);
  const wanted = new Map(ciValuesFiles(root).map((values) => [goldenFile(values), values]));
  const stale: string[] = [];
  for (const [golden, values] of wanted) {
    helmLint(helm, root, { valuesFiles: [values] });
    const rendered = renderGolden(helm, root, values);
    const path = join(root, golden);
    if (existsSync(path) && readFileSync(path, 'utf8') === rendered) continue;
    stale.push(golden);
    if (!check) {
      mkdirSync(join(root, GOLDEN_DIR), { recursive: true });
      writeFileSync(path, rendered);
    }
  }
  // A golden file whose values file is gone is stale too.
  const orphans = (existsSync(join(root, GOLDEN_DIR)) ? readdirSync(join(root, GOLDEN_DIR)) : [])
    .map((f) => join(GOLDEN_DIR, f))
    .filter((f) => !wanted.has(f));
  stale.push(...orphans);
  if (!check) for (const orphan of orphans) rmSync(join(root, orphan));
  if (check) {
    out(
      stale.length === 0 ? `${wanted.size} golden renders are up to date\n` : `stale: ${stale.join(', ')}; run \`npm run chart-golden\`\n`,
    );
    return stale.length === 0 ? 0 : 1;
  }
  out(stale.length === 0 ? `${wanted.size} golden renders were up to date\n` : `wrote ${stale.join(', ')}\n`);
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), repositoryRoot(__dirname), (text) => process.stdout.write(text));
}
