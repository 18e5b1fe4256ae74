import { PROGRAMMED_CONDITION } from '../src/gatewayapi/ourKeys';
import type { KubeObject } from '../src/metacontroller/types';
import { refOf, type FakeCluster } from '../tools/metacontroller/cluster';
import { startEnvironment } from './environment';
import { createDemoFunction } from './lambdaFunction';
import { DEMO_DIRECTORY_PORT, demoDirectoryReader, directoryLines, serveDirectoryPage } from './directory';
import { countsOf, describeCounts, isEmpty, latticeLines, type LatticeCounts } from './latticeReport';
import { readLattice } from './latticeView';
import { EXAMPLES_DIR, loadExampleManifests } from './manifests';
import { objectName, statusLines } from './statusReport';
import { wrapList } from './table';

export interface DemoOptions {
  /** The repository root (examples/ and metacontroller/ are read from it). */
  root: string;
  /** Receives the report, one line at a time. */
  out: (line: string) => void;
  /** Emulator *_IN_PROGRESS time (AWS takes seconds to minutes; the demo need not). */
  transitionMs?: number;
  /** Multiplies the resync delays the hooks ask for. */
  timeScale?: number;
  /** When set, the directory page is served once everything is programmed, until this resolves. */
  browseUntil?: Promise<void>;
}

export interface DemoResult {
  /** What Lattice held once everything was programmed. */
  created: LatticeCounts;
  /** What Lattice held after everything was deleted. */
  left: LatticeCounts;
  hookCalls: number;
  syncErrors: number;
  /** Findings of the directory read while everything was programmed, by code. */
  findings: string[];
}

const ROUTE_KINDS = new Set(['HTTPRoute', 'GRPCRoute', 'TLSRoute']);
const PROGRAMMED_KINDS = new Set(['Gateway', 'ServiceNetwork', 'VpcAssociationPolicy']);

function conditionStatus(conditions: unknown, type: string): string | undefined {
  return ((conditions as { type?: string; status?: string }[] | undefined) ?? []).find((c) => c.type === type)?.status;
}

/** Whether an object says its controller is done: routes Programmed on every parent, the rest Programmed (or Accepted). */
function settled(object: KubeObject | undefined): boolean {
  if (!object) return false;
  const status = (object.status ?? {}) as { conditions?: unknown; parents?: { conditions?: unknown }[] };
  if (ROUTE_KINDS.has(object.kind))
    return (
      (status.parents ?? []).length > 0 &&
      (status.parents ?? []).every((p) => conditionStatus(p.conditions, PROGRAMMED_CONDITION) === 'True')
    );
  if (PROGRAMMED_KINDS.has(object.kind)) return conditionStatus(status.conditions, 'Programmed') === 'True';
  if (object.kind === 'GatewayClass') return conditionStatus(status.conditions, 'Accepted') === 'True';
  return true;
}

function heading(out: (line: string) => void, title: string): void {
  out('');
  out(title);
  out('-'.repeat(title.length));
}

function current(cluster: FakeCluster, applied: readonly KubeObject[]): (KubeObject | undefined)[] {
  return applied.map((object) => cluster.get(refOf(object)));
}

/**
 * The whole tour, with no cluster and no AWS account: the hook server against the embedded
 * Lattice emulator, the example manifests fed through a Metacontroller driver that reads the
 * real controller manifests, the resulting statuses and Lattice resources, then deletion of
 * everything and proof that Lattice is empty again.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { out } = options;
  const files = loadExampleManifests(options.root);
  const env = await startEnvironment({
    root: options.root,
    transitionMs: options.transitionMs ?? 20,
    timeScale: options.timeScale ?? 0.01,
  });
  try {
    out('lattice-gateway-hooks demo: the Gateway API on VPC Lattice, with no cluster and no AWS account');
    out('');
    out(`  hook server        ${env.serverUrl}`);
    out(
      `  VPC Lattice        an emulator at ${env.emulatorEndpoint} (account ${env.identity.accountId}, cluster VPC ${env.identity.vpcId})`,
    );
    out(`  Metacontroller     a stand-in that runs the ${env.driver.controllers.length} controllers of metacontroller/, as installed`);
    const functionArn = await createDemoFunction(env.lambda, env.identity.accountId);
    const functions = { lambda: env.lambda, arns: [functionArn] };
    out(`  AWS Lambda         the function ${functionArn}, made through the emulator's Lambda API`);

    heading(out, `1. kubectl apply -f ${EXAMPLES_DIR}/`);
    const applied: KubeObject[] = [];
    for (const file of files) {
      for (const object of file.objects) applied.push(env.cluster.apply(object));
      out(`  ${file.file}`);
      for (const line of wrapList(file.objects.map(objectName), 100)) out(line);
    }
    await env.driver.runUntil(() => current(env.cluster, applied).every(settled));
    await env.driver.runUntilStable();
    const programmedCalls = env.driver.calls.length;
    out('');
    const retries = env.driver.calls.filter((c) => c.statusCode === 429).length;
    const retryNote = retries > 0 ? `, ${retries} of them answered "retry later" while Lattice was still creating resources` : '';
    out(`  Everything is programmed after ${programmedCalls} hook calls${retryNote}.`);

    heading(out, "2. What the controllers wrote in each object's status (kubectl describe)");
    for (const object of current(env.cluster, applied)) {
      const lines = object ? statusLines(object) : [];
      if (lines.length === 0) continue;
      out('');
      for (const line of lines) out(line);
    }

    heading(out, '3. What exists in VPC Lattice now (aws vpc-lattice list-…)');
    const created = await readLattice(env.lattice, env.identity.vpcId, functions);
    out('');
    for (const line of latticeLines(created)) out(line);
    out('');
    out('  Why /cart is there twice: a Gateway API PathPrefix matches whole path segments (/cart and /cart/x, not');
    out('  /cartoon) and a Lattice prefix does not, so PathPrefix /cart becomes "exact /cart" plus "prefix /cart/".');
    out("  /thumbnails goes to a Lambda function: a LAMBDA target group holds it, and the function's resource policy");
    out('  lets VPC Lattice invoke it from that target group alone.');

    const readDirectory = demoDirectoryReader(env.lattice, env.identity);
    const directory = await readDirectory();
    if (options.browseUntil) await serveDirectoryPage(readDirectory, out, options.browseUntil);

    heading(out, `4. kubectl delete -f ${EXAMPLES_DIR}/ (routes first)`);
    for (const object of [...applied].reverse()) env.cluster.delete(refOf(object));
    await env.driver.runUntil(() => current(env.cluster, applied).every((o) => o === undefined));
    out(
      `  Every object is gone; their finalize hooks removed what they had made in Lattice (${env.driver.calls.length - programmedCalls} hook calls).`,
    );
    const left = countsOf(await readLattice(env.lattice, env.identity.vpcId, functions));
    out('');
    out(`  VPC Lattice now holds ${describeCounts(left)}: ${isEmpty(left) ? 'clean.' : 'NOT clean!'}`);
    if (env.driver.events.length > 0) {
      out('');
      out('  Metacontroller recorded these SyncError events:');
      for (const event of env.driver.events) out(`    ${event.object}: ${event.message}`);
    }

    heading(out, '5. The service directory and audit of what the demo created (lattice-gw directory)');
    for (const line of directoryLines(directory)) out(line);
    out('');
    out('  The same as a web page (searchable services, rule details, findings, topology), served before the clean-up:');
    out(`    npm run demo -- --directory      then open http://127.0.0.1:${DEMO_DIRECTORY_PORT}/`);
    out('  Against AWS, or an emulator at AWS_ENDPOINT_URL: lattice-gw directory [--output json|csv] [--fail-on high] [--serve]');
    return {
      created: countsOf(created),
      left,
      hookCalls: env.driver.calls.length,
      syncErrors: env.driver.events.length,
      findings: directory.findings.map((f) => f.code),
    };
  } finally {
    await env.close();
  }
}
