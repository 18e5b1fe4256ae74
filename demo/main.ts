import { repositoryRoot } from '../scripts/repositoryRoot';
import { isEmpty } from './latticeReport';
import { runDemo } from './run';

// `npm run demo`: prints the tour to stdout; exits 1 when something is left in Lattice.
async function main(): Promise<number> {
  // The AWS SDK's notice about future Node.js versions is not part of the demo.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--directory');
  if (unknown.length > 0) {
    process.stderr.write(`unknown argument ${unknown[0]} (usage: npm run demo [-- --directory])\n`);
    return 2;
  }
  // --directory: serve the directory page once everything is programmed, until Ctrl-C.
  const browseUntil = args.includes('--directory') ? new Promise<void>((resolve) => process.once('SIGINT', () => resolve())) : undefined;
  const result = await runDemo({
    root: repositoryRoot(__dirname),
    out: (line) => process.stdout.write(`${line}\n`),
    ...(browseUntil ? { browseUntil } : {}),
  });
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
