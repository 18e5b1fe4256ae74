import { GATEWAY_API_VERSION, GATEWAY_GROUP, isRouteKind, type AnyRoute, type Gateway } from '../gatewayapi/types';
import { gatewayParentRefs, isOurGateway, ourParentGateways } from '../gatewayapi/parentRefs';
import { MANAGED_LABEL, MANAGED_LABEL_VALUE } from '../gatewayapi/ourKeys';
import { ObjectIndex } from '../metacontroller/objectIndex';
import { metadataPatch } from '../metacontroller/response';
import type { RelatedResourceRule } from '../metacontroller/types';
import type { DecoratorHandlers, DecoratorWiring, HookController } from './types';

/**
 * The classifier marks the Gateways and routes that belong to a Gateway of our class, so that the
 * managing controllers (which put finalizers on what they select) never touch anything else. It
 * has no finalize hook on purpose: it must never block the deletion of someone else's object.
 *
 * Membership follows the GatewayClass controllerName only, not the class's acceptance: a class
 * that is briefly invalid must not make Metacontroller finalize (tear down) every route behind it.
 */
export const classifierWiring: DecoratorWiring = {
  kind: 'DecoratorController',
  name: 'classifier',
  description: `Labels Gateways and routes of Lattice-class Gateways with ${MANAGED_LABEL}.`,
  resources: ['gateways', 'httproutes', 'grpcroutes', 'tlsroutes'].map((resource) => ({
    apiVersion: GATEWAY_API_VERSION,
    resource,
    ignoreStatusChanges: true,
  })),
  hooks: { customize: true, finalize: false },
};

function gatewaysByNamespace(route: AnyRoute): Map<string, Set<string>> {
  const byNamespace = new Map<string, Set<string>>();
  for (const ref of gatewayParentRefs(route)) {
    const names = byNamespace.get(ref.namespace) ?? new Set<string>();
    names.add(ref.name);
    byNamespace.set(ref.namespace, names);
  }
  return byNamespace;
}

export function createClassifierController(): HookController {
  const handlers: DecoratorHandlers = {
    customize(request) {
      const object = request.parent;
      if (object.kind === 'Gateway') {
        const className = (object as Gateway).spec?.gatewayClassName;
        return {
          relatedResources: className ? [{ apiVersion: GATEWAY_API_VERSION, resource: 'gatewayclasses', names: [className] }] : [],
        };
      }
      if (!isRouteKind(object.kind)) return { relatedResources: [] };
      const rules: RelatedResourceRule[] = [];
      for (const [namespace, names] of [...gatewaysByNamespace(object as AnyRoute)].sort(([a], [b]) => a.localeCompare(b))) {
        rules.push({ apiVersion: GATEWAY_API_VERSION, resource: 'gateways', namespace, names: [...names].sort() });
      }
      // A route cannot know its Gateways' class names before it sees the Gateways, so it asks for
      // every GatewayClass: there are few, and they rarely change.
      if (rules.length > 0) rules.push({ apiVersion: GATEWAY_API_VERSION, resource: 'gatewayclasses', labelSelector: {} });
      return { relatedResources: rules };
    },

    sync(request, ctx) {
      const object = request.object;
      const index = ObjectIndex.fromDecoratorRequest(request);
      const controllerName = ctx.config.controllerName;
      let managed = false;
      if (object.kind === 'Gateway' && object.apiVersion.startsWith(`${GATEWAY_GROUP}/`)) {
        managed = isOurGateway(object as Gateway, index, controllerName);
      } else if (isRouteKind(object.kind)) {
        managed = ourParentGateways(object as AnyRoute, index, controllerName).length > 0;
      }
      const labels = metadataPatch(object.metadata.labels, { [MANAGED_LABEL]: managed ? MANAGED_LABEL_VALUE : null });
      ctx.log.debug({ managed }, 'classified');
      return { labels };
    },
  };
  return { wiring: classifierWiring, handlers };
}
