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

/** The error with its stack and every cause below it: "fetch failed" alone does not say which call or why. */
function describeFailure(error: unknown): string {
  const lines: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    const code = (e as { code?: unknown }).code;
    lines.push(
      e instanceof Error
        ? `${depth === 0 ? (e.stack ?? e.message) : `caused by ${e.name}: ${e.message}`}${code ? ` (${String(code)})` : ''}`
        : String(e),
    );
  }
  return lines.join('\n');
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench failed: ${describeFailure(error)}\n`);
    process.exitCode = 1;
  },
);
