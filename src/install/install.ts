import { stringify } from 'yaml';
import { DEFAULT_CONTROLLER_NAME, loadConfig } from '../config';
import { APP_NAME, type HookService } from './controllerManifest';
import type { ControllerChanges } from './variants';

/**
 * The hook server's own Kubernetes objects for the chart-less install (`kubectl apply -k
 * metacontroller/`). The Helm chart templates the same objects by hand; a test renders the chart
 * with its defaults and checks that both agree on what matters (probes, ports, hardening, grace).
 */

const GATEWAY_CLASS_NAME = 'amazon-vpc-lattice';
/** Set another with `kustomize edit set image lattice-gateway-hooks=<registry>/lattice-gateway-hooks:<tag>`. */
const DEFAULT_IMAGE = 'lattice-gateway-hooks:latest';
const CONTAINER_NAME = 'hooks';
/** Lets endpoints and kube-proxy forget the pod before the server stops accepting connections. */
const PRE_STOP_SLEEP_SECONDS = 5;
/** The user of the image (Dockerfile `USER 1000:1000`), numeric so that runAsNonRoot can be verified. */
const RUN_AS_USER = 1000;

/** The cluster's DNS domain (kubelet `--cluster-domain`); an overlay patches REPLICA_PEERS where it differs. */
const CLUSTER_DOMAIN = 'cluster.local';

const SELECTOR_LABELS = { 'app.kubernetes.io/name': APP_NAME, 'app.kubernetes.io/component': 'hook-server' };

/** The server's defaults (src/config.ts). The emulator backend reads them without any AWS identity. */
const SERVER_DEFAULTS = loadConfig({}, { backend: 'emulator' });

/**
 * Above preStop + SHUTDOWN_GRACE_MS, so the server always ends by itself before the kubelet kills it.
 * The chart's `terminationGracePeriodSeconds` helper computes the same.
 */
function terminationGracePeriodSeconds(shutdownGraceMs: number, preStopSleepSeconds: number): number {
  return Math.floor(shutdownGraceMs / 1000) + preStopSleepSeconds + 5;
}

/** Environment from a generated ConfigMap; overlays merge their values (CLUSTER_NAME, CLUSTER_VPC_ID are required). */
export const SERVER_CONFIG_MAP = {
  name: `${APP_NAME}-config`,
  // Empty values read as unset: the server then stops with one line naming the missing variable.
  literals: ['CLUSTER_NAME=', 'CLUSTER_VPC_ID=', `LOG_LEVEL=${SERVER_DEFAULTS.logLevel}`],
};

/** The Secret holding HOOK_AUTH_TOKEN, read by both the server and Metacontroller. */
function hookAuthSecret(service: HookService): { name: string; namespace: string; key: string } {
  return { name: `${service.name}-auth`, namespace: service.namespace, key: 'token' };
}

/**
 * Metacontroller `endpointConfigs` entry: the bearer token for every hook of the controller, set
 * once. Its host is the host of Metacontroller's service-form URL (`name.namespace:port`).
 */
function hookAuthEndpointConfig(service: HookService): Record<string, unknown> {
  const secret = hookAuthSecret(service);
  return {
    host: `${service.name}.${service.namespace}:${service.port}`,
    authorization: { type: 'Bearer', secretRef: { name: secret.name, namespace: secret.namespace, key: secret.key } },
  };
}

export function gatewayClass(name: string = GATEWAY_CLASS_NAME, controllerName: string = DEFAULT_CONTROLLER_NAME): Record<string, unknown> {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GatewayClass',
    metadata: { name, labels: { 'app.kubernetes.io/name': APP_NAME } },
    spec: { controllerName, description: 'Amazon VPC Lattice, served by lattice-gateway-hooks through Metacontroller.' },
  };
}

function metadata(service: HookService, name: string = service.name): Record<string, unknown> {
  return { name, namespace: service.namespace, labels: { ...SELECTOR_LABELS } };
}

function deployment(service: HookService): Record<string, unknown> {
  const port = SERVER_DEFAULTS.port;
  const probe = (path: string, timing: Record<string, number>) => ({ httpGet: { path, port: 'http' }, ...timing });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(service),
    spec: {
      replicas: 2,
      selector: { matchLabels: { ...SELECTOR_LABELS } },
      template: {
        metadata: { labels: { ...SELECTOR_LABELS }, annotations: { 'kubectl.kubernetes.io/default-container': CONTAINER_NAME } },
        spec: {
          serviceAccountName: service.name,
          // The server never calls the Kubernetes API; IRSA and Pod Identity mount their own token.
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: RUN_AS_USER,
            runAsGroup: RUN_AS_USER,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          terminationGracePeriodSeconds: terminationGracePeriodSeconds(SERVER_DEFAULTS.shutdownGraceMs, PRE_STOP_SLEEP_SECONDS),
          topologySpreadConstraints: ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
            maxSkew: 1,
            topologyKey,
            whenUnsatisfiable: 'ScheduleAnyway',
            labelSelector: { matchLabels: { ...SELECTOR_LABELS } },
          })),
          containers: [
            {
              name: CONTAINER_NAME,
              image: DEFAULT_IMAGE,
              args: ['serve'],
              ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
              // PORT and SHUTDOWN_GRACE_MS are tied to containerPort and terminationGracePeriodSeconds.
              env: [
                { name: 'LATTICE_BACKEND', value: 'aws' },
                { name: 'PORT', value: String(port) },
                { name: 'SHUTDOWN_GRACE_MS', value: String(SERVER_DEFAULTS.shutdownGraceMs) },
                ...replicaEnv(service, port),
              ],
              envFrom: [{ configMapRef: { name: SERVER_CONFIG_MAP.name } }],
              startupProbe: probe('/healthz', { periodSeconds: 2, failureThreshold: 30 }),
              livenessProbe: probe('/healthz', { periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 }),
              readinessProbe: probe('/readyz', { periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 }),
              lifecycle: { preStop: { exec: { command: ['sleep', String(PRE_STOP_SLEEP_SECONDS)] } } },
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

/** The headless Service that lists the ready replicas, for REPLICA_PEERS. */
function replicasServiceName(service: HookService): string {
  return `${service.name}-replicas`;
}

/** How the replicas find each other (docs/operations.md, "Replicas"): the pod's IP and the headless Service. */
function replicaEnv(service: HookService, port: number): Record<string, unknown>[] {
  return [
    { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    { name: 'REPLICA_ADDRESS', value: `$(POD_IP):${port}` },
    // Absolute: a relative name would be tried under the pod's search domains first, which other namespaces can answer.
    { name: 'REPLICA_PEERS', value: `${replicasServiceName(service)}.${service.namespace}.svc.${CLUSTER_DOMAIN}.:${port}` },
  ];
}

/** The objects of `metacontroller/install/`, by file stem. */
export function installResources(service: HookService): Map<string, Record<string, unknown>> {
  return new Map<string, Record<string, unknown>>([
    [
      'namespace',
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        // The pod meets the restricted Pod Security Standard; enforcing it keeps it that way.
        metadata: {
          name: service.namespace,
          labels: { 'app.kubernetes.io/name': APP_NAME, 'pod-security.kubernetes.io/enforce': 'restricted' },
        },
      },
    ],
    ['serviceaccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata(service) }],
    ['deployment', deployment(service)],
    [
      'service',
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: metadata(service),
        spec: {
          type: 'ClusterIP',
          selector: { ...SELECTOR_LABELS },
          ports: [{ name: service.protocol, port: service.port, targetPort: 'http', protocol: 'TCP' }],
        },
      },
    ],
    [
      'replicas-service',
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: metadata(service, replicasServiceName(service)),
        // Headless: its name resolves to the ready pods' IPs, not to a virtual IP.
        spec: {
          clusterIP: 'None',
          selector: { ...SELECTOR_LABELS },
          ports: [{ name: 'http', port: SERVER_DEFAULTS.port, targetPort: 'http', protocol: 'TCP' }],
        },
      },
    ],
    [
      'poddisruptionbudget',
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: metadata(service),
        spec: { maxUnavailable: 1, selector: { matchLabels: { ...SELECTOR_LABELS } } },
      },
    ],
    ['gatewayclass', gatewayClass()],
  ]);
}

// JSON 6902 operations, written as a YAML block so that the generated component stays readable.
function jsonPatch(operations: unknown[]): string {
  return stringify(operations, { lineWidth: 0 });
}

/** A patch that adds environment variables to the server's container. */
function serverEnvPatch(service: HookService, env: readonly Record<string, unknown>[]): Record<string, unknown> {
  return {
    target: { group: 'apps', kind: 'Deployment', name: service.name, namespace: service.namespace },
    patch: jsonPatch(env.map((value) => ({ op: 'add', path: '/spec/template/spec/containers/0/env/-', value }))),
  };
}

function component(patches: Record<string, unknown>[]): Record<string, unknown> {
  return { apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component', patches };
}

/**
 * The kustomize component that turns on hook authentication: every controller gets the bearer
 * token through `endpointConfigs`, the server gets HOOK_AUTH_TOKEN from the same Secret.
 */
export function hookAuthComponent(service: HookService): Record<string, unknown> {
  const secret = hookAuthSecret(service);
  return component([
    {
      target: { group: 'metacontroller.k8s.io', labelSelector: `app.kubernetes.io/name=${APP_NAME}` },
      patch: jsonPatch([{ op: 'add', path: '/spec/endpointConfigs', value: [hookAuthEndpointConfig(service)] }]),
    },
    serverEnvPatch(service, [{ name: 'HOOK_AUTH_TOKEN', valueFrom: { secretKeyRef: { name: secret.name, key: secret.key } } }]),
  ]);
}

/** The kustomize component of a wiring variant: the changed spec fields of each controller, and the server's environment. */
export function variantComponent(
  service: HookService,
  env: Readonly<Record<string, string>>,
  controllers: readonly ControllerChanges[],
): Record<string, unknown> {
  return component([
    ...controllers.map(({ base, changes }) => ({
      target: { group: 'metacontroller.k8s.io', kind: base.kind, name: base.metadata.name },
      patch: jsonPatch(
        changes.map(({ field, value }) =>
          value === undefined
            ? { op: 'remove', path: `/spec/${field}` }
            : { op: field in base.spec ? 'replace' : 'add', path: `/spec/${field}`, value },
        ),
      ),
    })),
    serverEnvPatch(
      service,
      Object.entries(env).map(([name, value]) => ({ name, value })),
    ),
  ]);
}
