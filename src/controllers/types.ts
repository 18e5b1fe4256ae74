import type { ExpiringSet } from '../lattice/expiringSet';
import type { ConvergingPasses } from './convergingPasses';
import type { Logger } from '../log';
import type { Config } from '../config';
import type { LatticeApi } from '../lattice/api';
import type { AcmApi } from '../lattice/acmApi';
import type { LambdaApi } from '../lattice/lambdaApi';
import type { TaggingApi } from '../lattice/taggingApi';
import type { PolicyApi } from '../lattice/policyApi';
import type { AwsIdentity } from '../model/identity';
import type {
  CompositeHookRequest,
  CompositeHookResponse,
  CustomizeHookRequest,
  CustomizeHookResponse,
  DecoratorHookRequest,
  DecoratorHookResponse,
  LabelSelector,
} from '../metacontroller/types';

/** What one hook invocation may use besides its request. */
export interface HookContext {
  readonly config: Config;
  /** Bound to the controller, the hook and the object. */
  readonly log: Logger;
  readonly now: () => Date;
  /** Epoch milliseconds by which the hook must have answered (HOOK_DEADLINE_MS after arrival). */
  readonly deadline: number;
  /** Lattice, bound to this hook's deadline and call accounting. Throws when the server runs without AWS. */
  readonly aws: HookAws;
  /** Last passes of objects still converging, shared by the process's hooks (absent: every sync makes a full pass). */
  readonly converging?: ConvergingPasses;
  /** What route teardowns saw and stays true (a group ours, a service gone), shared by the process's hooks (see routeTeardown). */
  readonly teardownFacts?: ExpiringSet;
  /** Whether the process's AWS call budget has no token free now (absent: never busy). */
  readonly budgetBusy?: () => boolean;
  /** Counters a controller reports besides the server's own (absent where a test builds the context). */
  readonly metrics?: ControllerMetrics;
  /** The other replicas behind the hook Service (REPLICA_ADDRESS, REPLICA_PEERS; absent: none known). */
  readonly replicas?: ReplicaAccess;
}

/** What a hook invocation may ask of the other replicas (see passMark). */
export interface ReplicaAccess {
  /** This replica's address, as the marks it leaves name it. */
  readonly address: string;
  /** The request came from another replica: it goes no further. */
  readonly handedOver: boolean;
  /**
   * Hands this hook's request to the replica at `address`: its answer; `gone` when that is no
   * replica now, or it cannot be reached, failed or declined (a decline for want of a picture is
   * remembered by `about`, the object and its mark); `unknown` when no replica resolved at all
   * (REPLICA_PEERS resolves to nothing). Throws RetryLaterError when the replica asks for it, or
   * took the request and did not answer in time (it may still be at work).
   */
  readonly forward: (address: string, about: string) => Promise<ReplicaAnswer>;
}

export type ReplicaAnswer = { answer: object } | 'gone' | 'unknown';

/**
 * How a sync did without observing Lattice in full: answered from its verified record (within its
 * drift window, or past it while the call budget is busy: deferred), or from a converging pass's
 * hold, or a pass that started from the last pass's picture and re-read only what was in
 * transition, or left to the replica whose pass wrote last (handed back: asked again later;
 * forwarded: that replica answered).
 */
export type RecordAnswer = 'verified' | 'deferred' | 'converging' | 'picture' | 'handed-back' | 'forwarded';

export interface ControllerMetrics {
  /** A sync of an object of `kind` answered from its records (see driftCheck). */
  syncFromRecord(kind: string, record: RecordAnswer): void;
  orphanRemoved(resourceType: string): void;
  orphanSweep(outcome: 'complete' | 'continued' | 'deferred'): void;
}

export interface HookAws {
  readonly api: LatticeApi;
  readonly acm: AcmApi;
  /** Lambda functions behind LambdaTarget backends. */
  readonly lambda: LambdaApi;
  /** Auth types, auth policies and access log subscriptions (service policies). */
  readonly policies: PolicyApi;
  /** Finds resources by their tags in one call (absent with DISABLE_TAGGING_SERVICE_API: list them instead). */
  readonly tagging?: TaggingApi;
  readonly identity: AwsIdentity;
}

export interface WatchedResource {
  apiVersion: string;
  /** Lowercase plural, as in the Kubernetes API path. */
  resource: string;
  labelSelector?: LabelSelector;
  /** Metacontroller's annotation selector (values must be valid label values). */
  annotationSelector?: { matchAnnotations?: Record<string, string> };
  /** Status-only updates do not trigger a sync (our own status writes would otherwise loop back). */
  ignoreStatusChanges?: boolean;
}

export interface AttachmentResource {
  apiVersion: string;
  resource: string;
  updateStrategy?: { method: 'OnDelete' | 'Recreate' | 'InPlace' };
}

/**
 * How a controller is wired into Metacontroller. This one description produces both the server's
 * routes and the manifests in `metacontroller/`, so the two cannot drift apart.
 */
export interface DecoratorWiring {
  kind: 'DecoratorController';
  /** URL segment (`/hooks/<name>/…`); the Metacontroller object is `lattice-<name>`. */
  name: string;
  description: string;
  resources: WatchedResource[];
  attachments?: AttachmentResource[];
  hooks: { customize: boolean; finalize: boolean };
  resyncPeriodSeconds?: number;
}

export interface CompositeWiring {
  kind: 'CompositeController';
  name: string;
  description: string;
  parentResource: WatchedResource;
  childResources?: AttachmentResource[];
  hooks: { customize: boolean; finalize: boolean };
  resyncPeriodSeconds?: number;
}

export type ControllerWiring = DecoratorWiring | CompositeWiring;

type MaybePromise<T> = T | Promise<T>;

export interface DecoratorHandlers {
  customize?(request: CustomizeHookRequest, ctx: HookContext): MaybePromise<CustomizeHookResponse>;
  sync(request: DecoratorHookRequest, ctx: HookContext): MaybePromise<DecoratorHookResponse>;
  finalize?(request: DecoratorHookRequest, ctx: HookContext): MaybePromise<DecoratorHookResponse>;
}

export interface CompositeHandlers {
  customize?(request: CustomizeHookRequest, ctx: HookContext): MaybePromise<CustomizeHookResponse>;
  sync(request: CompositeHookRequest, ctx: HookContext): MaybePromise<CompositeHookResponse>;
  finalize?(request: CompositeHookRequest, ctx: HookContext): MaybePromise<CompositeHookResponse>;
}

export type HookController =
  | { wiring: DecoratorWiring; handlers: DecoratorHandlers; features?: readonly string[] }
  | { wiring: CompositeWiring; handlers: CompositeHandlers; features?: readonly string[] };

/** The Metacontroller object name of a controller. */
export function metacontrollerName(wiring: ControllerWiring): string {
  return `lattice-${wiring.name}`;
}
