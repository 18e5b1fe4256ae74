import type { KubeObject, RelatedResourceRule } from '../../src/metacontroller/types';
import { HookError } from './hookClient';
import type { HookDefinition, LoadedController } from './manifests';
import { groupOf } from './refs';
import type { ResourceTypes } from './resources';

const RULE_FIELDS = new Set(['apiVersion', 'resource', 'labelSelector', 'namespaceSelector', 'namespace', 'names']);

/** Customize answers are asked once per object generation, as Metacontroller caches them. */
export class CustomizeCache {
  readonly #rules = new Map<string, RelatedResourceRule[]>();

  get(controller: LoadedController, object: KubeObject): RelatedResourceRule[] | undefined {
    return this.#rules.get(cacheKey(controller, object));
  }

  set(controller: LoadedController, object: KubeObject, rules: RelatedResourceRule[]): void {
    this.#rules.set(cacheKey(controller, object), rules);
  }
}

function cacheKey(controller: LoadedController, object: KubeObject): string {
  return `${controller.name}|${object.metadata.uid}|${object.metadata.generation ?? 0}`;
}

/** The related-resource rules of a customize answer, refused as Metacontroller refuses them. */
export function relatedRulesOf(hook: HookDefinition, answer: Record<string, unknown>, types: ResourceTypes): RelatedResourceRule[] {
  const fields = Object.keys(answer);
  if (hook.strict && fields.some((f) => f !== 'relatedResources')) {
    throw new HookError(`strict validation failed for ${hook.version} customize response: unknown field ${fields.join(',')}`);
  }
  const rules = ((answer as { relatedResources?: RelatedResourceRule[] }).relatedResources ?? []) as RelatedResourceRule[];
  for (const rule of rules) {
    if (hook.strict && Object.keys(rule).some((f) => !RULE_FIELDS.has(f))) throw new HookError(`strict validation failed: unknown field in related rule ${JSON.stringify(rule)}`);
    if (rule.names && (rule.labelSelector || rule.namespaceSelector)) throw new HookError('related rule: names cannot be combined with selectors');
    if (rule.namespace && rule.namespaceSelector) throw new HookError('related rule: namespace cannot be combined with namespaceSelector');
    // An unknown resource fails here, as discovery would.
    types.byResource(groupOf(rule.apiVersion), rule.resource);
  }
  return rules;
}
