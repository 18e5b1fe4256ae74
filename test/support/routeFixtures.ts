import {
  GetRuleCommand,
  ListListenersCommand,
  ListRulesCommand,
  ListServiceNetworkServiceAssociationsCommand,
  ListTargetsCommand,
  type VPCLatticeClient,
} from '@aws-sdk/client-vpc-lattice';
import type { KubeObject } from '../../src/metacontroller/types';
import type { EmulatorState } from '../../tools/emulatorAdmin';

export function service(
  namespace: string,
  name: string,
  ports: { port: number; name?: string; appProtocol?: string }[] = [{ port: 80, name: 'http' }],
): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { type: 'ClusterIP', ports } };
}

export function endpointSlice(namespace: string, serviceName: string, addresses: string[], port = 8080, portName = 'http'): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${serviceName}-abcde`, namespace, labels: { 'kubernetes.io/service-name': serviceName } },
    addressType: 'IPv4',
    endpoints: addresses.map((address) => ({ addresses: [address], conditions: { ready: true } })),
    ports: [{ name: portName, port, protocol: 'TCP' }],
  } as KubeObject;
}

export function httpRoute(
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
  annotations?: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
    spec,
  };
}

export interface LatticeRuleView {
  priority: number | undefined;
  match: unknown;
  action: unknown;
}

/** The Lattice service of a route, read through the SDK: listeners with their rules, associations, and target groups' targets. */
export async function latticeView(lattice: VPCLatticeClient, serviceArn: string) {
  const listeners = (await lattice.send(new ListListenersCommand({ serviceIdentifier: serviceArn }))).items ?? [];
  const out = [];
  for (const listener of listeners) {
    const summaries =
      (await lattice.send(new ListRulesCommand({ serviceIdentifier: serviceArn, listenerIdentifier: listener.id }))).items ?? [];
    const rules: LatticeRuleView[] = [];
    for (const summary of summaries.filter((r) => !r.isDefault)) {
      const rule = await lattice.send(
        new GetRuleCommand({ serviceIdentifier: serviceArn, listenerIdentifier: listener.id, ruleIdentifier: summary.id }),
      );
      rules.push({ priority: rule.priority, match: rule.match?.httpMatch, action: rule.action });
    }
    out.push({ port: listener.port, protocol: listener.protocol, rules: rules.sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0)) });
  }
  const associations =
    (await lattice.send(new ListServiceNetworkServiceAssociationsCommand({ serviceIdentifier: serviceArn }))).items ?? [];
  return { listeners: out, associations };
}

export async function targetsOf(lattice: VPCLatticeClient, targetGroupId: string): Promise<string[]> {
  const targets = (await lattice.send(new ListTargetsCommand({ targetGroupIdentifier: targetGroupId }))).items ?? [];
  return targets
    .filter((t) => t.status !== 'DRAINING')
    .map((t) => `${t.id}:${t.port}`)
    .sort();
}

/** Counts of what the emulator holds, by kind (for "exactly these, nothing more" assertions). */
export function counts(state: EmulatorState): Record<string, number> {
  return Object.fromEntries(Object.entries(state).map(([kind, list]) => [kind, list.length]));
}
