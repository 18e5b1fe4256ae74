import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deriveActions } from './iam/derive';
import { actionsInPolicy, buildPolicy, describeDiff, diffActions, POLICY_FILE, renderPolicy, requiredActions } from './iam/policy';
import { repositoryRoot } from './repositoryRoot';

const USAGE = `usage: npm run iam-policy [-- --check]
  writes ${POLICY_FILE} from the AWS SDK commands sent under src/lattice/
  --check  only compare, exit 1 when the file is stale
`;

/** Writes (or, with --check, verifies) the IAM policy file; returns the exit code. */
export function main(argv: readonly string[], root: string, out: (text: string) => void): number {
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    out(`unknown argument ${unknown[0]}\n${USAGE}`);
    return 2;
  }
  const derived = deriveActions(root);
  const rendered = renderPolicy(buildPolicy(derived));
  const path = join(root, POLICY_FILE);
  if (argv.includes('--check')) {
    const current = readFileSync(path, 'utf8');
    if (current === rendered) {
      out(`${POLICY_FILE} is up to date\n`);
      return 0;
    }
    const diff = diffActions(requiredActions(derived), actionsInPolicy(JSON.parse(current) as unknown));
    out(diff.missing.length + diff.extra.length > 0 ? `${describeDiff(diff, derived)}\n` : `${POLICY_FILE} is stale (resources or layout); run \`npm run iam-policy\`\n`);
    return 1;
  }
  writeFileSync(path, rendered);
  out(`wrote ${POLICY_FILE}: ${requiredActions(derived).size} actions (${derived.length} called by src/lattice/)\n`);
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), repositoryRoot(__dirname), (text) => process.stdout.write(text));
}
