import { join } from 'node:path';
import { loadExampleManifests } from '../../demo/manifests';
import type { KubeObject } from '../../src/metacontroller/types';
import { refOf } from '../../tools/metacontroller/refs';
import type { Harness } from './harness';
import { installGatewayApi } from './harness';

/** Real hook requests of every controller, recorded from the Metacontroller driver: seeds for the fuzz test. */

const OURS = 'application-networking.k8s.aws/v1alpha1';
const GW = 'gateway.networking.k8s.io/v1';

/** Objects of the controllers the demo does not use, beside its manifests (same namespaces). */
function extraObjects(): KubeObject[] {
  const toRoute = { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'storefront' };
  const parentRefs = [{ name: 'demo-network', namespace: 'infra' }];
  return [
    {
      apiVersion: GW,
      kind: 'GRPCRoute',
      metadata: { name: 'rpc', namespace: 'store' },
      spec: {
        parentRefs,
        rules: [{ matches: [{ method: { service: 'shop.Cart', method: 'Get' } }], backendRefs: [{ name: 'frontend', port: 80 }] }],
      },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1alpha2',
      kind: 'TLSRoute',
      metadata: { name: 'tls', namespace: 'store' },
      spec: { parentRefs, hostnames: ['tls.example.com'], rules: [{ backendRefs: [{ name: 'frontend', port: 80 }] }] },
    },
    {
      apiVersion: OURS,
      kind: 'IAMAuthPolicy',
      metadata: { name: 'auth', namespace: 'store' },
      spec: {
        targetRef: toRoute,
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: '*', Action: 'vpc-lattice-svcs:Invoke', Resource: '*' }],
        }),
      },
    },
    {
      apiVersion: OURS,
      kind: 'AccessLogPolicy',
      metadata: { name: 'logs', namespace: 'store' },
      spec: { targetRef: toRoute, destinationArn: 'arn:aws:s3:::store-access-logs' },
    },
    {
      apiVersion: OURS,
      kind: 'TargetGroupPolicy',
      metadata: { name: 'frontend', namespace: 'store' },
      spec: {
        targetRef: { group: '', kind: 'Service', name: 'frontend' },
        protocol: 'HTTP',
        protocolVersion: 'HTTP1',
        healthCheck: { enabled: true, path: '/healthz', intervalSeconds: 10 },
      },
    },
    {
      apiVersion: OURS,
      kind: 'ServiceExport',
      metadata: {
        name: 'frontend',
        namespace: 'store',
        annotations: { 'application-networking.k8s.aws/federation': 'amazon-vpc-lattice' },
      },
      spec: { exportedPorts: [{ port: 80, routeType: 'HTTP' }] },
    },
    {
      apiVersion: OURS,
      kind: 'ServiceImport',
      metadata: { name: 'reviews', namespace: 'store' },
      spec: { type: 'ClusterSetIP', ports: [{ port: 80 }] },
    },
  ];
}

export interface HookSeed {
  url: string;
  body: unknown;
}

/**
 * Applies the demo's manifests and one object of each other controller, runs until stable, deletes
 * everything; returns every distinct request body the driver sent (sync, customize and finalize).
 */
export async function recordHookSeeds(h: Harness, root: string): Promise<HookSeed[]> {
  installGatewayApi(h.cluster);
  const objects = [...loadExampleManifests(root).flatMap((f) => f.objects), ...extraObjects()];
  for (const object of objects) h.cluster.apply(object);
  await h.driver.runUntilStable({ timeoutMs: 20_000 });
  for (const object of [...objects].reverse()) h.cluster.delete(refOf(object));
  await h.driver.runUntil(() => objects.every((o) => h.cluster.get(refOf(o)) === undefined), { timeoutMs: 20_000 });
  const seen = new Set<string>();
  const seeds: HookSeed[] = [];
  for (const call of h.driver.calls) {
    const text = JSON.stringify(call.request);
    if (seen.has(text)) continue;
    seen.add(text);
    const url = h.driver.controller(call.controller).hooks[call.hook]?.url;
    if (url) seeds.push({ url: new URL(url).pathname, body: call.request });
  }
  return seeds;
}

export const REPOSITORY_ROOT = join(__dirname, '..', '..');
