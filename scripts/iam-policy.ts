import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deriveActions, deriveDirectoryActions, type DerivedAction } from './iam/derive';
import { actionsInPolicy, buildPolicy, describeDiff, diffActions, POLICY_FILE, renderPolicy, requiredActions } from './iam/policy';
import { repositoryRoot } from './repositoryRoot';

/** The read-only policy of `lattice-gw directory` (its own role in the chart). */
export const DIRECTORY_POLICY_FILE = 'docs/iam-policy-directory.json';

const USAGE = `usage: npm run iam-policy [-- --check]
  writes ${POLICY_FILE} from the AWS SDK commands sent under src/lattice/, and
  ${DIRECTORY_POLICY_FILE} from those the directory sends
  --check  only compare, exit 1 when the file is stale
`;

/** Writes (or, with --check, verifies) the IAM policy file; returns the exit code. */
export function main(argv: readonly string[], root: string, out: (text: string) => void): number {
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    out(`unknown argument ${unknown[0]}\n${USAGE}`);
    return 2;
  }
  const check = argv.includes('--check');
  const results = [
    onePolicy(root, POLICY_FILE, deriveActions(root), check, out),
    onePolicy(root, DIRECTORY_POLICY_FILE, deriveDirectoryActions(root), check, out),
  ];
  return Math.max(...results);
}

function onePolicy(root: string, file: string, derived: DerivedAction[], check: boolean, out: (text: string) => void): number {
  const rendered = renderPolicy(buildPolicy(derived));
  const path = join(root, file);
  if (check) {
    const current = readFileSync(path, 'utf8');
    if (current === rendered) {
      out(`${file} is up to date\n`);
      return 0;
    }
    const diff = diffActions(requiredActions(derived), actionsInPolicy(JSON.parse(current) as unknown));
    out(
      diff.missing.length + diff.extra.length > 0
        ? `${file}: ${describeDiff(diff, derived)}\n`
        : `${file} is stale (resources or layout); run \`npm run iam-policy\`\n`,
    );
    return 1;
  }
  writeFileSync(path, rendered);
  out(`wrote ${file}: ${requiredActions(derived).size} actions\n`);
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), repositoryRoot(__dirname), (text) => process.stdout.write(text));
}
