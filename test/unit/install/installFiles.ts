import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../../src/metacontroller/types';

/** Readers of the two install paths (metacontroller/ and the Helm chart), shared by their tests. */

const REPO = join(__dirname, '..', '..', '..');
export const KUSTOMIZE_DIR = join(REPO, 'metacontroller');
export const CHART_DIR = join(REPO, 'charts', 'lattice-gateway-hooks');
export const PACKAGE_JSON = join(REPO, 'package.json');

/** Every file below `dir`, relative and with `/` separators, sorted. */
export function filesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) =>
      join(entry.parentPath, entry.name)
        .slice(dir.length + 1)
        .split('\\')
        .join('/'),
    )
    .sort();
}

/** The documents of a YAML text, strictly parsed (duplicate keys fail); comment-only documents are dropped. */
export function parseYamlDocuments(text: string, where: string): unknown[] {
  return parseAllDocuments(text, { uniqueKeys: true })
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${where}: ${doc.errors[0]?.message}`);
      return doc.toJS({ maxAliasCount: 0 }) as unknown;
    })
    .filter((value) => value !== null && value !== undefined);
}

/** A file with exactly one YAML document. */
export function readYaml<T = unknown>(path: string): T {
  const docs = parseYamlDocuments(readFileSync(path, 'utf8'), path);
  if (docs.length !== 1) throw new Error(`${path}: expected one YAML document, found ${docs.length}`);
  return docs[0] as T;
}

export function isController(object: KubeObject): boolean {
  return (
    object.apiVersion === 'metacontroller.k8s.io/v1alpha1' &&
    (object.kind === 'DecoratorController' || object.kind === 'CompositeController')
  );
}

// Typed views of what the tests look at.

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
}

export interface Probe {
  httpGet: { path: string; port: string | number; scheme?: string };
  [timing: string]: unknown;
}

export interface Container {
  name: string;
  image: string;
  args: string[];
  ports: { name: string; containerPort: number; protocol: string }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string } }[];
  startupProbe: Probe;
  livenessProbe: Probe;
  readinessProbe: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  resources: unknown;
  securityContext: Record<string, unknown>;
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
}

export interface Deployment extends KubeObject {
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
      spec: {
        serviceAccountName: string;
        automountServiceAccountToken: boolean;
        securityContext: Record<string, unknown>;
        terminationGracePeriodSeconds: number;
        topologySpreadConstraints: { topologyKey: string; labelSelector: { matchLabels: Record<string, string> } }[];
        containers: Container[];
        volumes: { name: string; secret?: { secretName: string }; emptyDir?: unknown }[];
      };
    };
  };
}

export interface Service extends KubeObject {
  spec: { selector: Record<string, string>; ports: { name: string; port: number; targetPort: string | number }[] };
}

export interface HookServiceRef {
  name: string;
  namespace: string;
  port: number;
  protocol: string;
}

export interface EndpointConfig {
  host: string;
  authorization?: { type: string; secretRef: { name: string; namespace: string; key: string } };
  caBundle?: { secretRef: { name: string; namespace: string; key: string } };
}

export interface ControllerObject extends KubeObject {
  spec: {
    hooks: Record<string, { webhook: { service: HookServiceRef; path: string } }>;
    endpointConfigs?: EndpointConfig[];
  } & Record<string, unknown>;
}

export function container(deployment: Deployment): Container {
  const [first] = deployment.spec.template.spec.containers;
  if (!first) throw new Error('the Deployment has no container');
  return first;
}

/** The pod IP a test's kubelet gives the pod (`fieldRef: status.podIP`). */
export const POD_IP = '10.0.3.7';

/**
 * The container's environment as a map, as the kubelet makes it: a value from a Secret reads as
 * `secret:<name>/<key>`, `status.podIP` as POD_IP, and `$(NAME)` as an earlier variable's value.
 */
export function envOf(deployment: Deployment): Map<string, string> {
  const env = new Map<string, string>();
  for (const variable of container(deployment).env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef;
    const field = variable.valueFrom?.fieldRef?.fieldPath;
    const expanded = (variable.value ?? '').replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env.get(name) ?? whole);
    env.set(variable.name, ref ? `secret:${ref.name}/${ref.key}` : field === 'status.podIP' ? POD_IP : expanded);
  }
  return env;
}

/** Host part of the URL Metacontroller builds for a service-form hook (`name.namespace:port`). */
export function hookHost(service: HookServiceRef): string {
  return `${service.name}.${service.namespace}:${service.port}`;
}
