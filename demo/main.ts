import { repositoryRoot } from '../scripts/repositoryRoot';
import { isEmpty } from './latticeReport';
import { runDemo } from './run';

// `npm run demo`: prints the tour to stdout; exits 1 when something is left in Lattice.
async function main(): Promise<number> {
  // The AWS SDK's notice about future Node.js versions is not part of the demo.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const result = await runDemo({ root: repositoryRoot(__dirname), out: (line) => process.stdout.write(`${line}\n`) });
  return isEmpty(result.left) && result.syncErrors === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
