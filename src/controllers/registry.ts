import { supportedFeatures } from '../gatewayapi/features';
import { createClassifierController } from './classifier';
import { createGatewayClassController } from './gatewayClass';
import { createGatewayController } from './gateway';
import { createServiceNetworkController } from './serviceNetwork';
import { createVpcAssociationPolicyController } from './vpcAssociationPolicy';
import { createIAMAuthPolicyController } from './iamAuthPolicy';
import { createAccessLogPolicyController } from './accessLogPolicy';
import { createRouteController } from './route/routeController';
import { createServiceExportController } from './serviceExport';
import { createServiceImportController } from './serviceImport';
import { createTargetGroupPolicyController } from './targetGroupPolicy';
import { createLambdaTargetController } from './lambdaTarget';
import { createOrphanController } from './orphans';
import { grpcRouteAdapter, httpRouteAdapter, tlsRouteAdapter } from '../model/routeKinds';
import type { HookController } from './types';

export interface ControllerOptions {
  /** EXTERNAL_DNS_ENDPOINTS: route controllers manage DNSEndpoint attachments. */
  externalDnsEndpoints?: boolean;
}

/**
 * Every controller the server serves. The GatewayClass controller publishes the union of the
 * features the others implement, so the published list can only name what is really served.
 */
export function createControllers(options: ControllerOptions = {}): HookController[] {
  const routes = { dnsEndpoints: options.externalDnsEndpoints ?? false };
  const featureControllers: HookController[] = [
    createClassifierController(),
    createGatewayController(),
    createServiceNetworkController(),
    createVpcAssociationPolicyController(),
    createIAMAuthPolicyController(),
    createAccessLogPolicyController(),
    createRouteController(
      httpRouteAdapter,
      'httproute',
      ['HTTPRoute', 'HTTPRouteMethodMatching', 'HTTPRouteNamedRouteRule', 'HTTPRouteParentRefPort', 'ReferenceGrant'],
      routes,
    ),
    // GRPCRoute works on HTTPS listeners, but every upstream GRPCRoute conformance test attaches to an
    // HTTP listener, which does not take GRPCRoutes by default on Lattice: the feature is not claimed.
    createRouteController(grpcRouteAdapter, 'grpcroute', [], routes),
    createRouteController(tlsRouteAdapter, 'tlsroute', ['TLSRoute'], routes),
    createServiceExportController(),
    createServiceImportController(),
    createTargetGroupPolicyController(),
    createLambdaTargetController(),
  ];
  const features = supportedFeatures(featureControllers.map((c) => c.features));
  return [createGatewayClassController(features), ...featureControllers, createOrphanController()];
}
