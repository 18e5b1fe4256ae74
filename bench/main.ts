import { repositoryRoot } from '../scripts/repositoryRoot';
import { benchProblems, runBench, type BenchOptions } from './measure';
import { benchReport } from './report';

const USAGE = 'usage: npm run bench -- [--routes N] [--rounds N] [--transition-ms N] [--time-scale X]';

function numberOption(args: readonly string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  if (at === -1) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} needs a non-negative number\n${USAGE}`);
  return value;
}

// `npm run bench`: prints the figures; exits 1 when the run itself went wrong (then they mean nothing).
async function main(args: readonly string[]): Promise<number> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const known = new Set(['--routes', '--rounds', '--transition-ms', '--time-scale']);
  const unknown = args.filter((arg, i) => i % 2 === 0 && !known.has(arg));
  if (unknown.length > 0) throw new Error(`unknown option ${unknown[0]}\n${USAGE}`);
  const options: BenchOptions = {
    root: repositoryRoot(__dirname),
    routes: Math.max(1, Math.floor(numberOption(args, '--routes', 20))),
    rounds: Math.max(1, Math.floor(numberOption(args, '--rounds', 5))),
    transitionMs: numberOption(args, '--transition-ms', 20),
    timeScale: numberOption(args, '--time-scale', 0.01),
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
