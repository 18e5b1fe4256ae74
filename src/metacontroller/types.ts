/**
 * Metacontroller hook protocol (DecoratorController and CompositeController, hook versions v1 and
 * v2). The two versions differ only in the keys of the object maps, which this project never
 * trusts: objects are identified by their own apiVersion/kind/metadata (see ObjectIndex).
 */

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  [field: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** `{ "<Kind>.<apiVersion>": { "<key>": object } }`; keys are informational only. */
export type ObjectMap = Record<string, Record<string, KubeObject>>;

export type HookName = 'sync' | 'finalize' | 'customize';
export type ControllerKind = 'DecoratorController' | 'CompositeController';

export interface DecoratorHookRequest {
  controller: KubeObject;
  object: KubeObject;
  attachments: ObjectMap;
  related: ObjectMap;
  finalizing: boolean;
}

export interface CompositeHookRequest {
  controller: KubeObject;
  parent: KubeObject;
  children: ObjectMap;
  related: ObjectMap;
  finalizing: boolean;
}

export interface CustomizeHookRequest {
  controller: KubeObject;
  /** Named `parent` for both controller kinds. */
  parent: KubeObject;
}

/** `null` deletes the key; absent keys are left alone. */
export type MetadataPatch = Record<string, string | null>;

export interface DecoratorHookResponse {
  labels?: MetadataPatch;
  annotations?: MetadataPatch;
  /** `null` or absent: leave `.status` unchanged; an object replaces the whole status. */
  status?: Record<string, unknown> | null;
  /** The complete desired set; absent deletes every attachment. */
  attachments?: KubeObject[];
  resyncAfterSeconds?: number;
  finalized?: boolean;
}

export interface CompositeHookResponse {
  /** Replaces the whole status; Metacontroller then sets observedGeneration. */
  status: Record<string, unknown>;
  /** The complete desired set; anything observed and not returned is deleted. */
  children: KubeObject[];
  resyncAfterSeconds?: number;
  finalized?: boolean;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface RelatedResourceRule {
  apiVersion: string;
  resource: string;
  labelSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  namespace?: string;
  names?: string[];
}

export interface CustomizeHookResponse {
  relatedResources: RelatedResourceRule[];
}
