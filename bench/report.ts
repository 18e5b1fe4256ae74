import { describeCounts } from '../demo/latticeReport';
import { table } from '../demo/table';
import type { CallCounts } from './figures';
import type { BenchResult, PhaseFigures } from './measure';

const ms = (value: number) => `${value.toFixed(1)} ms`;
const per = (value: number) => value.toFixed(2);

function topOperations(aws: CallCounts, limit = 6): string {
  const entries = Object.entries(aws.byOperation).sort(([, a], [, b]) => b - a);
  const shown = entries.slice(0, limit).map(([op, n]) => `${op} ${n}`);
  return entries.length > limit ? `${shown.join(', ')}, …` : shown.join(', ');
}

function phaseRow(name: string, figures: PhaseFigures, routes: number): string[] {
  return [
    name,
    ms(figures.wallMs),
    String(figures.hookCalls),
    String(figures.retries),
    String(figures.aws.reads),
    String(figures.aws.writes),
    per((figures.aws.reads + figures.aws.writes) / routes),
  ];
}

/** The benchmark's figures as printed lines (pure, so a test can check the report). */
export function benchReport(result: BenchResult): string[] {
  const { options } = result;
  const lines: string[] = [];
  lines.push('lattice-gateway-hooks benchmark');
  lines.push(
    `  ${options.routes} HTTPRoutes (2 Services, 3 Lattice rules each) on one Gateway; ${result.objects} objects applied; emulator transitions ${options.transitionMs} ms; resync delays x${options.timeScale}`,
  );
  lines.push('');
  lines.push('Phases (wall time includes the emulator transitions and scaled resync waits)');
  lines.push(
    ...table(
      ['PHASE', 'WALL', 'HOOK CALLS', '429s', 'AWS READS', 'AWS WRITES', 'AWS CALLS/ROUTE'],
      [
        phaseRow('converge', result.converge, options.routes),
        phaseRow('change one route', result.change, 1),
        phaseRow('teardown', result.teardown, options.routes),
      ],
    ),
  );
  lines.push(`  converge:  ${topOperations(result.converge.aws)}`);
  lines.push(`  change:    ${topOperations(result.change.aws)}`);
  lines.push(`  teardown:  ${topOperations(result.teardown.aws)}`);
  lines.push('');
  lines.push(`Steady state: ${options.rounds} periodic resyncs of everything (hook latency is the HTTP round trip, AWS calls included)`);
  lines.push(
    ...table(
      ['CONTROLLER', 'SYNCS', 'P50', 'P95', 'MAX', 'AWS READS/SYNC', 'AWS WRITES/SYNC'],
      result.steady.map((h) => [h.controller, String(h.syncs), ms(h.p50Ms), ms(h.p95Ms), ms(h.maxMs), per(h.awsReadsPerSync), per(h.awsWritesPerSync)]),
    ),
  );
  lines.push('');
  lines.push(`Lattice after converging: ${describeCounts(result.created)}`);
  lines.push(`Lattice after teardown:   ${describeCounts(result.left)}`);
  return lines;
}
