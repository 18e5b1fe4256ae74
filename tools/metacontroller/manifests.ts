import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject, LabelSelector } from '../../src/metacontroller/types';

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
  patches?: { target?: PatchTarget; patch?: string }[];
}

function readKustomization(dir: string): Kustomization {
  return (parseAllDocuments(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'))[0]?.toJS() ?? {}) as Kustomization;
}

/**
 * The target of a kustomize patch (`Selector` in sigs.k8s.io/kustomize/api/types): every field
 * given must match; `name` and `namespace` are anchored regular expressions, the selectors are
 * Kubernetes label-selector strings over labels and annotations.
 */
export interface PatchTarget {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

function groupVersion(object: KubeObject): { group: string; version: string } {
  const slash = object.apiVersion.indexOf('/');
  return slash === -1 ? { group: '', version: object.apiVersion } : { group: object.apiVersion.slice(0, slash), version: object.apiVersion.slice(slash + 1) };
}

/** The requirements of a label-selector string (`a=b,c!=d,e in (f,g),h,!i`), as labels.Parse reads it. */
function selectorRequirements(selector: string): ((labels: Readonly<Record<string, string>>) => boolean)[] {
  const parts = selector.split(/,(?![^(]*\))/).map((part) => part.trim()).filter((part) => part !== '');
  return parts.map((part) => {
    let match: RegExpExecArray | null;
    if ((match = /^([^\s!=(),]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part))) {
      const [, key, operator, list] = match as unknown as [string, string, string, string];
      const values = new Set(list.split(',').map((v) => v.trim()));
      return operator === 'in' ? (labels) => Object.hasOwn(labels, key) && values.has(labels[key] as string) : (labels) => !Object.hasOwn(labels, key) || !values.has(labels[key] as string);
    }
    if ((match = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/.exec(part))) {
      const [, key, operator, value] = match as unknown as [string, string, string, string];
      return operator === '!=' ? (labels) => !Object.hasOwn(labels, key) || labels[key] !== value : (labels) => Object.hasOwn(labels, key) && labels[key] === value;
    }
    if ((match = /^(!?)([^\s!=(),]+)$/.exec(part))) {
      const [, not, key] = match as unknown as [string, string, string];
      return not ? (labels) => !Object.hasOwn(labels, key) : (labels) => Object.hasOwn(labels, key);
    }
    throw new Error(`unsupported selector requirement "${part}" in "${selector}"`);
  });
}

function anchored(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

/** Whether a kustomize patch target selects the object (empty fields select everything, as in kustomize). */
export function selects(target: PatchTarget, object: KubeObject): boolean {
  const { group, version } = groupVersion(object);
  if (target.group && target.group !== group) return false;
  if (target.version && target.version !== version) return false;
  if (target.kind && target.kind !== object.kind) return false;
  if (target.name && !anchored(target.name).test(object.metadata.name)) return false;
  if (target.namespace && !anchored(target.namespace).test(object.metadata.namespace ?? '')) return false;
  if (target.labelSelector && !selectorRequirements(target.labelSelector).every((matches) => matches(object.metadata.labels ?? {}))) return false;
  if (target.annotationSelector && !selectorRequirements(target.annotationSelector).every((matches) => matches(object.metadata.annotations ?? {}))) return false;
  return true;
}

export interface JsonPatchOperation {
  op: string;
  path: string;
  value?: unknown;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new Error(`JSON pointer "${path}" must start with /`);
  return path
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(array: unknown[], token: string, path: string, allowEnd: boolean): number {
  if (token === '-' && allowEnd) return array.length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new Error(`${path}: "${token}" is not an array index`);
  const index = Number(token);
  if (index > array.length || (!allowEnd && index === array.length)) throw new Error(`${path}: index ${index} is out of bounds`);
  return index;
}

/**
 * RFC 6902 `add`, `remove`, `replace` and `test`, in place: the parent of every path must exist,
 * `-` appends to an array, a numeric token inserts into one (as kustomize applies component patches).
 */
export function applyJsonPatch(document: object, operations: readonly JsonPatchOperation[]): void {
  for (const { op, path, value } of operations) {
    const tokens = pointer(path);
    const last = tokens.pop();
    if (last === undefined) throw new Error(`${op} of the whole document is not supported`);
    let parent: unknown = document;
    for (const [depth, token] of tokens.entries()) {
      const here = `/${tokens.slice(0, depth + 1).join('/')}`;
      if (Array.isArray(parent)) parent = parent[arrayIndex(parent, token, here, false)];
      else if (parent !== null && typeof parent === 'object' && Object.hasOwn(parent, token)) parent = (parent as Record<string, unknown>)[token];
      else throw new Error(`${path}: ${here} does not exist`);
    }
    if (parent === null || typeof parent !== 'object') throw new Error(`${path}: the parent is not an object or array`);
    if (Array.isArray(parent)) {
      const index = arrayIndex(parent, last, path, op === 'add');
      if (op === 'add') parent.splice(index, 0, structuredClone(value));
      else if (op === 'replace') parent[index] = structuredClone(value);
      else if (op === 'remove') parent.splice(index, 1);
      else if (op === 'test') {
        if (JSON.stringify(parent[index]) !== JSON.stringify(value)) throw new Error(`${path}: test failed`);
      } else throw new Error(`unsupported JSON patch op ${op}`);
      continue;
    }
    const record = parent as Record<string, unknown>;
    const exists = Object.hasOwn(record, last);
    if (op === 'add') record[last] = structuredClone(value);
    else if (op === 'replace' || op === 'remove' || op === 'test') {
      if (!exists) throw new Error(`${path}: does not exist (${op})`);
      if (op === 'replace') record[last] = structuredClone(value);
      else if (op === 'remove') delete record[last];
      else if (JSON.stringify(record[last]) !== JSON.stringify(value)) throw new Error(`${path}: test failed`);
    } else throw new Error(`unsupported JSON patch op ${op}`);
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

function loadPatched(kustomizationDir: string, components: readonly string[]): { object: KubeObject; path: string }[] {
  const objects = collectObjects(kustomizationDir, readKustomization(kustomizationDir));
  for (const component of components) {
    for (const { target, patch } of readKustomization(join(kustomizationDir, component)).patches ?? []) {
      const operations = (parseAllDocuments(patch ?? '')[0]?.toJS() ?? []) as JsonPatchOperation[];
      for (const { object } of objects) {
        if (selects(target ?? {}, object)) applyJsonPatch(object, operations);
      }
    }
  }
  return objects;
}

/**
 * Every object of a kustomization directory (its `resources`, recursively, in file order), with
 * the JSON patches of the given components applied to the objects their targets select — as
 * `kubectl apply -k` of an overlay that enables those components would install them.
 */
export function loadKustomization(kustomizationDir: string, components: readonly string[] = []): KubeObject[] {
  return loadPatched(kustomizationDir, components).map(({ object }) => object);
}

/** The DecoratorControllers and CompositeControllers of `loadKustomization`, read for the driver. */
export function loadControllers(kustomizationDir: string, components: readonly string[] = []): LoadedController[] {
  return loadPatched(kustomizationDir, components)
    .filter(({ object }) => object.apiVersion === 'metacontroller.k8s.io/v1alpha1' && (object.kind === 'DecoratorController' || object.kind === 'CompositeController'))
    .map(({ object, path }) => toController(object, path));
}
