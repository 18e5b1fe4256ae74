import { join } from 'node:path';
import { parse } from 'yaml';
import { DEFAULT_CONTROLLER_NAME, loadConfig } from '../../../src/config';
import { controllerManifest, DEFAULT_HOOK_SERVICE, HOOK_AUTH_COMPONENT_DIR } from '../../../src/install/manifests';
import { wiringVariants } from '../../../src/install/variants';
import type { KubeObject } from '../../../src/metacontroller/types';
import { applyJsonPatch, selects, type JsonPatchOperation, type PatchTarget } from '../../../tools/metacontroller/manifests';
import { only } from './helmChart';
import {
  container,
  envOf,
  filesBelow,
  hookHost,
  isController,
  KUSTOMIZE_DIR,
  readYaml,
  type ControllerObject,
  type Deployment,
  type Service,
} from './installFiles';

interface Kustomization {
  apiVersion: string;
  kind: string;
  resources?: string[];
  components?: string[];
  configMapGenerator?: { name: string; namespace?: string; literals: string[] }[];
  patches?: { target: PatchTarget; patch: string }[];
}

const kustomization = readYaml<Kustomization>(join(KUSTOMIZE_DIR, 'kustomization.yaml'));
const resources = kustomization.resources ?? [];
const objects = resources.map((file) => readYaml<KubeObject>(join(KUSTOMIZE_DIR, file)));
const deployment = only<Deployment>(objects, 'Deployment');
const podLabels = deployment.spec.template.metadata.labels;
const NAMESPACED = new Set(['ServiceAccount', 'Deployment', 'Service', 'PodDisruptionBudget', 'ConfigMap', 'Secret']);

/** The base objects with a component's patches applied, as kustomize does. */
function withComponent(dir: string): KubeObject[] {
  const component = readYaml<Kustomization>(join(KUSTOMIZE_DIR, dir, 'kustomization.yaml'));
  expect(component).toMatchObject({ apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component' });
  const patched = structuredClone(objects);
  for (const { target, patch } of component.patches ?? []) {
    const selected = patched.filter((o) => selects(target, o));
    expect([target, selected.length > 0]).toEqual([target, true]);
    for (const object of selected) applyJsonPatch(object, parse(patch) as JsonPatchOperation[]);
  }
  return patched;
}

describe('metacontroller/, installed with kubectl apply -k', () => {
  it('lists every manifest it holds, and holds every one it lists', () => {
    const manifests = filesBelow(KUSTOMIZE_DIR).filter((f) => f.endsWith('.yaml') && !f.endsWith('kustomization.yaml'));
    expect([...resources].sort()).toEqual(manifests);
    expect(kustomization).toMatchObject({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' });
    // Components are opt-in: the base itself never includes one.
    expect(kustomization.components).toBeUndefined();
    const kustomizations = filesBelow(KUSTOMIZE_DIR).filter((f) => f.endsWith('kustomization.yaml'));
    const components = [HOOK_AUTH_COMPONENT_DIR, ...wiringVariants().map((v) => `components/${v.component}`)];
    expect(kustomizations).toEqual([...components.map((c) => `${c}/kustomization.yaml`), 'kustomization.yaml'].sort());
  });

  it('holds one named object per file, namespaced ones in the hook namespace', () => {
    for (const [index, object] of objects.entries()) {
      expect([resources[index], object]).toMatchObject([
        resources[index],
        { apiVersion: expect.any(String), kind: expect.any(String), metadata: { name: expect.any(String) } },
      ]);
      expect([resources[index], object.metadata.namespace]).toEqual([
        resources[index],
        NAMESPACED.has(object.kind) ? DEFAULT_HOOK_SERVICE.namespace : undefined,
      ]);
    }
    expect(only(objects, 'Namespace').metadata).toMatchObject({
      name: DEFAULT_HOOK_SERVICE.namespace,
      labels: { 'pod-security.kubernetes.io/enforce': 'restricted' },
    });
  });

  it('runs the hook server behind the Service every controller calls', () => {
    const service = only<Service>(objects, 'Service', DEFAULT_HOOK_SERVICE.name);
    expect(service.metadata.namespace).toBe(DEFAULT_HOOK_SERVICE.namespace);
    expect(service.spec.selector).toEqual(podLabels);
    expect(service.spec.ports).toEqual([
      { name: DEFAULT_HOOK_SERVICE.protocol, port: DEFAULT_HOOK_SERVICE.port, targetPort: 'http', protocol: 'TCP' },
    ]);
    expect(container(deployment).ports.map((p) => p.name)).toContain('http');
    const controllers = objects.filter(isController) as ControllerObject[];
    expect(controllers.length).toBeGreaterThan(0);
    for (const controller of controllers) {
      for (const hook of Object.values(controller.spec.hooks)) expect(hook.webhook.service).toEqual(DEFAULT_HOOK_SERVICE);
    }
  });

  it('runs two hardened replicas of lattice-gateway-hooks:latest, kept available by a PodDisruptionBudget', () => {
    const pod = deployment.spec.template.spec;
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.selector.matchLabels).toEqual(podLabels);
    expect(container(deployment)).toMatchObject({
      image: 'lattice-gateway-hooks:latest',
      args: ['serve'],
      livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
      readinessProbe: { httpGet: { path: '/readyz', port: 'http' } },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.serviceAccountName).toBe(only(objects, 'ServiceAccount').metadata.name);
    expect(pod.topologySpreadConstraints.map((c) => [c.topologyKey, c.labelSelector.matchLabels])).toEqual([
      ['topology.kubernetes.io/zone', podLabels],
      ['kubernetes.io/hostname', podLabels],
    ]);
    expect(only(objects, 'PodDisruptionBudget')).toMatchObject({ spec: { maxUnavailable: 1, selector: { matchLabels: podLabels } } });
  });

  describe('configuration', () => {
    const [generator, ...others] = kustomization.configMapGenerator ?? [];
    const fromConfigMap = (overrides: Record<string, string>) => ({
      ...Object.fromEntries((generator?.literals ?? []).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])),
      ...overrides,
      ...Object.fromEntries(envOf(deployment)),
    });

    it('comes from a generated ConfigMap in the hook namespace', () => {
      expect(others).toEqual([]);
      expect(generator?.namespace).toBe(DEFAULT_HOOK_SERVICE.namespace);
      expect(container(deployment).envFrom).toEqual([{ configMapRef: { name: generator?.name } }]);
    });

    it('is refused by the server until an overlay sets the cluster, then serves on the container port against AWS', () => {
      expect(() => loadConfig(fromConfigMap({}))).toThrow(/CLUSTER_NAME/);
      const config = loadConfig(fromConfigMap({ CLUSTER_NAME: 'prod', CLUSTER_VPC_ID: 'vpc-0123456789abcdef0' }));
      expect(config.backend).toBe('aws');
      expect(config.port).toBe(container(deployment).ports[0]?.containerPort);
      const preStop = Number(container(deployment).lifecycle?.preStop?.exec?.command[1]);
      expect(deployment.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(config.shutdownGraceMs + preStop * 1000);
    });
  });

  it('installs the GatewayClass amazon-vpc-lattice for the default controllerName', () => {
    expect(only(objects, 'GatewayClass')).toMatchObject({
      apiVersion: 'gateway.networking.k8s.io/v1',
      metadata: { name: 'amazon-vpc-lattice' },
      spec: { controllerName: DEFAULT_CONTROLLER_NAME },
    });
  });

  it('offers the hook-auth component: every controller sends the token of the Secret the server reads', () => {
    const patched = withComponent(HOOK_AUTH_COMPONENT_DIR);
    const token = envOf(only<Deployment>(patched, 'Deployment')).get('HOOK_AUTH_TOKEN');
    const controllers = patched.filter(isController) as ControllerObject[];
    expect(controllers.length).toBe(objects.filter(isController).length);
    for (const controller of controllers) {
      const [endpoint, ...more] = controller.spec.endpointConfigs ?? [];
      expect(more).toEqual([]);
      for (const hook of Object.values(controller.spec.hooks)) expect(endpoint?.host).toBe(hookHost(hook.webhook.service));
      expect(endpoint?.authorization).toMatchObject({ type: 'Bearer', secretRef: { namespace: DEFAULT_HOOK_SERVICE.namespace } });
      expect(token).toBe(`secret:${endpoint?.authorization?.secretRef.name}/${endpoint?.authorization?.secretRef.key}`);
    }
    // Nothing else is touched.
    expect(
      patched
        .filter((o, i) => JSON.stringify(o) !== JSON.stringify(objects[i]))
        .map((o) => o.kind)
        .sort(),
    ).toEqual([...controllers.map((c) => c.kind), 'Deployment'].sort());
  });

  it.each(wiringVariants().map((v) => [v.component, v] as const))(
    'offers the %s component: the variant wiring of every controller, and its server environment',
    (component, variant) => {
      const patched = withComponent(`components/${component}`);
      const controllers = patched.filter(isController);
      expect(controllers.map((c) => c.metadata.name)).toEqual(variant.wirings.map((w) => `lattice-${w.name}`));
      for (const [index, controller] of controllers.entries())
        expect(controller).toEqual(controllerManifest(variant.wirings[index] as (typeof variant.wirings)[number]));
      const env = envOf(only<Deployment>(patched, 'Deployment'));
      for (const [name, value] of Object.entries(variant.env)) expect([name, env.get(name)]).toEqual([name, value]);
      expect(() => loadConfig({ ...Object.fromEntries(env), CLUSTER_NAME: 'c', CLUSTER_VPC_ID: 'vpc-0123456789abcdef0' })).not.toThrow();
    },
  );
});
