import type { KubeObject, ObjectMap, RelatedResourceRule } from '../../src/metacontroller/types';
import type { FakeCluster } from './cluster';
import type { HookDefinition, LoadedController } from './manifests';
import { groupOf } from './refs';
import { observedOwned, selectRelated, targetRule } from './selection';

/** The bodies Metacontroller posts to customize, sync and finalize hooks. */

/** A GroupVersionKind as Go marshals it to text: `Kind.version` for core, `Kind.group/version` otherwise. */
function mapKey(kind: string, apiVersion: string): string {
  return `${kind}.${apiVersion}`;
}

/** Objects grouped by kind, keyed as the hook version expects (v2: `namespace/name` everywhere). */
function objectMap(cluster: FakeCluster, rules: readonly { apiVersion: string; resource: string }[], objects: readonly KubeObject[], parent: KubeObject, version: 'v1' | 'v2'): ObjectMap {
  const map: ObjectMap = {};
  for (const rule of rules) {
    const type = cluster.types.byResource(groupOf(rule.apiVersion), rule.resource);
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

function controllerObject(controller: LoadedController): KubeObject {
  return {
    apiVersion: 'metacontroller.k8s.io/v1alpha1',
    kind: controller.kind,
    metadata: { name: controller.name },
    spec: { hooks: {} },
  };
}

export function customizeRequest(controller: LoadedController, object: KubeObject): Record<string, unknown> {
  return { controller: controllerObject(controller), parent: object };
}

/** A sync or finalize request: the target, its related objects and what it owns. */
export function syncRequest(cluster: FakeCluster, controller: LoadedController, object: KubeObject, rules: readonly RelatedResourceRule[], hook: HookDefinition, finalizing: boolean): Record<string, unknown> {
  const related = objectMap(cluster, rules, selectRelated(cluster, rules), object, hook.version);
  const owned = objectMap(cluster, controller.owned, observedOwned(cluster, controller, object), object, hook.version);
  const root = structuredClone(object);
  const rule = targetRule(cluster, controller, object);
  if (rule) root.apiVersion = rule.apiVersion;
  return controller.kind === 'DecoratorController'
    ? { controller: controllerObject(controller), object: root, attachments: owned, related, finalizing }
    : { controller: controllerObject(controller), parent: root, children: owned, related, finalizing };
}
