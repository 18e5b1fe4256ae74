import { repositoryRoot } from '../scripts/repositoryRoot';
import { benchProblems, runBench, type BenchOptions } from './measure';
import { benchReport } from './report';
import { parseBenchArgs, USAGE } from './options';

// `npm run bench`: prints the figures; exits 1 when the run itself went wrong (then they mean nothing).
async function main(args: readonly string[]): Promise<number> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const parsed = parseBenchArgs(args);
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const options: BenchOptions = {
    root: repositoryRoot(__dirname),
    server: 'child',
    ...parsed,
    progress: (line) => process.stderr.write(`bench: ${line}\n`),
  };
  const result = await runBench(options);
  for (const line of benchReport(result)) process.stdout.write(`${line}\n`);
  const problems = benchProblems(result);
  for (const problem of problems) process.stderr.write(`bench: ${problem}\n`);
  return problems.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
