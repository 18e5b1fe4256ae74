import { createHash } from 'node:crypto';
import type { KubeObject, ObjectMap } from '../../src/metacontroller/types';
import { DEFAULT_CONTROLLER_NAME } from '../../src/config';

/** A readable uid, within the API server's length (objects with very long names get a hash). */
const uidOf = (text: string): string => (text.length <= 128 ? text : `uid-${createHash('sha256').update(text).digest('hex')}`);

/** Builders of Kubernetes objects and hook requests for tests (v2 map keys). */

export const GW_V1 = 'gateway.networking.k8s.io/v1';
export const OUR_CONTROLLER = DEFAULT_CONTROLLER_NAME;
export const FOREIGN_CONTROLLER = 'gateway.envoyproxy.io/gatewayclass-controller';

export function gatewayClass(
  name: string,
  controllerName = OUR_CONTROLLER,
  spec: Record<string, unknown> = {},
  extra: Partial<KubeObject> = {},
): KubeObject {
  return {
    apiVersion: GW_V1,
    kind: 'GatewayClass',
    metadata: { name, generation: 1, uid: uidOf(`uid-gc-${name}`) },
    spec: { controllerName, ...spec },
    ...extra,
  };
}

export function gateway(
  namespace: string,
  name: string,
  className: string,
  listeners: unknown[] = [{ name: 'http', protocol: 'HTTP', port: 80 }],
  extra: Partial<KubeObject> = {},
): KubeObject {
  return {
    apiVersion: GW_V1,
    kind: 'Gateway',
    metadata: { name, namespace, generation: 1, uid: uidOf(`uid-gw-${namespace}-${name}`) },
    spec: { gatewayClassName: className, listeners },
    ...extra,
  };
}

export function route(
  kind: 'HTTPRoute' | 'GRPCRoute' | 'TLSRoute',
  namespace: string,
  name: string,
  parentRefs: unknown[],
  extra: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: GW_V1,
    kind,
    metadata: { name, namespace, generation: 1, uid: uidOf(`uid-${kind}-${namespace}-${name}`) },
    spec: { parentRefs, rules: [], ...extra },
  };
}

export function crd(plural: string, bundleVersion: string | undefined, group = 'gateway.networking.k8s.io'): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${plural}.${group}`,
      ...(bundleVersion
        ? { annotations: { 'gateway.networking.k8s.io/bundle-version': bundleVersion, 'gateway.networking.k8s.io/channel': 'standard' } }
        : {}),
    },
    spec: { group, names: { plural } },
  };
}

/** Objects as Metacontroller v2 sends them: `{ "Kind.apiVersion": { "ns/name": object } }`. */
export function objectMap(...objects: KubeObject[]): ObjectMap {
  const map: ObjectMap = {};
  for (const object of objects) {
    const group = (map[`${object.kind}.${object.apiVersion}`] ??= {});
    const key = object.metadata.namespace ? `${object.metadata.namespace}/${object.metadata.name}` : object.metadata.name;
    group[key] = object;
  }
  return map;
}

export function decoratorController(name: string): KubeObject {
  return { apiVersion: 'metacontroller.k8s.io/v1alpha1', kind: 'DecoratorController', metadata: { name }, spec: {} };
}

export function decoratorSyncBody(
  controller: string,
  object: KubeObject,
  related: KubeObject[] = [],
  finalizing = false,
): Record<string, unknown> {
  return { controller: decoratorController(controller), object, attachments: {}, related: objectMap(...related), finalizing };
}
