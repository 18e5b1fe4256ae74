import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject, LabelSelector } from '../../../src/metacontroller/types';

/** What the driver needs of one Metacontroller hook definition. */
export interface HookDefinition {
  version: 'v1' | 'v2';
  /** The URL Metacontroller would call (service form resolved like webhookURL in pkg/hooks/webhook.go). */
  url: string;
  /** Path and query part, sent to the test server instead of the in-cluster host. */
  path: string;
  timeoutMs: number;
  strict: boolean;
}

export interface ResourceRule {
  apiVersion: string;
  resource: string;
  labelSelector?: LabelSelector;
  annotationSelector?: { matchAnnotations?: Record<string, string>; matchExpressions?: LabelSelector['matchExpressions'] };
  ignoreStatusChanges?: boolean;
  updateStrategy?: { method?: string };
}

export interface LoadedController {
  kind: 'DecoratorController' | 'CompositeController';
  name: string;
  /** Decorator: resources; Composite: [parentResource]. */
  targets: ResourceRule[];
  /** Decorator: attachments; Composite: childResources. */
  owned: ResourceRule[];
  generateSelector: boolean;
  hooks: { sync?: HookDefinition; finalize?: HookDefinition; customize?: HookDefinition };
}

function parseDuration(value: unknown): number {
  if (typeof value !== 'string' || value === '') return 10_000;
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let match: RegExpExecArray | null;
  while ((match = re.exec(value)) !== null) {
    const n = Number(match[1]);
    total += match[2] === 'ms' ? n : match[2] === 's' ? n * 1000 : match[2] === 'm' ? n * 60_000 : n * 3_600_000;
  }
  // Zero or negative means the default (webhookTimeout).
  return total > 0 ? total : 10_000;
}

function hookDefinition(raw: unknown, where: string): HookDefinition | undefined {
  if (raw === undefined || raw === null) return undefined;
  const hook = raw as { version?: string; webhook?: Record<string, unknown> };
  const version = hook.version ?? 'v1';
  if (version !== 'v1' && version !== 'v2') throw new Error(`${where}: unknown hook version ${version}`);
  const webhook = hook.webhook;
  if (!webhook) throw new Error(`${where}: hook without webhook`);
  let url: string;
  if (typeof webhook.url === 'string') url = webhook.url;
  else {
    const service = webhook.service as { name?: string; namespace?: string; port?: number; protocol?: string } | undefined;
    if (!service?.name || !service.namespace || typeof webhook.path !== 'string') {
      throw new Error(`${where}: webhook needs url, or service.name, service.namespace and path`);
    }
    url = `${service.protocol ?? 'http'}://${service.name}.${service.namespace}:${service.port ?? 80}${webhook.path}`;
  }
  const parsed = new URL(url);
  const mode = webhook.responseUnMarshallMode as string | undefined;
  return {
    version,
    url,
    path: `${parsed.pathname}${parsed.search}`,
    timeoutMs: parseDuration(webhook.timeout),
    strict: mode === undefined ? version === 'v2' : mode === 'strict',
  };
}

function toController(object: KubeObject, file: string): LoadedController {
  const spec = (object.spec ?? {}) as Record<string, unknown>;
  const hooks = (spec.hooks ?? {}) as Record<string, unknown>;
  const where = `${file}: ${object.kind} ${object.metadata.name}`;
  const composite = object.kind === 'CompositeController';
  return {
    kind: composite ? 'CompositeController' : 'DecoratorController',
    name: object.metadata.name,
    targets: composite ? [spec.parentResource as ResourceRule] : ((spec.resources ?? []) as ResourceRule[]),
    owned: ((composite ? spec.childResources : spec.attachments) ?? []) as ResourceRule[],
    generateSelector: spec.generateSelector === true,
    hooks: {
      sync: hookDefinition(hooks.sync, `${where} sync`),
      finalize: hookDefinition(hooks.finalize, `${where} finalize`),
      customize: hookDefinition(hooks.customize, `${where} customize`),
    },
  };
}

interface Kustomization {
  resources?: string[];
  components?: string[];
  patches?: { target?: { kind?: string; name?: string }; patch?: string }[];
}

function readKustomization(dir: string): Kustomization {
  return (parseAllDocuments(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'))[0]?.toJS() ?? {}) as Kustomization;
}

/** JSON Patch `add`/`replace`/`remove` on plain objects (what kustomize components use here). */
function applyJsonPatch(object: Record<string, unknown>, operations: { op: string; path: string; value?: unknown }[]): void {
  for (const { op, path, value } of operations) {
    const keys = path.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop() as string;
    let target: Record<string, unknown> = object;
    for (const key of keys) target = (target[key] ??= {}) as Record<string, unknown>;
    if (op === 'remove') delete target[last];
    else if (op === 'add' || op === 'replace') target[last] = value;
    else throw new Error(`unsupported JSON patch op ${op}`);
  }
}

function collectObjects(dir: string, kustomization: Kustomization): { object: KubeObject; path: string }[] {
  const objects: { object: KubeObject; path: string }[] = [];
  for (const resource of kustomization.resources ?? []) {
    const path = join(dir, resource);
    if (!resource.endsWith('.yaml') && !resource.endsWith('.yml')) {
      objects.push(...collectObjects(path, readKustomization(path)));
      continue;
    }
    for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]?.message}`);
      const object = doc.toJS() as KubeObject | null;
      if (object) objects.push({ object, path });
    }
  }
  return objects;
}

/**
 * Reads the controllers of a kustomization directory (its `resources`, recursively, in file order),
 * with the JSON patches of the given components applied — as `kubectl apply -k` of an overlay
 * that enables those components would install them.
 */
export function loadControllers(kustomizationDir: string, components: readonly string[] = []): LoadedController[] {
  const objects = collectObjects(kustomizationDir, readKustomization(kustomizationDir));
  for (const component of components) {
    for (const { target, patch } of readKustomization(join(kustomizationDir, component)).patches ?? []) {
      const operations = (parseAllDocuments(patch ?? '')[0]?.toJS() ?? []) as { op: string; path: string; value?: unknown }[];
      for (const { object } of objects) {
        if ((target?.kind === undefined || object.kind === target.kind) && (target?.name === undefined || object.metadata.name === target.name)) {
          applyJsonPatch(object as unknown as Record<string, unknown>, operations);
        }
      }
    }
  }
  return objects
    .filter(({ object }) => object.apiVersion === 'metacontroller.k8s.io/v1alpha1' && (object.kind === 'DecoratorController' || object.kind === 'CompositeController'))
    .map(({ object, path }) => toController(object, path));
}
