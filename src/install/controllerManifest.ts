import { metacontrollerName, type ControllerWiring, type DecoratorWiring, type CompositeWiring } from '../controllers/types';
import type { HookName } from '../metacontroller/types';

/** `app.kubernetes.io/name` of everything we install. */
export const APP_NAME = 'lattice-gateway-hooks';

/** The Kubernetes Service in front of the hook server: the only place its name is written. */
export interface HookService {
  name: string;
  namespace: string;
  port: number;
  protocol: 'http' | 'https';
}

export const DEFAULT_HOOK_SERVICE: HookService = {
  name: 'lattice-gateway-hooks',
  namespace: 'lattice-gateway-hooks',
  port: 80,
  protocol: 'http',
};

/** Below Metacontroller's own limit on purpose: the server answers within HOOK_DEADLINE_MS (8 s). */
export const HOOK_TIMEOUT = '10s';

export const METACONTROLLER_API_VERSION = 'metacontroller.k8s.io/v1alpha1';

function hook(service: HookService, controller: string, name: HookName): Record<string, unknown> {
  return {
    version: 'v2',
    webhook: {
      service: { name: service.name, namespace: service.namespace, port: service.port, protocol: service.protocol },
      path: `/hooks/${controller}/${name}`,
      timeout: HOOK_TIMEOUT,
    },
  };
}

function hooksOf(wiring: ControllerWiring, service: HookService): Record<string, unknown> {
  const hooks: Record<string, unknown> = {};
  if (wiring.hooks.customize) hooks.customize = hook(service, wiring.name, 'customize');
  hooks.sync = hook(service, wiring.name, 'sync');
  if (wiring.hooks.finalize) hooks.finalize = hook(service, wiring.name, 'finalize');
  return hooks;
}

function decoratorSpec(wiring: DecoratorWiring, service: HookService): Record<string, unknown> {
  const spec: Record<string, unknown> = { resources: wiring.resources.map((r) => ({ ...r })) };
  if (wiring.attachments?.length) spec.attachments = wiring.attachments.map((a) => ({ ...a }));
  if (wiring.resyncPeriodSeconds !== undefined) spec.resyncPeriodSeconds = wiring.resyncPeriodSeconds;
  spec.hooks = hooksOf(wiring, service);
  return spec;
}

function compositeSpec(wiring: CompositeWiring, service: HookService): Record<string, unknown> {
  const spec: Record<string, unknown> = {
    generateSelector: true,
    parentResource: { ...wiring.parentResource },
  };
  if (wiring.childResources?.length) spec.childResources = wiring.childResources.map((c) => ({ ...c }));
  if (wiring.resyncPeriodSeconds !== undefined) spec.resyncPeriodSeconds = wiring.resyncPeriodSeconds;
  spec.hooks = hooksOf(wiring, service);
  return spec;
}

export interface ControllerManifest {
  apiVersion: string;
  kind: ControllerWiring['kind'];
  metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: Record<string, unknown>;
}

/** The DecoratorController or CompositeController of one wiring, every hook calling `service`. */
export function controllerManifest(wiring: ControllerWiring, service: HookService = DEFAULT_HOOK_SERVICE): ControllerManifest {
  return {
    apiVersion: METACONTROLLER_API_VERSION,
    kind: wiring.kind,
    metadata: {
      name: metacontrollerName(wiring),
      labels: { 'app.kubernetes.io/name': APP_NAME, 'app.kubernetes.io/component': wiring.name },
      annotations: { 'lattice-gateway-hooks/description': wiring.description },
    },
    spec: wiring.kind === 'DecoratorController' ? decoratorSpec(wiring, service) : compositeSpec(wiring, service),
  };
}
