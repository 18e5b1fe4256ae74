import { selectorMatches } from '../../src/metacontroller/labelSelector';
import type { KubeObject, LabelSelector, RelatedResourceRule } from '../../src/metacontroller/types';
import type { FakeCluster } from './cluster';
import type { LoadedController, ResourceRule } from './manifests';
import { groupOf } from './refs';

/**
 * Which objects a controller sees: its targets (by resource rule, label and annotation selector),
 * the related objects its customize rules select, and the attachments or children it owns.
 */

/** Marks the attachments a DecoratorController owns, so that two decorators never share one. */
export const DECORATOR_ANNOTATION = 'metacontroller.k8s.io/decorator-controller';

/** The controller's resource rule for the object's kind, if it targets that kind at all. */
export function targetRule(cluster: FakeCluster, controller: LoadedController, object: KubeObject): ResourceRule | undefined {
  const group = groupOf(object.apiVersion);
  return controller.targets.find((rule) => groupOf(rule.apiVersion) === group && cluster.types.byResource(group, rule.resource).kind === object.kind);
}

/** Whether the controller syncs the object: a target kind matching the label and annotation selectors. */
export function isSelected(cluster: FakeCluster, controller: LoadedController, object: KubeObject): boolean {
  const rule = targetRule(cluster, controller, object);
  if (!rule) return false;
  if (!selectorMatches(rule.labelSelector, object.metadata.labels)) return false;
  const annotationSelector = rule.annotationSelector;
  if (annotationSelector) {
    const asLabels: LabelSelector = { matchLabels: annotationSelector.matchAnnotations, matchExpressions: annotationSelector.matchExpressions };
    if (!selectorMatches(asLabels, object.metadata.annotations)) return false;
  }
  return true;
}

/** Every object of the controller's target kinds, selected or not (it may still hold our finalizer). */
export function candidates(cluster: FakeCluster, controller: LoadedController): KubeObject[] {
  const out: KubeObject[] = [];
  for (const rule of controller.targets) {
    const group = groupOf(rule.apiVersion);
    out.push(...cluster.list(group, cluster.types.byResource(group, rule.resource).kind));
  }
  return out;
}

/** The related objects of customize rules, as Metacontroller's v2 selection picks them (any namespace). */
export function selectRelated(cluster: FakeCluster, rules: readonly RelatedResourceRule[]): KubeObject[] {
  const out: KubeObject[] = [];
  for (const rule of rules) {
    const group = groupOf(rule.apiVersion);
    const type = cluster.types.byResource(group, rule.resource);
    // Filtered before the cluster copies them: a fleet has thousands of objects of a kind.
    let keep: (o: Readonly<KubeObject>) => boolean;
    if (rule.namespaceSelector) {
      const namespaces = new Set(cluster.list('', 'Namespace').filter((ns) => selectorMatches(rule.namespaceSelector, ns.metadata.labels)).map((ns) => ns.metadata.name));
      keep = (o) => namespaces.has(o.metadata.namespace ?? '') && selectorMatches(rule.labelSelector, o.metadata.labels);
    } else if (rule.labelSelector && rule.namespace) {
      keep = (o) => o.metadata.namespace === rule.namespace && selectorMatches(rule.labelSelector, o.metadata.labels);
    } else if (rule.namespace !== undefined || rule.names !== undefined) {
      keep = (o) => (!rule.namespace || !type.namespaced || o.metadata.namespace === rule.namespace) && (!rule.names || rule.names.includes(o.metadata.name));
    } else {
      keep = (o) => selectorMatches(rule.labelSelector, o.metadata.labels);
    }
    const objects = cluster.list(group, type.kind, undefined, keep);
    for (const object of objects) {
      object.apiVersion = rule.apiVersion;
      out.push(object);
    }
  }
  return out;
}

/** The attachments (decorator) or children (composite) the controller owns for `target`. */
export function observedOwned(cluster: FakeCluster, controller: LoadedController, target: KubeObject): KubeObject[] {
  const out: KubeObject[] = [];
  for (const rule of controller.owned) {
    const group = groupOf(rule.apiVersion);
    const type = cluster.types.byResource(group, rule.resource);
    const namespace = target.metadata.namespace;
    const owns = (object: Readonly<KubeObject>) =>
      (object.metadata.ownerReferences ?? []).find((o) => o.controller === true)?.uid === target.metadata.uid &&
      (controller.kind !== 'DecoratorController' || object.metadata.annotations?.[DECORATOR_ANNOTATION] === controller.name);
    for (const object of cluster.list(group, type.kind, namespace || undefined, owns)) {
      object.apiVersion = rule.apiVersion;
      out.push(object);
    }
  }
  return out;
}
