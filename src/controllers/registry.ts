import { supportedFeatures } from '../gatewayapi/features';
import { createClassifierController } from './classifier';
import { createGatewayClassController } from './gatewayClass';
import { createGatewayController } from './gateway';
import { createServiceNetworkController } from './serviceNetwork';
import { createVpcAssociationPolicyController } from './vpcAssociationPolicy';
import type { HookController } from './types';

/**
 * Every controller the server serves. The GatewayClass controller publishes the union of the
 * features the others implement, so the published list can only name what is really served.
 */
export function createControllers(): HookController[] {
  const featureControllers: HookController[] = [
    createClassifierController(),
    createGatewayController(),
    createServiceNetworkController(),
    createVpcAssociationPolicyController(),
  ];
  const features = supportedFeatures(featureControllers.map((c) => c.features));
  return [createGatewayClassController(features), ...featureControllers];
}
