import type { Agent } from 'undici';
import { DEFAULT_CONTROLLER_NAME } from '../../src/config';
import type { KubeObject, RelatedResourceRule } from '../../src/metacontroller/types';
import { applyAnswer } from './answers';
import { ApiConflictError, ApiNotFoundError, type FakeCluster } from './cluster';
import { CustomizeCache, relatedRulesOf } from './customize';
import { finalizerOf, lifecycleStep, withFinalizer, withoutFinalizer } from './finalizers';
import { HookClient, HookError, type HookCall, type HookName } from './hookClient';
import { loadControllers, type HookDefinition, type LoadedController } from './manifests';
import { assertConditionsObserved } from './observedGeneration';
import { describeObject, refOf, type Ref } from './refs';
import { customizeRequest, syncRequest } from './requests';
import { candidates, isSelected, observedOwned, selectRelated, targetRule } from './selection';
import { PERIODIC_RESYNC_SECONDS, SyncQueue } from './syncQueue';

export type { HookCall } from './hookClient';

/**
 * A stand-in for Metacontroller, written from its protocol rather than from our server: it reads
 * the controllers in `metacontroller/`, selects targets by their label and annotation selectors,
 * calls customize (cached per uid and generation), selects related objects by the returned
 * rules, posts sync or finalize, and applies the answer to a FakeCluster as Metacontroller would
 * (label/annotation merge with null deletes, whole-status replace, attachments/children as the
 * full desired set, finalizers, resyncAfterSeconds, 429 Retry-After). It re-syncs an object
 * whenever anything it was sent changed, until nothing changes any more.
 */

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
  /**
   * Fail (throw from runUntil) when a status a hook answered has a condition of ours whose
   * observedGeneration is not the object's generation. On unless set to false.
   */
  checkObservedGeneration?: boolean;
  /** The server's controllerName (CONTROLLER_NAME): which route parents and policy ancestors are ours. */
  controllerName?: string;
}

interface Work {
  controller: LoadedController;
  ref: Ref;
  byResync: boolean;
}

export class MetacontrollerDriver {
  readonly cluster: FakeCluster;
  readonly controllers: LoadedController[];
  readonly calls: HookCall[] = [];
  readonly events: DriverEvent[] = [];
  readonly #options: DriverOptions;
  readonly #client: HookClient;
  readonly #customizeCache = new CustomizeCache();
  readonly #queue = new SyncQueue();
  /** Called after every hook call has been applied (tests check invariants between steps). */
  afterEachCall: (() => Promise<void>) | undefined;

  constructor(options: DriverOptions) {
    this.#options = options;
    this.cluster = options.cluster;
    this.controllers = loadControllers(options.manifestsDir, options.components);
    this.#client = new HookClient(options);
  }

  async close(): Promise<void> {
    await this.#client.close();
  }

  /** Where hook calls go now. */
  get baseUrl(): string {
    return this.#client.baseUrl;
  }

  /**
   * Points the following hook calls at another server, as a Service does when its endpoints change
   * during a rolling update: a call in flight finishes on the server it was sent to.
   */
  switchServer(baseUrl: string): void {
    this.#client.baseUrl = baseUrl;
  }

  controller(name: string): LoadedController {
    const found = this.controllers.find((c) => c.name === name);
    if (!found) throw new Error(`no controller ${name} in the manifests`);
    return found;
  }

  finalizerOf(controller: LoadedController): string {
    return finalizerOf(controller);
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
      // Only polls are due (periodic checks of a world with nothing else to do): that is stable. In a
      // large world a pass over the polls can outlast their period, so running them would never end.
      if (options.stopWhenStable && this.#queue.isStable() && work.every((item) => item.byResync)) return;
      if (work.length > 0) {
        for (const item of work) {
          await this.#process(item);
          await this.afterEachCall?.();
        }
      } else {
        if (options.stopWhenStable && this.#queue.isStable()) return;
        if (this.#queue.isIdle()) {
          if (predicate()) return;
          throw new Error(`condition not reached and nothing left to sync; last calls:\n${this.#recentCalls()}`);
        }
        const next = this.#queue.nextDueAt(options.stopWhenStable === true);
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
      for (const object of candidates(this.cluster, controller)) {
        if (isSelected(this.cluster, controller, object)) this.#queue.resyncNow(keyOf(controller, refOf(object)), now);
      }
    }
  }

  /** Calls made to a controller's hook (all, or for one object `Kind ns/name`). */
  callsTo(controller: string, hook?: HookName, object?: string): HookCall[] {
    return this.calls.filter((c) => c.controller === controller && (hook === undefined || c.hook === hook) && (object === undefined || c.object === object));
  }

  #recentCalls(): string {
    return this.calls
      .slice(-8)
      .map((c) => `  ${c.controller}/${c.hook} ${c.object} -> ${c.statusCode}${c.wrote ? ' (wrote)' : ''}`)
      .join('\n');
  }

  #dueWork(): Work[] {
    const work: Work[] = [];
    const now = Date.now();
    const present = new Set<string>();
    for (const controller of this.controllers) {
      for (const object of candidates(this.cluster, controller)) {
        const key = keyOf(controller, refOf(object));
        present.add(key);
        const hasFinalizer = (object.metadata.finalizers ?? []).includes(finalizerOf(controller));
        if (!isSelected(this.cluster, controller, object) && !hasFinalizer) {
          this.#queue.unschedule(key);
          continue;
        }
        let fingerprint: string;
        try {
          fingerprint = this.#fingerprint(controller, object);
        } catch {
          fingerprint = `unknown:${now}`;
        }
        const { due, changed } = this.#queue.needsSync(key, fingerprint, now);
        if (due || changed) work.push({ controller, ref: refOf(object), byResync: !changed });
      }
    }
    // A deleted object's retry (after a failure or a 429) is dropped, as Metacontroller's
    // work queue finds the object gone: left scheduled, it would never let the world be stable.
    this.#queue.retainOnly(present);
    return work;
  }

  /** Everything a sync is sent; when it is unchanged Metacontroller would not call again. */
  #fingerprint(controller: LoadedController, object: KubeObject): string {
    const rule = targetRule(this.cluster, controller, object);
    const self = rule?.ignoreStatusChanges
      ? JSON.stringify({ ...object, status: undefined, metadata: { ...object.metadata, resourceVersion: undefined } })
      : object.metadata.resourceVersion;
    const rules = this.#customizeCache.get(controller, object);
    const related = rules ? selectRelated(this.cluster, rules).map(versionOf) : ['?'];
    const owned = observedOwned(this.cluster, controller, object).map(versionOf);
    return JSON.stringify([self, related.sort(), owned.sort()]);
  }

  async #process({ controller, ref, byResync }: Work): Promise<void> {
    let object = this.cluster.get(ref);
    if (!object) return;
    const key = keyOf(controller, ref);
    this.#queue.unschedule(key);
    try {
      const step = lifecycleStep(controller, object, isSelected(this.cluster, controller, object));
      if (step.finalizer === 'remove') {
        this.cluster.update(withoutFinalizer(object, finalizerOf(controller)));
        return;
      }
      if (step.finalizer === 'add') object = this.cluster.update(withFinalizer(object, finalizerOf(controller)));
      if (step.hook === undefined) return;

      const rules = await this.#customize(controller, object);
      const fingerprint = this.#fingerprint(controller, object);
      const finalizing = step.hook === 'finalize';
      const hook = controller.hooks[step.hook] as HookDefinition;
      const answer = await this.#call(controller, step.hook, object, hook, syncRequest(this.cluster, controller, object, rules, hook, finalizing));
      if (answer === undefined) return;
      const applied = applyAnswer({ cluster: this.cluster, controller, hook, sent: object, answer, finalizing });
      const call = this.calls[this.calls.length - 1];
      if (call) call.wrote = applied.wrote;
      if (applied.status && this.#options.checkObservedGeneration !== false && object.metadata.generation !== undefined) {
        // Against the generation the hook was sent: a decorator's status write only lands when it is still current.
        assertConditionsObserved(describeObject(object), applied.status, object.metadata.generation, this.#options.controllerName ?? DEFAULT_CONTROLLER_NAME);
      }
      const resync = answer.resyncAfterSeconds;
      this.#queue.succeeded(key, {
        fingerprint,
        wrote: applied.wrote,
        byResync,
        resyncAfterMs: typeof resync === 'number' && resync > 0 ? this.#scaled(resync) : undefined,
        periodic: typeof resync === 'number' && resync >= PERIODIC_RESYNC_SECONDS,
      });
    } catch (error) {
      if (!(error instanceof HookError) && !(error instanceof ApiNotFoundError) && !(error instanceof ApiConflictError)) throw error;
      this.#queue.failed(key);
      this.events.push({ type: 'Warning', reason: 'SyncError', object: describeObject(object), message: `Sync error: ${error.message}` });
    }
  }

  async #customize(controller: LoadedController, object: KubeObject): Promise<RelatedResourceRule[]> {
    const hook = controller.hooks.customize;
    if (!hook) return [];
    const cached = this.#customizeCache.get(controller, object);
    if (cached) return cached;
    const answer = await this.#call(controller, 'customize', object, hook, customizeRequest(controller, object));
    if (answer === undefined) throw new HookError('customize hook asked to retry later');
    const rules = relatedRulesOf(hook, answer, this.cluster.types);
    this.#customizeCache.set(controller, object, rules);
    return rules;
  }

  /** Posts to a hook and records the call; undefined when the hook asked to be called later (429). */
  async #call(controller: LoadedController, hookName: HookName, object: KubeObject, hook: HookDefinition, body: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
    const call: HookCall = { controller: controller.name, hook: hookName, object: describeObject(object), statusCode: 0, wrote: false, durationMs: 0, request: body, response: undefined };
    this.calls.push(call);
    const answer = await this.#client.post(hook, call);
    if (answer.kind === 'answer') return answer.body;
    this.#queue.retryAfter(keyOf(controller, refOf(object)), this.#scaled(answer.retryAfterSeconds));
    return undefined;
  }

  #scaled(seconds: number): number {
    return seconds * 1000 * (this.#options.timeScale ?? 1);
  }
}

function keyOf(controller: LoadedController, ref: Ref): string {
  return `${controller.name}|${ref.group}|${ref.kind}|${ref.namespace ?? ''}|${ref.name}`;
}

function versionOf(object: KubeObject): string {
  return `${object.metadata.uid}@${object.metadata.resourceVersion}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
