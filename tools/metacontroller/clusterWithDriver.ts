import { BUNDLE_VERSION_ANNOTATION, GATEWAY_API_CRD_NAMES } from '../../src/gatewayapi/supportedVersion';
import type { KubeObject } from '../../src/metacontroller/types';
import { FakeCluster } from './cluster';
import { MetacontrollerDriver, type DriverOptions } from './driver';

/** The Gateway API version the cluster pretends to have installed. */
const GATEWAY_API_BUNDLE = 'v1.6.1';

/**
 * Stand-ins for the Gateway API CRDs a real cluster gets from the Gateway API release: only the
 * name and the bundle-version annotation, which is all the GatewayClass hook reads.
 */
export function gatewayApiCrds(): KubeObject[] {
  return GATEWAY_API_CRD_NAMES.map((name) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name, annotations: { [BUNDLE_VERSION_ANNOTATION]: GATEWAY_API_BUNDLE } },
    spec: { group: name.slice(name.indexOf('.') + 1), names: { plural: name.slice(0, name.indexOf('.')) } },
  }));
}

/** A fake cluster with the Gateway API CRDs installed, and a Metacontroller driver on it. */
export function clusterWithDriver(options: Omit<DriverOptions, 'cluster'>): { cluster: FakeCluster; driver: MetacontrollerDriver } {
  const cluster = new FakeCluster();
  for (const crd of gatewayApiCrds()) cluster.apply(crd);
  return { cluster, driver: new MetacontrollerDriver({ ...options, cluster }) };
}
