import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadConfig } from '../../../src/config';
import { createControllers } from '../../../src/controllers/registry';
import { crdManifests } from '../../../src/crds';
import { CHART_GENERATED_TEMPLATES, renderChartFiles } from '../../../src/install/chart';
import { controllerManifest, DEFAULT_HOOK_SERVICE } from '../../../src/install/manifests';
import { wiringVariants } from '../../../src/install/variants';
import type { KubeObject } from '../../../src/metacontroller/types';
import {
  CI_VALUES_DIR,
  ciValuesFiles,
  GOLDEN_DIR,
  GOLDEN_NAMESPACE,
  GOLDEN_RELEASE,
  goldenFile,
  helmLint,
  renderGolden,
} from '../../../scripts/helm/chart';
import { runHelm } from '../../../scripts/helm/helm';
import { helmPath, loadChart, only, renderChart, renderNotes, REPO, type RenderedChart, type Values } from './helmChart';
import { controllerSchemaErrors } from './metacontrollerSchema';
import {
  CHART_DIR,
  container,
  envOf,
  filesBelow,
  hookHost,
  isController,
  KUSTOMIZE_DIR,
  PACKAGE_JSON,
  POD_IP,
  readYaml,
  type ControllerObject,
  type Deployment,
  type Service,
} from './installFiles';

const chart = loadChart(CHART_DIR);
const NAMESPACE = 'gateways';

/** What every install must set (the chart refuses to render without it), given to helm before the test's values. */
const REQUIRED_VALUES_FILE = join(CI_VALUES_DIR, 'required-values.yaml');
const HOOK_SECRET = readYaml<{ hookAuth: { existingSecret: string } }>(join(REPO, REQUIRED_VALUES_FILE)).hookAuth.existingSecret;

function render(values: Values = {}): RenderedChart {
  return renderChart({ valuesFiles: [REQUIRED_VALUES_FILE], values, namespace: NAMESPACE });
}

const CLUSTER_SCOPED = new Set(['DecoratorController', 'CompositeController', 'GatewayClass', 'CustomResourceDefinition', 'Namespace']);

/** The environment variables `loadConfig` reads, whatever the backend. */
function variablesReadByServer(): string[] {
  const read = new Set<string>();
  for (const backend of ['aws', 'emulator']) {
    const given: Record<string, string> = { LATTICE_BACKEND: backend, CLUSTER_NAME: 'c', CLUSTER_VPC_ID: 'vpc-0123456789abcdef0' };
    const env = new Proxy<Record<string, string | undefined>>(
      {},
      {
        get: (_target, key) => {
          if (typeof key !== 'string') return undefined;
          read.add(key);
          return given[key];
        },
      },
    );
    loadConfig(env);
  }
  return [...read].sort();
}

const variants = wiringVariants();

/** Variables the chart sets without a `config.*` value, and how. */
const NOT_FROM_CONFIG_VALUES: Record<string, string> = {
  LATTICE_BACKEND: 'always aws in the chart',
  HOOK_AUTH_TOKEN: 'from the hookAuth Secret',
  TLS_CERT_FILE: 'from the tls Secret, mounted',
  TLS_KEY_FILE: 'from the tls Secret, mounted',
  EMULATOR_PORT: 'emulator backend only, never in a cluster',
  REPLICA_ADDRESS: "the pod's IP and the container port",
  REPLICA_PEERS: 'the headless replicas Service and the container port',
  // Wiring variants: the chart value that turns the variant on also sets its variables.
  ...Object.fromEntries(variants.flatMap((v) => Object.keys(v.env).map((name) => [name, `from ${v.chartValue}`]))),
};

/** `{ a: { b: value } }` for the path `a.b`. */
function valueAt(path: string, value: unknown): Values {
  return path
    .split('.')
    .reverse()
    .reduce<unknown>((inner, key) => ({ [key]: inner }), value) as Values;
}

const camel = (variable: string) => variable.toLowerCase().replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/** A valid, non-default value for every `config.*` key: each must reach the server unchanged. */
const CUSTOM_CONFIG: Record<string, string | number | boolean> = {
  port: 9443,
  host: '::',
  logLevel: 'debug',
  clusterName: 'prod-east',
  clusterVpcId: 'vpc-0a1b2c3d4e5f60718',
  awsRegion: 'eu-west-1',
  awsAccountId: '012345678901',
  controllerName: 'example.com/lattice',
  hookDeadlineMs: 7000,
  bodyLimitBytes: 33554432,
  shutdownGraceMs: 40500,
  latticeRulesPerListener: 20,
  latticeListenersPerService: 3,
  latticeApiRps: 25,
  latticeApiBurst: 50,
  driftCheckSeconds: 120,
  pendingRecheckMs: 2500,
  orphanSweepSeconds: 900,
  orphanGraceSeconds: 300,
  disableTaggingServiceApi: true,
};

/** The server's environment from a rendered Deployment, with the Secret's token filled in. */
function serverEnv(deployment: Deployment): Record<string, string> {
  const env = Object.fromEntries(envOf(deployment));
  for (const [name, value] of Object.entries(env)) if (value.startsWith('secret:')) env[name] = 'a-token-of-sixteen-chars';
  return env;
}

function kustomizeObject(file: string): KubeObject {
  return readYaml<KubeObject>(join(KUSTOMIZE_DIR, file));
}

describe('Helm chart charts/lattice-gateway-hooks', () => {
  it('has generated files exactly as `npm run manifests` renders them (run it after changing a wiring or a CRD)', () => {
    const rendered = renderChartFiles(
      createControllers().map((c) => c.wiring),
      crdManifests(),
    );
    const onDisk = filesBelow(CHART_DIR).filter((f) => f.startsWith('crds/') || f.startsWith(`${CHART_GENERATED_TEMPLATES}/`));
    expect(onDisk).toEqual([...rendered.keys()].sort());
    for (const [name, content] of rendered) expect(readFileSync(join(CHART_DIR, name), 'utf8')).toBe(content);
  });

  it('ships the same CRDs as metacontroller/', () => {
    for (const file of filesBelow(join(CHART_DIR, 'crds'))) {
      expect(readFileSync(join(CHART_DIR, 'crds', file), 'utf8')).toBe(readFileSync(join(KUSTOMIZE_DIR, 'crds', file), 'utf8'));
    }
  });

  it('is a Helm v3 application chart whose appVersion is the package version', () => {
    const pkg = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { name: string; version: string };
    expect(chart.metadata).toMatchObject({ apiVersion: 'v2', name: pkg.name, type: 'application', appVersion: pkg.version });
  });

  it('only refers to values that values.yaml declares (a typo would render as empty)', () => {
    const missing: string[] = [];
    for (const file of chart.templateFiles) {
      const source = readFileSync(join(CHART_DIR, file), 'utf8');
      for (const match of source.matchAll(/\.Values((?:\.[A-Za-z0-9_]+)+)/g)) {
        let node: unknown = chart.values;
        for (const key of (match[1] as string).slice(1).split('.')) {
          if (node === null || typeof node !== 'object' || !(key in node)) {
            missing.push(`${file}: .Values${match[1]}`);
            break;
          }
          node = (node as Values)[key];
        }
      }
    }
    expect(missing).toEqual([]);
  });

  describe('golden renders: helm template with each ci/*-values.yaml', () => {
    const cases = ciValuesFiles(REPO).map((file) => [basename(file), file] as const);

    it('are made by the helm of the pinned devDependency', () => {
      expect(runHelm(helmPath(), ['version', '--short'], REPO)).toMatch(/^v3\.17\./);
    });

    it('cover the defaults, the options on and off, and every wiring variant', () => {
      const valueSets = cases.map(([, file]) => readYaml<Values>(join(REPO, file)));
      expect(cases.length).toBeGreaterThanOrEqual(4);
      for (const variant of variants) {
        const path = variant.chartValue.split('.');
        const on = valueSets.some((values) => path.reduce<unknown>((node, key) => (node as Values | undefined)?.[key], values) === true);
        expect([variant.chartValue, on]).toEqual([variant.chartValue, true]);
      }
    });

    it('have one golden file per values file, and no other (`npm run chart-golden` writes them)', () => {
      expect(
        readdirSync(join(REPO, GOLDEN_DIR))
          .map((f) => join(GOLDEN_DIR, f))
          .sort(),
      ).toEqual(cases.map(([, file]) => goldenFile(file)).sort());
    });

    it.each(cases)(
      '%s renders as its golden file (run `npm run chart-golden` after changing the chart, and review the diff)',
      (_name, file) => {
        expect(renderGolden(helmPath(), REPO, file)).toBe(readFileSync(join(REPO, goldenFile(file)), 'utf8'));
      },
    );

    it.each(cases)('%s passes helm lint --strict', (_name, file) => {
      expect(helmLint(helmPath(), REPO, { valuesFiles: [file] })).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    });

    it.each(cases)('%s renders valid Kubernetes objects and Metacontroller controllers', (_name, file) => {
      const objects = renderChart({ releaseName: GOLDEN_RELEASE, namespace: GOLDEN_NAMESPACE, valuesFiles: [file] }).objects;
      expect(objects.length).toBeGreaterThan(5);
      for (const object of objects) {
        expect(object).toMatchObject({ apiVersion: expect.any(String), kind: expect.any(String), metadata: { name: expect.any(String) } });
        if (CLUSTER_SCOPED.has(object.kind)) expect(object.metadata.namespace).toBeUndefined();
        else expect(object.metadata.namespace).toBe(GOLDEN_NAMESPACE);
      }
      const controllers = objects.filter(isController);
      expect(controllers.length).toBeGreaterThan(0);
      // Metacontroller's API: an unknown or misplaced field would be pruned without a word.
      for (const controller of controllers)
        expect([controller.metadata.name, controllerSchemaErrors(controller)]).toEqual([controller.metadata.name, []]);
    });
  });

  it('prints notes that check the install and name the Secret of the token', () => {
    const notes = renderNotes({ valuesFiles: [REQUIRED_VALUES_FILE], namespace: NAMESPACE });
    expect(notes).toContain('kubectl get decoratorcontrollers,compositecontrollers');
    expect(notes).toContain(`kubectl -n ${NAMESPACE} rollout status deployment/lattice-gateway-hooks`);
    expect(notes).toContain(
      `http://lattice-gateway-hooks.${NAMESPACE}:80/hooks/... with the bearer token of Secret ${NAMESPACE}/${HOOK_SECRET}.`,
    );
    expect(notes).toContain('kubectl get gatewayclass amazon-vpc-lattice');
    const bare = renderNotes({
      valuesFiles: [REQUIRED_VALUES_FILE],
      values: { hookAuth: { enabled: false }, gatewayClass: { create: false } },
    });
    expect(bare).not.toContain('bearer token');
    expect(bare).not.toContain('kubectl get gatewayclass');
  });

  it.each([
    [{ config: { clusterName: '' } }, /config\.clusterName is required/],
    [{ config: { clusterVpcId: '' } }, /config\.clusterVpcId is required/],
    [{ hookAuth: { existingSecret: '', token: '' } }, /hookAuth: set hookAuth\.existingSecret/],
    [{ hookAuth: { existingSecret: '', token: 'too-short' } }, /hookAuth: set hookAuth\.existingSecret/],
    [{ tls: { enabled: true } }, /tls\.secretName is required/],
    [{ config: { hookDeadlineMs: 10000 } }, /below Metacontroller's 10s hook timeout/],
  ])('refuses to render %j', (values, message) => {
    expect(() => render(values)).toThrow(message);
  });

  describe('configuration', () => {
    const variables = variablesReadByServer();
    const configValues = chart.values.config as Values;

    it('has a config value for every variable the server reads, except the ones the chart sets itself', () => {
      expect(variables).toContain('CLUSTER_NAME');
      const withoutValue = variables.filter((v) => !(v in NOT_FROM_CONFIG_VALUES) && !(camel(v) in configValues));
      expect(withoutValue).toEqual([]);
      const strays = Object.keys(configValues).filter((key) => !variables.some((v) => camel(v) === key));
      expect(strays).toEqual([]);
    });

    it('passes every config value to the server unchanged, as a valid configuration', () => {
      expect(Object.keys(CUSTOM_CONFIG).sort()).toEqual(Object.keys(configValues).sort());
      const deployment = only<Deployment>(render({ config: CUSTOM_CONFIG }).objects, 'Deployment');
      const env = serverEnv(deployment);
      for (const variable of variables.filter((v) => !(v in NOT_FROM_CONFIG_VALUES))) {
        expect([variable, env[variable]]).toEqual([variable, String(CUSTOM_CONFIG[camel(variable)])]);
      }
      const config = loadConfig(env);
      expect(config).toMatchObject({
        backend: 'aws',
        port: 9443,
        bodyLimitBytes: 33554432,
        shutdownGraceMs: 40500,
        awsAccountId: '012345678901',
      });
      expect(container(deployment).ports).toEqual([{ name: 'http', containerPort: 9443, protocol: 'TCP' }]);
    });

    it('defaults to the server defaults', () => {
      const env = serverEnv(only<Deployment>(render().objects, 'Deployment'));
      const defaults = loadConfig({}, { backend: 'emulator' });
      const fromChart = loadConfig(env);
      for (const [field, value] of Object.entries(defaults)) {
        // Defaults that depend on the backend (the chart runs against AWS; these defaults are the emulator's).
        const byBackend = ['backend', 'clusterName', 'clusterVpcId', 'awsRegion', 'hookAuthToken', 'host', 'apiRatePerSecond', 'apiBurst'];
        // The replicas find each other in a cluster only (see 'lets the replicas find each other').
        byBackend.push('replicas');
        if (byBackend.includes(field)) continue;
        expect([field, fromChart[field as keyof typeof fromChart]]).toEqual([field, value]);
      }
      // A pod listens on every interface: the Service and the kubelet's probes reach it there.
      expect(fromChart.host).toBe('0.0.0.0');
      expect(fromChart.awsRegion).toBeUndefined();
      expect(fromChart.awsAccountId).toBeUndefined();
      // The call budget's defaults on AWS, not the emulator's.
      expect([fromChart.apiRatePerSecond, fromChart.apiBurst]).toEqual([10, 20]);
    });

    it('sets the variables that have no config value itself', () => {
      const plain = envOf(only<Deployment>(render().objects, 'Deployment'));
      expect(plain.get('LATTICE_BACKEND')).toBe('aws');
      expect(plain.get('HOOK_AUTH_TOKEN')).toBe(`secret:${HOOK_SECRET}/token`);
      expect(plain.has('TLS_CERT_FILE')).toBe(false);
      expect(plain.has('EMULATOR_PORT')).toBe(false);

      const tls = only<Deployment>(render({ tls: { enabled: true, secretName: 'serving-cert' } }).objects, 'Deployment');
      const mount = container(tls).volumeMounts.find((m) => m.name === 'tls');
      expect(tls.spec.template.spec.volumes).toContainEqual({ name: 'tls', secret: { secretName: 'serving-cert' } });
      expect(mount?.readOnly).toBe(true);
      expect(envOf(tls).get('TLS_CERT_FILE')).toBe(`${mount?.mountPath}/tls.crt`);
      expect(envOf(tls).get('TLS_KEY_FILE')).toBe(`${mount?.mountPath}/tls.key`);

      const env = envOf(
        only<Deployment>(
          render({ hookAuth: { enabled: false }, extraEnv: [{ name: 'AWS_ENDPOINT_URL', value: 'http://x' }] }).objects,
          'Deployment',
        ),
      );
      expect(env.has('HOOK_AUTH_TOKEN')).toBe(false);
      expect(env.get('AWS_ENDPOINT_URL')).toBe('http://x');
    });
  });

  describe('Metacontroller controllers', () => {
    const kustomizeControllers = readYaml<{ resources: string[] }>(join(KUSTOMIZE_DIR, 'kustomization.yaml'))
      .resources.map(kustomizeObject)
      .filter(isController) as ControllerObject[];
    const controllers = (rendered: RenderedChart) => rendered.objects.filter(isController) as ControllerObject[];

    it('are those of metacontroller/ except for the Service they call and their endpointConfigs', () => {
      const rendered = controllers(render({ fullnameOverride: 'lgw', service: { port: 8443 } }));
      expect(rendered.map((c) => c.metadata.name).sort()).toEqual(kustomizeControllers.map((c) => c.metadata.name).sort());
      for (const controller of rendered) {
        const normalised = structuredClone(controller);
        delete normalised.spec.endpointConfigs;
        for (const hook of Object.values(normalised.spec.hooks)) hook.webhook.service = { ...DEFAULT_HOOK_SERVICE };
        expect(normalised).toEqual(kustomizeControllers.find((c) => c.metadata.name === controller.metadata.name));
      }
    });

    it("call the release's Service with the bearer token of the Secret the server reads", () => {
      const rendered = render({ fullnameOverride: 'lgw', service: { port: 8443 } });
      const service = only<Service>(rendered.objects, 'Service', 'lgw');
      const tokenRef = envOf(only<Deployment>(rendered.objects, 'Deployment')).get('HOOK_AUTH_TOKEN');
      expect(service.spec.ports[0]).toMatchObject({ name: 'http', port: 8443, targetPort: 'http' });
      for (const controller of controllers(rendered)) {
        for (const hook of Object.values(controller.spec.hooks)) {
          expect(hook.webhook.service).toEqual({ name: service.metadata.name, namespace: NAMESPACE, port: 8443, protocol: 'http' });
        }
        const [endpoint, ...more] = controller.spec.endpointConfigs ?? [];
        expect(more).toEqual([]);
        const sync = controller.spec.hooks.sync;
        expect(endpoint?.host).toBe(sync && hookHost(sync.webhook.service));
        // Metacontroller reads the Secret with its own client, so its namespace is explicit.
        expect(endpoint?.authorization).toEqual({ type: 'Bearer', secretRef: { name: HOOK_SECRET, namespace: NAMESPACE, key: 'token' } });
        expect(tokenRef).toBe(`secret:${endpoint?.authorization?.secretRef.name}/${endpoint?.authorization?.secretRef.key}`);
        expect(endpoint?.caBundle).toBeUndefined();
      }
    });

    it('use the chart-created Secret when a token is given', () => {
      const rendered = render({ hookAuth: { existingSecret: '', token: 'sixteen-characters-or-more' } });
      const secret = only<KubeObject & { data: Record<string, string> }>(rendered.objects, 'Secret');
      expect(Buffer.from(secret.data.token ?? '', 'base64').toString()).toBe('sixteen-characters-or-more');
      expect(envOf(only<Deployment>(rendered.objects, 'Deployment')).get('HOOK_AUTH_TOKEN')).toBe(`secret:${secret.metadata.name}/token`);
      for (const controller of controllers(rendered))
        expect(controller.spec.endpointConfigs?.[0]?.authorization?.secretRef).toEqual({
          name: secret.metadata.name,
          namespace: NAMESPACE,
          key: 'token',
        });
      const annotations = only<Deployment>(rendered.objects, 'Deployment').spec.template.metadata.annotations ?? {};
      expect(annotations['checksum/hook-auth']).toMatch(/^[0-9a-f]{64}$/);
      expect(render().objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    });

    it('call https and trust the CA of the serving Secret when TLS is on', () => {
      const rendered = render({ tls: { enabled: true, secretName: 'serving-cert' }, hookAuth: { enabled: false } });
      for (const controller of controllers(rendered)) {
        for (const hook of Object.values(controller.spec.hooks)) expect(hook.webhook.service.protocol).toBe('https');
        expect(controller.spec.endpointConfigs).toEqual([
          {
            host: `lattice-gateway-hooks.${NAMESPACE}:80`,
            caBundle: { secretRef: { name: 'serving-cert', namespace: NAMESPACE, key: 'ca.crt' } },
          },
        ]);
      }
      const probes = container(only<Deployment>(rendered.objects, 'Deployment'));
      for (const probe of [probes.startupProbe, probes.livenessProbe, probes.readinessProbe]) expect(probe.httpGet.scheme).toBe('HTTPS');
    });

    it.each(variants.map((v) => [v.component, v] as const))(
      'turn on the %s wiring and its server environment with one value',
      (_name, variant) => {
        const rendered = render(valueAt(variant.chartValue, true));
        for (const controller of controllers(rendered)) {
          expect([controller.metadata.name, controllerSchemaErrors(controller)]).toEqual([controller.metadata.name, []]);
          const normalised = structuredClone(controller);
          delete normalised.spec.endpointConfigs;
          for (const hook of Object.values(normalised.spec.hooks)) hook.webhook.service = { ...DEFAULT_HOOK_SERVICE };
          const wiring = variant.wirings.find((w) => `lattice-${w.name}` === controller.metadata.name);
          expect(normalised).toEqual(wiring && controllerManifest(wiring));
        }
        const env = envOf(only<Deployment>(rendered.objects, 'Deployment'));
        for (const [name, value] of Object.entries(variant.env)) expect([name, env.get(name)]).toEqual([name, value]);
        const off = envOf(only<Deployment>(render().objects, 'Deployment'));
        for (const [name, value] of Object.entries(variant.env)) expect([name, off.get(name)]).not.toEqual([name, value]);
      },
    );

    it('have no endpointConfigs without auth and TLS', () => {
      for (const controller of controllers(render({ hookAuth: { enabled: false } })))
        expect(controller.spec.endpointConfigs).toBeUndefined();
    });
  });

  describe('the hook server', () => {
    const objects = render().objects;
    const deployment = only<Deployment>(objects, 'Deployment');
    const pod = deployment.spec.template;
    const selector = deployment.spec.selector.matchLabels;

    it('agrees with the kustomize install on probes, ports, hardening, resources and shutdown', () => {
      const kustomize = kustomizeObject('install/deployment.yaml') as Deployment;
      const ours = container(deployment);
      const theirs = container(kustomize);
      for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe'] as const) {
        expect({ ...ours[probe], httpGet: { ...ours[probe].httpGet, scheme: undefined } }).toEqual({
          ...theirs[probe],
          httpGet: { ...theirs[probe].httpGet, scheme: undefined },
        });
      }
      for (const field of ['name', 'args', 'ports', 'lifecycle', 'resources', 'securityContext', 'volumeMounts'] as const)
        expect([field, ours[field]]).toEqual([field, theirs[field]]);
      for (const field of ['securityContext', 'terminationGracePeriodSeconds', 'volumes', 'automountServiceAccountToken'] as const) {
        expect([field, pod.spec[field]]).toEqual([field, kustomize.spec.template.spec[field]]);
      }
      expect(pod.spec.topologySpreadConstraints.map((c) => c.topologyKey)).toEqual(
        kustomize.spec.template.spec.topologySpreadConstraints.map((c) => c.topologyKey),
      );
      expect(deployment.spec.replicas).toBe(kustomize.spec.replicas);
    });

    it('runs as the non-root numeric user of the image, read-only, without privileges', () => {
      expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
      expect(container(deployment).securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(container(deployment).livenessProbe.httpGet).toMatchObject({ path: '/healthz', port: 'http' });
      expect(container(deployment).readinessProbe.httpGet).toMatchObject({ path: '/readyz', port: 'http' });
    });

    it.each([
      [{}, 35],
      [{ config: { shutdownGraceMs: 40500 }, preStopSleepSeconds: 0 }, 45],
      [{ config: { shutdownGraceMs: 0 }, preStopSleepSeconds: 10 }, 15],
    ])('gives the kubelet grace beyond preStop and SHUTDOWN_GRACE_MS: %j', (values, expected) => {
      const rendered = only<Deployment>(render(values).objects, 'Deployment');
      const grace = rendered.spec.template.spec.terminationGracePeriodSeconds;
      const preStop = Number(container(rendered).lifecycle?.preStop?.exec?.command[1] ?? 0);
      expect(grace).toBe(expected);
      expect(grace * 1000).toBeGreaterThan(Number(envOf(rendered).get('SHUTDOWN_GRACE_MS')) + preStop * 1000);
    });

    it('spreads the replicas across zones and hosts', () => {
      for (const constraint of pod.spec.topologySpreadConstraints) expect(constraint.labelSelector.matchLabels).toEqual(selector);
      expect(pod.spec.topologySpreadConstraints.map((c) => c.topologyKey)).toEqual([
        'topology.kubernetes.io/zone',
        'kubernetes.io/hostname',
      ]);
    });

    it('is reached through a Service, kept available by a PodDisruptionBudget, selected by the same labels', () => {
      const service = only<Service>(objects, 'Service', DEFAULT_HOOK_SERVICE.name);
      expect(service.metadata.name).toBe(DEFAULT_HOOK_SERVICE.name);
      expect(service.spec.selector).toEqual(selector);
      expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: container(deployment).ports[0]?.name, protocol: 'TCP' }]);
      expect(only(objects, 'PodDisruptionBudget')).toMatchObject({ spec: { maxUnavailable: 1, selector: { matchLabels: selector } } });
      expect(pod.metadata.labels).toMatchObject(selector);
    });

    it('runs as a ServiceAccount that can carry an IAM role', () => {
      const arn = 'arn:aws:iam::123456789012:role/lattice';
      const rendered = render({ serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': arn } } }).objects;
      const account = only(rendered, 'ServiceAccount');
      expect(account.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': arn });
      expect(only<Deployment>(rendered, 'Deployment').spec.template.spec.serviceAccountName).toBe(account.metadata.name);
    });

    it('lets the replicas find each other: their pod IPs, and a headless Service listing the ready ones', () => {
      const replicas = only<Service>(objects, 'Service', `${DEFAULT_HOOK_SERVICE.name}-replicas`);
      expect(replicas.spec).toEqual({
        clusterIP: 'None',
        selector,
        ports: [{ name: 'http', port: 8080, targetPort: container(deployment).ports[0]?.name, protocol: 'TCP' }],
      });
      const config = loadConfig(serverEnv(deployment));
      expect(config.replicas).toEqual({
        address: `${POD_IP}:${config.port}`,
        peers: [`${replicas.metadata.name}.${replicas.metadata.namespace}.svc.cluster.local.:${config.port}`],
      });
      // On another port and cluster domain, both follow.
      const moved = only<Deployment>(render({ config: { port: 9443 }, clusterDomain: 'corp.example' }).objects, 'Deployment');
      expect(loadConfig(serverEnv(moved)).replicas).toEqual({
        address: `${POD_IP}:9443`,
        peers: [`${replicas.metadata.name}.${replicas.metadata.namespace}.svc.corp.example.:9443`],
      });
    });

    it('admits hook traffic only from Metacontroller and the other replicas, and scrapes from the metrics namespace when set', () => {
      const policy = only<KubeObject & { spec: Record<string, unknown> }>(objects, 'NetworkPolicy');
      expect(policy.spec).toEqual({
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'metacontroller' } } }],
            ports: [{ port: 'http', protocol: 'TCP' }],
          },
          { from: [{ podSelector: { matchLabels: selector } }], ports: [{ port: 'http', protocol: 'TCP' }] },
        ],
      });
      const scraped = only<KubeObject & { spec: { ingress: unknown[] } }>(
        render({ networkPolicy: { metacontroller: { namespace: 'mc', podLabels: { app: 'mc' } }, metrics: { namespace: 'monitoring' } } })
          .objects,
        'NetworkPolicy',
      );
      expect(scraped.spec.ingress).toEqual([
        {
          from: [
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'mc' } }, podSelector: { matchLabels: { app: 'mc' } } },
          ],
          ports: [{ port: 'http', protocol: 'TCP' }],
        },
        { from: [{ podSelector: { matchLabels: selector } }], ports: [{ port: 'http', protocol: 'TCP' }] },
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
          ports: [{ port: 'http', protocol: 'TCP' }],
        },
      ]);
    });

    it('offers a ServiceMonitor for /metrics on the Service port', () => {
      expect(objects.filter((o) => o.kind === 'ServiceMonitor')).toEqual([]);
      const rendered = render({ serviceMonitor: { enabled: true } }).objects;
      expect(only(rendered, 'ServiceMonitor')).toMatchObject({
        apiVersion: 'monitoring.coreos.com/v1',
        spec: {
          selector: { matchLabels: selector },
          endpoints: [
            { port: only<Service>(rendered, 'Service', DEFAULT_HOOK_SERVICE.name).spec.ports[0]?.name, path: '/metrics', scheme: 'http' },
          ],
        },
      });
    });
  });

  describe('GatewayClass', () => {
    it('is the one of metacontroller/ by default', () => {
      expect(only(render().objects, 'GatewayClass')).toEqual(kustomizeObject('install/gatewayclass.yaml'));
    });

    it('serves config.controllerName under gatewayClass.name, or is not installed', () => {
      const rendered = render({ config: { controllerName: 'example.com/lattice' }, gatewayClass: { name: 'lattice' } }).objects;
      expect(only(rendered, 'GatewayClass', 'lattice')).toMatchObject({ spec: { controllerName: 'example.com/lattice' } });
      expect(envOf(only<Deployment>(rendered, 'Deployment')).get('CONTROLLER_NAME')).toBe('example.com/lattice');
      expect(render({ gatewayClass: { create: false } }).objects.filter((o) => o.kind === 'GatewayClass')).toEqual([]);
    });
  });
  describe('the directory page (off by default)', () => {
    const ROLE = 'arn:aws:iam::123456789012:role/lattice-directory';
    const rendered = render({
      directory: { enabled: true, authSecret: 'directory-auth', serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': ROLE } } },
    }).objects;
    const directory = only<Deployment>(rendered, 'Deployment', 'lattice-gateway-hooks-directory');

    it('is not installed unless enabled', () => {
      expect(render().objects.filter((o) => o.metadata.name.endsWith('-directory'))).toEqual([]);
    });

    it('serves `lattice-gw directory --serve` in its own pods, with its own ServiceAccount for a read-only IAM role', () => {
      expect(container(directory).args).toEqual([
        'directory',
        '--serve',
        '--host',
        '0.0.0.0',
        '--port',
        '8282',
        '--refresh-seconds',
        '300',
      ]);
      const env = envOf(directory);
      const hooks = envOf(only<Deployment>(rendered, 'Deployment', DEFAULT_HOOK_SERVICE.name));
      for (const name of ['CLUSTER_NAME', 'CLUSTER_VPC_ID', 'LATTICE_RULES_PER_LISTENER', 'LOG_LEVEL'])
        expect([name, env.get(name)]).toEqual([name, hooks.get(name)]);
      expect((container(directory).env ?? []).find((e: { name: string }) => e.name === 'DIRECTORY_AUTH_TOKEN')).toEqual({
        name: 'DIRECTORY_AUTH_TOKEN',
        valueFrom: { secretKeyRef: { name: 'directory-auth', key: 'token' } },
      });
      const account = only(rendered, 'ServiceAccount', 'lattice-gateway-hooks-directory');
      expect(account.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': ROLE });
      expect(directory.spec.template.spec.serviceAccountName).toBe(account.metadata.name);
      expect(container(directory).securityContext).toMatchObject({ readOnlyRootFilesystem: true });
    });

    it('is reached through its own Service, and the hook Service never selects its pods', () => {
      const hookService = only<Service>(rendered, 'Service', DEFAULT_HOOK_SERVICE.name);
      const pageService = only<Service>(rendered, 'Service', 'lattice-gateway-hooks-directory');
      const labels = directory.spec.template.metadata.labels as Record<string, string>;
      expect(pageService.spec.selector).toEqual(directory.spec.selector.matchLabels);
      expect(Object.entries(hookService.spec.selector).every(([k, v]) => labels[k] === v)).toBe(false);
    });
  });
});
