import { SERVICE_ARN_ANNOTATION, SERVICE_NETWORK_ARN_ANNOTATION } from '../gatewayapi/ourKeys';
import type { PolicyTarget } from '../lattice/policyResources';
import type { KubeObject } from '../metacontroller/types';

/** The Lattice resource of a target, as the Gateway and route hooks record it: a service network or a service. */
export function targetResourceArn(target: KubeObject): string | undefined {
  const key = target.kind === 'Gateway' ? SERVICE_NETWORK_ARN_ANNOTATION : SERVICE_ARN_ANNOTATION;
  return target.metadata.annotations?.[key];
}

/** What a policy is attached to, whose own Lattice resource alone the policy may change. */
export function targetIdentity(target: KubeObject): PolicyTarget {
  return target.kind === 'Gateway'
    ? { kind: 'gateway', name: target.metadata.name }
    : { kind: 'route', namespace: target.metadata.namespace ?? '', name: target.metadata.name };
}
