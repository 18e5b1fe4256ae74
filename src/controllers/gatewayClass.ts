import { GATEWAY_API_VERSION, GATEWAY_GROUP, type GatewayClass } from '../gatewayapi/types';
import { GATEWAY_API_CRD_NAMES, supportedVersionCondition } from '../gatewayapi/supportedVersion';
import { isOurGatewayClass } from '../gatewayapi/parentRefs';
import { condition, hasNewerObservedGeneration, mergeConditions, type DesiredCondition } from '../metacontroller/conditions';
import { ObjectIndex } from '../metacontroller/objectIndex';
import { generationOf } from '../metacontroller/objects';
import { copyStatus, statusIfChanged } from '../metacontroller/response';
import type { DecoratorHookResponse } from '../metacontroller/types';
import type { DecoratorHandlers, DecoratorWiring, HookController } from './types';

export const gatewayClassWiring: DecoratorWiring = {
  kind: 'DecoratorController',
  name: 'gatewayclass',
  description: 'Accepts GatewayClasses of our controllerName and publishes SupportedVersion and supportedFeatures.',
  resources: [{ apiVersion: GATEWAY_API_VERSION, resource: 'gatewayclasses', ignoreStatusChanges: true }],
  hooks: { customize: true, finalize: false },
};

const OWNED_TYPES = ['Accepted', 'SupportedVersion'] as const;

/**
 * No parametersRef kind is supported: everything the class could configure comes from the
 * environment. A class that points at parameters gets InvalidParameters rather than having them
 * silently ignored.
 */
function acceptedCondition(gatewayClass: GatewayClass): DesiredCondition {
  const ref = gatewayClass.spec.parametersRef;
  if (ref !== undefined) {
    const target = `${ref.group || 'core'}/${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
    return condition(
      'Accepted',
      'False',
      'InvalidParameters',
      `parametersRef ${target} is not supported: this controller takes no GatewayClass parameters`,
    );
  }
  return condition('Accepted', 'True', 'Accepted', 'Accepted by lattice-gateway-hooks');
}

export function createGatewayClassController(features: readonly { name: string }[]): HookController {
  const handlers: DecoratorHandlers = {
    customize(request, ctx) {
      const gatewayClass = request.parent as GatewayClass;
      if (!isOurGatewayClass(gatewayClass, ctx.config.controllerName)) return { relatedResources: [] };
      return {
        relatedResources: [
          { apiVersion: 'apiextensions.k8s.io/v1', resource: 'customresourcedefinitions', names: [...GATEWAY_API_CRD_NAMES] },
        ],
      };
    },

    sync(request, ctx): DecoratorHookResponse {
      const gatewayClass = request.object as GatewayClass;
      // Classes of other controllers are none of our business: their status stays as it is.
      if (!isOurGatewayClass(gatewayClass, ctx.config.controllerName)) return { status: null };

      const generation = generationOf(gatewayClass);
      const current = gatewayClass.status;
      if (hasNewerObservedGeneration(current?.conditions, OWNED_TYPES, generation)) return { status: null };

      const index = ObjectIndex.fromDecoratorRequest(request);
      const crds = index
        .list('apiextensions.k8s.io', 'CustomResourceDefinition')
        .filter((crd) => crd.metadata.name.endsWith(`.${GATEWAY_GROUP}`));
      const desired = [acceptedCondition(gatewayClass), supportedVersionCondition(crds)];

      const status = copyStatus(current);
      status.conditions = mergeConditions(current?.conditions, desired, {
        generation,
        now: ctx.now().toISOString(),
        ownedTypes: OWNED_TYPES,
      });
      status.supportedFeatures = features.map((f) => ({ ...f }));
      return { status: statusIfChanged(current, status) };
    },
  };
  return { wiring: gatewayClassWiring, handlers };
}
