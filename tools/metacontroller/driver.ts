import { Agent, request } from 'undici';
import { selectorMatches } from '../../src/metacontroller/labelSelector';
import type { KubeObject, LabelSelector, ObjectMap, OwnerReference, RelatedResourceRule } from '../../src/metacontroller/types';
import { ApiConflictError, ApiNotFoundError, FakeCluster, refOf, type Ref } from './cluster';
import { loadControllers, type HookDefinition, type LoadedController, type ResourceRule } from './manifests';

/**
 * A test stand-in for Metacontroller, written from its protocol (research/metacontroller-protocol.md),
 * not from our server: it reads the controllers in `metacontroller/`, selects targets by their
 * label and annotation selectors, calls customize (cached per uid and generation), selects related
 * objects by the returned rules, posts sync or finalize, and applies the answer to a FakeCluster
 * exactly as Metacontroller would (label/annotation merge with null deletes, whole-status replace,
 * attachments/children as the full desired set, finalizers, resyncAfterSeconds, 429 Retry-After).
 * It re-syncs an object whenever anything it was sent changed, until nothing changes any more.
 */

export interface HookCall {
  controller: string;
  hook: 'sync' | 'finalize' | 'customize';
  object: string;
  statusCode: number;
  /** Whether applying the answer wrote anything to the cluster. */
  wrote: boolean;
  /** Round trip of the HTTP call (benchmarks read it; tests do not assert on time). */
  durationMs: number;
  request: unknown;
  response: unknown;
}

export interface DriverEvent {
  type: 'Warning';
  reason: 'SyncError';
  object: string;
  message: string;
}

export interface DriverOptions {
  cluster: FakeCluster;
  /** Base URL of the hook server; the in-cluster host of each hook is replaced by it. */
  baseUrl: string;
  manifestsDir: string;
  /** Kustomize components of the manifests to enable (e.g. `components/external-dns`). */
  components?: string[];
  /** Value of the Authorization header Metacontroller would send (webhook.authorization). */
  authorization?: string;
  /** Multiplies resyncAfterSeconds and Retry-After delays (tests use a small factor). */
  timeScale?: number;
  /** HTTP agent (keep-alive, like Go's client). */
  agent?: Agent;
}

const DECORATOR_RESPONSE_FIELDS = new Set(['labels', 'annotations', 'status', 'attachments', 'resyncAfterSeconds', 'finalized']);
const COMPOSITE_RESPONSE_FIELDS = new Set(['status', 'children', 'resyncAfterSeconds', 'finalized']);
const RULE_FIELDS = new Set(['apiVersion', 'resource', 'labelSelector', 'namespaceSelector', 'namespace', 'names']);
const DECORATOR_ANNOTATION = 'metacontroller.k8s.io/decorator-controller';
const QUIET_POLLS = 3;

class HookError extends Error {}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

function nameOf(object: KubeObject): string {
  return `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
}

function sameRef(a: Ref, b: Ref): boolean {
  return a.group === b.group && a.kind === b.kind && (a.namespace ?? '') === (b.namespace ?? '') && a.name === b.name;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** metav1.GroupVersionKind.MarshalText: `Kind.version` for core, `Kind.group/version` otherwise. */
function mapKey(kind: string, apiVersion: string): string {
  return `${kind}.${apiVersion}`;
}

interface Schedule {
  dueAt: number;
  /**
   * Resyncs after QUIET_POLLS calls in a row that wrote nothing are just polling (periodic checks):
   * the world counts as stable. Fewer quiet calls may still be waiting for Lattice to converge.
   */
  polling: boolean;
}

export class MetacontrollerDriver {
  readonly cluster: FakeCluster;
  readonly controllers: LoadedController[];
  readonly calls: HookCall[] = [];
  readonly events: DriverEvent[] = [];
  readonly #options: DriverOptions;
  readonly #agent: Agent;
  readonly #ownAgent: boolean;
  readonly #customizeCache = new Map<string, RelatedResourceRule[]>();
  readonly #fingerprints = new Map<string, string>();
  readonly #schedules = new Map<string, Schedule>();
  readonly #failures = new Map<string, number>();
  readonly #quietCalls = new Map<string, number>();
  /** Called after every hook call has been applied (tests check invariants between steps). */
  afterEachCall: (() => Promise<void>) | undefined;

  constructor(options: DriverOptions) {
    this.#options = options;
    this.cluster = options.cluster;
    this.controllers = loadControllers(options.manifestsDir, options.components);
    this.#ownAgent = options.agent === undefined;
    this.#agent = options.agent ?? new Agent({ keepAliveTimeout: 90_000 });
  }

  async close(): Promise<void> {
    if (this.#ownAgent) await this.#agent.close();
  }

  controller(name: string): LoadedController {
    const found = this.controllers.find((c) => c.name === name);
    if (!found) throw new Error(`no controller ${name} in the manifests`);
    return found;
  }

  finalizerOf(controller: LoadedController): string {
    return controller.kind === 'DecoratorController'
      ? `metacontroller.io/decoratorcontroller-${controller.name}`
      : `metacontroller.io/compositecontroller-${controller.name}`;
  }

  /**
   * Runs until no target needs a sync: every object whose inputs changed was synced, every due
   * resync ran, and the only resyncs left are polls that changed nothing.
   */
  async runUntilStable(options: { timeoutMs?: number } = {}): Promise<void> {
    await this.runUntil(() => false, { ...options, stopWhenStable: true });
  }

  /** Runs (waiting for resyncs when needed) until `predicate` holds; fails after the timeout. */
  async runUntil(predicate: () => boolean, options: { timeoutMs?: number; stopWhenStable?: boolean } = {}): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    for (;;) {
      if (!options.stopWhenStable && predicate()) return;
      const work = this.#dueWork();
      if (work.length > 0) {
        for (const item of work) {
          await this.#process(item.controller, item.ref, item.resync);
          await this.afterEachCall?.();
        }
      } else {
        const waiting = [...this.#schedules.values()];
        const active = waiting.filter((s) => !s.polling);
        if (options.stopWhenStable && active.length === 0) return;
        if (waiting.length === 0) {
          if (predicate()) return;
          throw new Error(`condition not reached and nothing left to sync; last calls:\n${this.#recentCalls()}`);
        }
        const next = Math.min(...(options.stopWhenStable ? active : waiting).map((s) => s.dueAt));
        await sleep(Math.max(0, Math.min(next - Date.now(), deadline - Date.now())));
      }
      if (Date.now() > deadline) {
        throw new Error(`not stable within the timeout; events: ${JSON.stringify(this.events.slice(-3))}; last calls:\n${this.#recentCalls()}`);
      }
    }
  }

  /** Makes every selected object's sync due now, as Metacontroller's periodic resync (`resyncPeriodSeconds`) does. */
  resyncAll(): void {
    const now = Date.now();
    for (const controller of this.controllers) {
      for (const object of this.#candidates(controller)) {
        if (this.#selected(controller, object)) this.#schedules.set(this.#key(controller, object), { dueAt: now, polling: true });
      }
    }
  }

  /** Calls made to a controller's hook (all, or for one object `Kind ns/name`). */
  callsTo(controller: string, hook?: HookCall['hook'], object?: string): HookCall[] {
    return this.calls.filter((c) => c.controller === controller && (hook === undefined || c.hook === hook) && (object === undefined || c.object === object));
  }

  #recentCalls(): string {
    return this.calls
      .slice(-8)
      .map((c) => `  ${c.controller}/${c.hook} ${c.object} -> ${c.statusCode}${c.wrote ? ' (wrote)' : ''}`)
      .join('\n');
  }

  #key(controller: LoadedController, object: KubeObject | Ref): string {
    const ref = 'metadata' in object ? refOf(object) : object;
    return `${controller.name}|${ref.group}|${ref.kind}|${ref.namespace ?? ''}|${ref.name}`;
  }

  #targetRule(controller: LoadedController, object: KubeObject): ResourceRule | undefined {
    const group = groupOf(object.apiVersion);
    return controller.targets.find((rule) => {
      if (groupOf(rule.apiVersion) !== group) return false;
      return this.cluster.types.byResource(group, rule.resource).kind === object.kind;
    });
  }

  #selected(controller: LoadedController, object: KubeObject): boolean {
    const rule = this.#targetRule(controller, object);
    if (!rule) return false;
    if (!selectorMatches(rule.labelSelector, object.metadata.labels)) return false;
    const annotationSelector = rule.annotationSelector;
    if (annotationSelector) {
      const asLabels: LabelSelector = { matchLabels: annotationSelector.matchAnnotations, matchExpressions: annotationSelector.matchExpressions };
      if (!selectorMatches(asLabels, object.metadata.annotations)) return false;
    }
    return true;
  }

  #candidates(controller: LoadedController): KubeObject[] {
    const out: KubeObject[] = [];
    for (const rule of controller.targets) {
      const group = groupOf(rule.apiVersion);
      const type = this.cluster.types.byResource(group, rule.resource);
      out.push(...this.cluster.list(group, type.kind));
    }
    return out;
  }

  #dueWork(): { controller: LoadedController; ref: Ref; resync: boolean }[] {
    const work: { controller: LoadedController; ref: Ref; resync: boolean }[] = [];
    const now = Date.now();
    for (const controller of this.controllers) {
      for (const object of this.#candidates(controller)) {
        const key = this.#key(controller, object);
        const selected = this.#selected(controller, object);
        const hasFinalizer = (object.metadata.finalizers ?? []).includes(this.finalizerOf(controller));
        if (!selected && !hasFinalizer) {
          this.#schedules.delete(key);
          continue;
        }
        const schedule = this.#schedules.get(key);
        const due = schedule !== undefined && schedule.dueAt <= now;
        let fingerprint: string;
        try {
          fingerprint = this.#fingerprint(controller, object);
        } catch {
          fingerprint = `unknown:${now}`;
        }
        const changed = this.#fingerprints.get(key) !== fingerprint;
        if (due || changed) work.push({ controller, ref: refOf(object), resync: !changed });
      }
    }
    return work;
  }

  /** Everything a sync is sent; when it is unchanged Metacontroller would not call again. */
  #fingerprint(controller: LoadedController, object: KubeObject): string {
    const rule = this.#targetRule(controller, object);
    const self = rule?.ignoreStatusChanges
      ? JSON.stringify({ ...object, status: undefined, metadata: { ...object.metadata, resourceVersion: undefined } })
      : object.metadata.resourceVersion;
    const cached = this.#customizeCache.get(this.#customizeKey(controller, object));
    const related = cached ? this.#selectRelated(cached).map((o) => `${o.metadata.uid}@${o.metadata.resourceVersion}`) : ['?'];
    const owned = this.#observedOwned(controller, object).map((o) => `${o.metadata.uid}@${o.metadata.resourceVersion}`);
    return JSON.stringify([self, related.sort(), owned.sort()]);
  }

  #customizeKey(controller: LoadedController, object: KubeObject): string {
    return `${controller.name}|${object.metadata.uid}|${object.metadata.generation ?? 0}`;
  }

  async #process(controller: LoadedController, ref: Ref, byResync: boolean): Promise<void> {
    let object = this.cluster.get(ref);
    if (!object) return;
    const key = this.#key(controller, object);
    this.#schedules.delete(key);
    const finalizer = this.finalizerOf(controller);
    const selected = this.#selected(controller, object);
    const deleting = object.metadata.deletionTimestamp !== undefined;
    const hasFinalizer = (object.metadata.finalizers ?? []).includes(finalizer);

    try {
      // The finalizer goes on before any hook runs, and comes off if the finalize hook was removed.
      if (controller.hooks.finalize && selected && !deleting && !hasFinalizer) {
        object = this.cluster.update({ ...object, metadata: { ...object.metadata, finalizers: [...(object.metadata.finalizers ?? []), finalizer] } });
      } else if (!controller.hooks.finalize && hasFinalizer) {
        this.cluster.update({ ...object, metadata: { ...object.metadata, finalizers: (object.metadata.finalizers ?? []).filter((f) => f !== finalizer) } });
        return;
      }
      const finalizing = controller.hooks.finalize !== undefined && hasFinalizer && (deleting || !selected);
      if (!selected && !finalizing) return;

      const rules = await this.#customize(controller, object);
      const fingerprint = this.#fingerprint(controller, object);
      const hookName = finalizing ? 'finalize' : 'sync';
      const hook = (finalizing ? controller.hooks.finalize : controller.hooks.sync) as HookDefinition;
      const body = this.#syncRequest(controller, object, rules, hook, finalizing);
      const response = await this.#post(controller, hookName, object, hook, body);
      if (response === 'retry-later') return;
      const wrote = controller.kind === 'DecoratorController'
        ? this.#applyDecorator(controller, object, hook, response, finalizing)
        : this.#applyComposite(controller, object, hook, response, finalizing);
      const call = this.calls[this.calls.length - 1];
      if (call) call.wrote = wrote;
      this.#fingerprints.set(key, fingerprint);
      this.#failures.delete(key);
      // Only resyncs that changed nothing count as quiet polls; any change starts over.
      const quiet = wrote || !byResync ? 0 : (this.#quietCalls.get(key) ?? 0) + 1;
      this.#quietCalls.set(key, quiet);
      const resync = (response as { resyncAfterSeconds?: unknown }).resyncAfterSeconds;
      if (typeof resync === 'number' && resync > 0) {
        this.#schedules.set(key, { dueAt: Date.now() + resync * 1000 * (this.#options.timeScale ?? 1), polling: quiet >= QUIET_POLLS });
      }
    } catch (error) {
      if (!(error instanceof HookError) && !(error instanceof ApiNotFoundError) && !(error instanceof ApiConflictError)) throw error;
      const failures = (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, failures);
      this.events.push({ type: 'Warning', reason: 'SyncError', object: nameOf(object), message: `Sync error: ${error.message}` });
      // Rate-limited requeue: 5 ms doubling (client-go's default), capped for tests.
      this.#schedules.set(key, { dueAt: Date.now() + Math.min(2000, 5 * 2 ** failures), polling: false });
    }
  }

  async #customize(controller: LoadedController, object: KubeObject): Promise<RelatedResourceRule[]> {
    const hook = controller.hooks.customize;
    if (!hook) return [];
    const cacheKey = this.#customizeKey(controller, object);
    const cached = this.#customizeCache.get(cacheKey);
    if (cached) return cached;
    const response = await this.#post(controller, 'customize', object, hook, { controller: this.#controllerObject(controller), parent: object });
    if (response === 'retry-later') throw new HookError('customize hook asked to retry later');
    const fields = Object.keys(response);
    if (hook.strict && fields.some((f) => f !== 'relatedResources')) {
      throw new HookError(`strict validation failed for ${hook.version} customize response: unknown field ${fields.join(',')}`);
    }
    const rules = ((response as { relatedResources?: RelatedResourceRule[] }).relatedResources ?? []) as RelatedResourceRule[];
    for (const rule of rules) {
      if (hook.strict && Object.keys(rule).some((f) => !RULE_FIELDS.has(f))) throw new HookError(`strict validation failed: unknown field in related rule ${JSON.stringify(rule)}`);
      if (rule.names && (rule.labelSelector || rule.namespaceSelector)) throw new HookError('related rule: names cannot be combined with selectors');
      if (rule.namespace && rule.namespaceSelector) throw new HookError('related rule: namespace cannot be combined with namespaceSelector');
      this.cluster.types.byResource(groupOf(rule.apiVersion), rule.resource);
    }
    this.#customizeCache.set(cacheKey, rules);
    return rules;
  }

  /** determineSelectionType in pkg/controller/common/customize (v2: any namespace). */
  #selectRelated(rules: readonly RelatedResourceRule[]): KubeObject[] {
    const out: KubeObject[] = [];
    for (const rule of rules) {
      const group = groupOf(rule.apiVersion);
      const type = this.cluster.types.byResource(group, rule.resource);
      let objects = this.cluster.list(group, type.kind);
      if (rule.namespaceSelector) {
        const namespaces = new Set(this.cluster.list('', 'Namespace').filter((ns) => selectorMatches(rule.namespaceSelector, ns.metadata.labels)).map((ns) => ns.metadata.name));
        objects = objects.filter((o) => namespaces.has(o.metadata.namespace ?? '') && selectorMatches(rule.labelSelector, o.metadata.labels));
      } else if (rule.labelSelector && rule.namespace) {
        objects = objects.filter((o) => o.metadata.namespace === rule.namespace && selectorMatches(rule.labelSelector, o.metadata.labels));
      } else if (rule.namespace !== undefined || rule.names !== undefined) {
        if (rule.namespace && type.namespaced) objects = objects.filter((o) => o.metadata.namespace === rule.namespace);
        if (rule.names) objects = objects.filter((o) => rule.names?.includes(o.metadata.name));
      } else {
        objects = objects.filter((o) => selectorMatches(rule.labelSelector, o.metadata.labels));
      }
      for (const object of objects) {
        object.apiVersion = rule.apiVersion;
        out.push(object);
      }
    }
    return out;
  }

  #observedOwned(controller: LoadedController, target: KubeObject): KubeObject[] {
    const out: KubeObject[] = [];
    for (const rule of controller.owned) {
      const group = groupOf(rule.apiVersion);
      const type = this.cluster.types.byResource(group, rule.resource);
      const namespace = target.metadata.namespace;
      for (const object of this.cluster.list(group, type.kind, namespace || undefined)) {
        const owner = (object.metadata.ownerReferences ?? []).find((o) => o.controller === true);
        if (owner?.uid !== target.metadata.uid) continue;
        if (controller.kind === 'DecoratorController' && object.metadata.annotations?.[DECORATOR_ANNOTATION] !== controller.name) continue;
        object.apiVersion = rule.apiVersion;
        out.push(object);
      }
    }
    return out;
  }

  #objectMap(rules: readonly { apiVersion: string; resource: string }[], objects: readonly KubeObject[], parent: KubeObject, version: 'v1' | 'v2'): ObjectMap {
    const map: ObjectMap = {};
    for (const rule of rules) {
      const type = this.cluster.types.byResource(groupOf(rule.apiVersion), rule.resource);
      map[mapKey(type.kind, rule.apiVersion)] = {};
    }
    const parentNamespace = parent.metadata.namespace;
    for (const object of objects) {
      const group = map[mapKey(object.kind, object.apiVersion)];
      if (!group) continue;
      const namespace = object.metadata.namespace;
      let key: string;
      if (version === 'v2') key = namespace ? `${namespace}/${object.metadata.name}` : object.metadata.name;
      else {
        // v1 RelativeObjectMap: a namespaced parent only sees its own namespace.
        if (parentNamespace && namespace !== parentNamespace) continue;
        key = !parentNamespace && namespace ? `${namespace}/${object.metadata.name}` : object.metadata.name;
      }
      group[key] = object;
    }
    return map;
  }

  #controllerObject(controller: LoadedController): KubeObject {
    return {
      apiVersion: 'metacontroller.k8s.io/v1alpha1',
      kind: controller.kind,
      metadata: { name: controller.name },
      spec: { hooks: {} },
    };
  }

  #syncRequest(controller: LoadedController, object: KubeObject, rules: RelatedResourceRule[], hook: HookDefinition, finalizing: boolean): unknown {
    const related = this.#objectMap(rules, this.#selectRelated(rules), object, hook.version);
    const owned = this.#objectMap(controller.owned, this.#observedOwned(controller, object), object, hook.version);
    const root = clone(object);
    const targetRule = this.#targetRule(controller, object);
    if (targetRule) root.apiVersion = targetRule.apiVersion;
    return controller.kind === 'DecoratorController'
      ? { controller: this.#controllerObject(controller), object: root, attachments: owned, related, finalizing }
      : { controller: this.#controllerObject(controller), parent: root, children: owned, related, finalizing };
  }

  async #post(controller: LoadedController, hookName: HookCall['hook'], object: KubeObject, hook: HookDefinition, body: unknown): Promise<Record<string, unknown> | 'retry-later'> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.#options.authorization) headers.authorization = this.#options.authorization;
    const call: HookCall = { controller: controller.name, hook: hookName, object: nameOf(object), statusCode: 0, wrote: false, durationMs: 0, request: body, response: undefined };
    this.calls.push(call);
    let statusCode: number;
    let text: string;
    let retryAfter: string | undefined;
    const started = performance.now();
    try {
      const res = await request(`${this.#options.baseUrl}${hook.path}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        dispatcher: this.#agent,
        headersTimeout: hook.timeoutMs,
        bodyTimeout: hook.timeoutMs,
      });
      statusCode = res.statusCode;
      const header = res.headers['retry-after'];
      retryAfter = Array.isArray(header) ? header[0] : header;
      text = await res.body.text();
    } catch (error) {
      throw new HookError(`http error: Post "${hook.url}": ${(error as Error).message}`);
    } finally {
      call.durationMs = performance.now() - started;
    }
    call.statusCode = statusCode;
    if (statusCode === 429) {
      const seconds = retryAfter !== undefined && /^\d+$/.test(retryAfter) ? Number(retryAfter) : 0;
      this.#schedules.set(this.#key(controller, object), { dueAt: Date.now() + seconds * 1000 * (this.#options.timeScale ?? 1), polling: false });
      return 'retry-later';
    }
    if (statusCode !== 200) throw new HookError(`unsupported status code: ${statusCode} body: ${text}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new HookError(`can't unmarshal webhookResponse (version: ${hook.version}, type: ${hookName}): ${(error as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new HookError(`can't unmarshal webhookResponse (version: ${hook.version}, type: ${hookName}): not an object`);
    }
    call.response = parsed;
    return parsed as Record<string, unknown>;
  }

  #checkFields(hook: HookDefinition, response: Record<string, unknown>, allowed: Set<string>): void {
    const unknown = Object.keys(response).filter((f) => !allowed.has(f));
    if (hook.strict && unknown.length > 0) {
      throw new HookError(`strict validation failed for ${hook.version} webhookResponse (mode: strict): unknown field "${unknown[0]}"`);
    }
  }

  #applyDecorator(controller: LoadedController, sent: KubeObject, hook: HookDefinition, response: Record<string, unknown>, finalizing: boolean): boolean {
    this.#checkFields(hook, response, DECORATOR_RESPONSE_FIELDS);
    let wrote = false;
    let current: KubeObject = sent;
    const status = response.status;
    const finalized = finalizing && response.finalized === true;

    // Status first (PUT …/status with the resourceVersion we sent); a conflict is dropped silently.
    if (status !== undefined && status !== null) {
      if (typeof status !== 'object' || Array.isArray(status)) throw new HookError('status must be an object');
      try {
        const before = current.metadata.resourceVersion;
        current = this.cluster.updateStatus(refOf(sent), status, { expectedResourceVersion: current.metadata.resourceVersion });
        wrote ||= current.metadata.resourceVersion !== before;
      } catch (error) {
        if (!(error instanceof ApiConflictError) && !(error instanceof ApiNotFoundError)) throw error;
        return wrote;
      }
    }

    const next = clone(current);
    const labels = this.#mergeStringMap(next.metadata.labels, response.labels, 'labels');
    const annotations = this.#mergeStringMap(next.metadata.annotations, response.annotations, 'annotations');
    if (labels) next.metadata.labels = labels;
    else delete next.metadata.labels;
    if (annotations) next.metadata.annotations = annotations;
    else delete next.metadata.annotations;
    if (finalized) next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== this.finalizerOf(controller));
    if (JSON.stringify(next.metadata) !== JSON.stringify(current.metadata)) {
      try {
        const stored = this.cluster.update(next, { expectedResourceVersion: current.metadata.resourceVersion });
        wrote ||= stored.metadata.resourceVersion !== current.metadata.resourceVersion || finalized;
        current = stored;
      } catch (error) {
        if (!(error instanceof ApiConflictError) && !(error instanceof ApiNotFoundError)) throw error;
        return wrote;
      }
    }
    if (finalized) return true;
    return this.#reconcileOwned(controller, current, response.attachments, 'attachments') || wrote;
  }

  #applyComposite(controller: LoadedController, parent: KubeObject, hook: HookDefinition, response: Record<string, unknown>, finalizing: boolean): boolean {
    this.#checkFields(hook, response, COMPOSITE_RESPONSE_FIELDS);
    const finalized = finalizing && response.finalized === true;
    let wrote = false;
    if (!finalized) wrote = this.#reconcileOwned(controller, parent, response.children, 'children');
    // Status: null wipes it; observedGeneration is always injected; last writer wins.
    const status = response.status === undefined || response.status === null ? {} : (response.status as Record<string, unknown>);
    if (typeof status !== 'object' || Array.isArray(status)) throw new HookError('status must be an object');
    const live = this.cluster.get(refOf(parent));
    if (!live) return wrote;
    const desired = { ...status, observedGeneration: parent.metadata.generation ?? 0 };
    const after = this.cluster.updateStatus(refOf(live), desired);
    wrote ||= after.metadata.resourceVersion !== live.metadata.resourceVersion;
    if (finalized) {
      const fresh = this.cluster.get(refOf(parent));
      if (fresh) this.cluster.update({ ...fresh, metadata: { ...fresh.metadata, finalizers: (fresh.metadata.finalizers ?? []).filter((f) => f !== this.finalizerOf(controller)) } });
      wrote = true;
    }
    return wrote;
  }

  #mergeStringMap(current: Record<string, string> | undefined, patch: unknown, field: string): Record<string, string> | undefined {
    if (patch === undefined || patch === null) return current;
    if (typeof patch !== 'object' || Array.isArray(patch)) throw new HookError(`${field} must be an object`);
    const merged: Record<string, string> = { ...(current ?? {}) };
    for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
      if (value === null) delete merged[key];
      else if (typeof value === 'string') merged[key] = value;
      else throw new HookError(`${field}.${key} must be a string or null`);
    }
    return Object.keys(merged).length > 0 ? merged : undefined;
  }

  /** Attachments or children: the answer is the complete desired set, applied per update strategy. */
  #reconcileOwned(controller: LoadedController, owner: KubeObject, desiredRaw: unknown, field: string): boolean {
    if (desiredRaw !== undefined && desiredRaw !== null && !Array.isArray(desiredRaw)) throw new HookError(`${field} must be a list`);
    const desired = (desiredRaw ?? []) as unknown[];
    const observed = this.#observedOwned(controller, owner);
    let wrote = false;
    const kept: Ref[] = [];
    for (const entry of desired) {
      if (entry === null || typeof entry !== 'object') throw new HookError(`${field}: null entry`);
      const object = clone(entry as KubeObject);
      const rule = controller.owned.find((r) => r.apiVersion === object.apiVersion && this.cluster.types.byResource(groupOf(r.apiVersion), r.resource).kind === object.kind);
      if (!rule) throw new HookError(`${field}: ${object.kind} ${object.apiVersion} is not a declared ${field} type`);
      if (!object.metadata?.name) throw new HookError(`${field}: object without metadata.name`);
      const type = this.cluster.types.byKind(groupOf(object.apiVersion), object.kind);
      if (type.namespaced) {
        object.metadata.namespace ??= owner.metadata.namespace;
        if (owner.metadata.namespace && object.metadata.namespace !== owner.metadata.namespace) {
          throw new HookError(`${field}: ${object.kind} ${object.metadata.name} is not in the namespace of its owner`);
        }
      }
      const ownerRef: OwnerReference = { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid as string, controller: true, blockOwnerDeletion: true };
      object.metadata.ownerReferences = [ownerRef];
      if (controller.kind === 'DecoratorController') object.metadata.annotations = { ...(object.metadata.annotations ?? {}), [DECORATOR_ANNOTATION]: controller.name };
      else if (controller.generateSelector) object.metadata.labels = { ...(object.metadata.labels ?? {}), 'controller-uid': owner.metadata.uid as string };
      const ref = refOf(object);
      kept.push(ref);
      const existing = this.cluster.get(ref);
      if (!existing) {
        this.cluster.apply(object);
        wrote = true;
        continue;
      }
      const ownedByUs = observed.some((o) => sameRef(refOf(o), ref));
      if (!ownedByUs) throw new HookError(`${field}: ${object.kind} ${object.metadata.name} already exists and is not ours`);
      const method = rule.updateStrategy?.method ?? 'OnDelete';
      if (method === 'OnDelete') continue;
      if (method === 'Recreate' || method === 'RollingRecreate') {
        const before = JSON.stringify({ ...existing, metadata: undefined, status: undefined });
        const after = JSON.stringify({ ...object, metadata: undefined, status: undefined });
        if (before !== after) {
          this.cluster.delete(ref);
          this.cluster.apply(object);
          wrote = true;
        }
        continue;
      }
      const merged = { ...existing, ...object, metadata: { ...existing.metadata, labels: object.metadata.labels, annotations: object.metadata.annotations, ownerReferences: object.metadata.ownerReferences }, status: existing.status };
      const stored = this.cluster.update(merged);
      wrote ||= stored.metadata.resourceVersion !== existing.metadata.resourceVersion;
    }
    for (const object of observed) {
      if (!kept.some((ref) => sameRef(ref, refOf(object)))) {
        this.cluster.delete(refOf(object));
        wrote = true;
      }
    }
    return wrote;
  }
}
