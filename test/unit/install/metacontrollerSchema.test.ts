import { join } from 'node:path';
import { HOOK_AUTH_COMPONENT_DIR } from '../../../src/install/manifests';
import { wiringVariants } from '../../../src/install/variants';
import type { KubeObject } from '../../../src/metacontroller/types';
import { loadKustomization } from '../../../tools/metacontroller/manifests';
import { only } from './helmChart';
import { isController, KUSTOMIZE_DIR } from './installFiles';
import { controllerSchemaErrors } from './metacontrollerSchema';

/** Each controller with what the schema finds wrong in it, for messages that name the controller. */
function verdicts(objects: readonly KubeObject[]): [string, string[]][] {
  return objects.filter(isController).map((c) => [`${c.kind} ${c.metadata.name}`, controllerSchemaErrors(c)]);
}

const base = loadKustomization(KUSTOMIZE_DIR);
const components = [HOOK_AUTH_COMPONENT_DIR, ...wiringVariants().map((v) => `components/${v.component}`)];

describe('the Metacontroller schema of the generated controllers', () => {
  it('accepts every controller of metacontroller/, Decorators and Composites alike', () => {
    const found = verdicts(base);
    expect(found.map(([name]) => name.split(' ')[0])).toEqual(expect.arrayContaining(['DecoratorController', 'CompositeController']));
    expect(found).toEqual(found.map(([name]) => [name, []]));
  });

  it.each(components)('accepts them with the component %s applied', (component) => {
    const found = verdicts(loadKustomization(KUSTOMIZE_DIR, [component]));
    expect(found.length).toBe(base.filter(isController).length);
    expect(found).toEqual(found.map(([name]) => [name, []]));
  });

  it('accepts the hand-written controllers the driver tests use', () => {
    const found = verdicts(loadKustomization(join(__dirname, '..', '..', 'fixtures', 'driver-manifests')));
    expect(found.length).toBe(3);
    expect(found).toEqual(found.map(([name]) => [name, []]));
  });
});

describe('the Metacontroller schema', () => {
  const decorator = only(base, 'DecoratorController', 'lattice-httproute');
  const composite = only(base, 'CompositeController', 'lattice-servicenetwork');

  type Spec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- free-form edits of a manifest

  /** A copy of the controller, edited. */
  function edited(controller: KubeObject, edit: (object: KubeObject & { spec: Spec }) => void): KubeObject {
    const copy = structuredClone(controller) as KubeObject & { spec: Spec };
    edit(copy);
    return copy;
  }

  it.each<[string, KubeObject, string]>([
    // Unknown fields, which the API server would prune without a word.
    [
      'a webhook field Metacontroller does not have',
      edited(decorator, (c) => (c.spec.hooks.sync.webhook.responseUIDs = true)),
      '/spec/hooks/sync/webhook: unknown field "responseUIDs"',
    ],
    ['a misspelt field', edited(decorator, (c) => (c.spec.resyncPeriodSecond = 30)), '/spec: unknown field "resyncPeriodSecond"'],
    [
      'a hook Metacontroller never calls',
      edited(composite, (c) => (c.spec.hooks.preUpdateChild = c.spec.hooks.sync)),
      '/spec/hooks: unknown field "preUpdateChild"',
    ],
    [
      'a hook of an unknown name',
      edited(decorator, (c) => (c.spec.hooks.delete = c.spec.hooks.sync)),
      '/spec/hooks: unknown field "delete"',
    ],
    // Fields of the API, in the wrong place.
    [
      'generateSelector on a DecoratorController',
      edited(decorator, (c) => (c.spec.generateSelector = true)),
      '/spec: unknown field "generateSelector"',
    ],
    [
      'resources on a CompositeController',
      edited(composite, (c) => (c.spec.resources = [c.spec.parentResource])),
      '/spec: unknown field "resources"',
    ],
    [
      'annotationSelector on a parentResource',
      edited(composite, (c) => (c.spec.parentResource.annotationSelector = { matchAnnotations: { a: 'b' } })),
      '/spec/parentResource: unknown field "annotationSelector"',
    ],
    [
      'labelSelector on an attachment',
      edited(decorator, (c) => (c.spec.attachments = [{ apiVersion: 'v1', resource: 'configmaps', labelSelector: {} }])),
      '/spec/attachments/0: unknown field "labelSelector"',
    ],
    [
      'statusChecks on a Decorator attachment',
      edited(
        decorator,
        (c) =>
          (c.spec.attachments = [{ apiVersion: 'v1', resource: 'configmaps', updateStrategy: { method: 'InPlace', statusChecks: {} } }]),
      ),
      '/spec/attachments/0/updateStrategy: unknown field "statusChecks"',
    ],
    [
      'ignoreStatusChanges among the hooks',
      edited(decorator, (c) => (c.spec.hooks.ignoreStatusChanges = true)),
      '/spec/hooks: unknown field "ignoreStatusChanges"',
    ],
    [
      'a timeout beside the webhook',
      edited(decorator, (c) => (c.spec.hooks.sync.timeout = '10s')),
      '/spec/hooks/sync: unknown field "timeout"',
    ],
    [
      'authorization directly under spec',
      edited(decorator, (c) => (c.spec.authorization = { secretRef: { name: 's', namespace: 'n', key: 'k' } })),
      '/spec: unknown field "authorization"',
    ],
    [
      'a namespace on a cluster-scoped controller',
      edited(decorator, (c) => (c.metadata.namespace = 'lattice-gateway-hooks')),
      '/metadata: unknown field "namespace"',
    ],
    // Values Metacontroller refuses or misreads.
    [
      'an unknown hook version',
      edited(decorator, (c) => (c.spec.hooks.sync.version = 'v3')),
      '/spec/hooks/sync/version: must be equal to one of the allowed values',
    ],
    [
      'a timeout that is not a Go duration',
      edited(decorator, (c) => (c.spec.hooks.sync.webhook.timeout = '10 seconds')),
      '/spec/hooks/sync/webhook/timeout: must match pattern',
    ],
    [
      'an update method that does not exist',
      edited(
        decorator,
        (c) => (c.spec.attachments = [{ apiVersion: 'v1', resource: 'configmaps', updateStrategy: { method: 'Replace' } }]),
      ),
      '/spec/attachments/0/updateStrategy/method: must be equal to one of the allowed values',
    ],
    [
      'a resync period as a string',
      edited(decorator, (c) => (c.spec.resyncPeriodSeconds = '30')),
      '/spec/resyncPeriodSeconds: must be integer',
    ],
    [
      'a resource with a subresource',
      edited(decorator, (c) => (c.spec.resources[0].resource = 'httproutes/status')),
      '/spec/resources/0/resource: must match pattern',
    ],
    [
      'a selector operator of another API',
      edited(
        decorator,
        (c) => (c.spec.resources[0].labelSelector = { matchExpressions: [{ key: 'a', operator: 'Equals', values: ['b'] }] }),
      ),
      '/spec/resources/0/labelSelector/matchExpressions/0/operator: must be equal to one of the allowed values',
    ],
    [
      'an In requirement without values',
      edited(decorator, (c) => (c.spec.resources[0].labelSelector = { matchExpressions: [{ key: 'a', operator: 'In' }] })),
      "/spec/resources/0/labelSelector/matchExpressions/0: must have required property 'values'",
    ],
    [
      'a webhook with both url and service',
      edited(decorator, (c) => (c.spec.hooks.sync.webhook.url = 'http://hooks.example:80/x')),
      '/spec/hooks/sync/webhook: must match exactly one schema in oneOf',
    ],
    [
      'a service webhook without a path',
      edited(decorator, (c) => delete c.spec.hooks.sync.webhook.path),
      '/spec/hooks/sync/webhook: must match exactly one schema in oneOf',
    ],
    [
      'an ETag cache timeout without a cleanup interval',
      edited(decorator, (c) => (c.spec.hooks.sync.webhook.etag = { enabled: true, cacheTimeoutSeconds: 60 })),
      '/spec/hooks/sync/webhook/etag: must have property cacheCleanupSeconds',
    ],
    [
      'a bearer token Secret without its namespace',
      edited(
        decorator,
        (c) => (c.spec.endpointConfigs = [{ host: 'h:80', authorization: { type: 'Bearer', secretRef: { name: 's', key: 'token' } } }]),
      ),
      "/spec/endpointConfigs/0/authorization/secretRef: must have required property 'namespace'",
    ],
    [
      'both bearer and basic authentication',
      edited(
        decorator,
        (c) =>
          (c.spec.endpointConfigs = [
            {
              host: 'h:80',
              authorization: { secretRef: { name: 's', namespace: 'n', key: 'k' } },
              basicAuth: { secretRef: { name: 's', namespace: 'n' } },
            },
          ]),
      ),
      '/spec/endpointConfigs/0: must NOT be valid',
    ],
    [
      'a CA bundle with two sources',
      edited(
        decorator,
        (c) => (c.spec.endpointConfigs = [{ host: 'h:80', caBundle: { inline: 'PEM', secretRef: { name: 's', namespace: 'n' } } }]),
      ),
      '/spec/endpointConfigs/0/caBundle: must NOT have more than 1 properties',
    ],
    [
      'a parentResource without its resource',
      edited(composite, (c) => delete c.spec.parentResource.resource),
      "/spec/parentResource: must have required property 'resource'",
    ],
    [
      'another API version of Metacontroller',
      edited(decorator, (c) => (c.apiVersion = 'metacontroller.k8s.io/v1')),
      '/apiVersion: must be equal to constant',
    ],
  ])('refuses %s', (_name, controller, error) => {
    expect(controllerSchemaErrors(controller)).toEqual(expect.arrayContaining([expect.stringContaining(error)]));
  });

  it('refuses an object that is no Metacontroller controller', () => {
    expect(controllerSchemaErrors({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } })).toEqual([
      '/kind: "Deployment" is neither DecoratorController nor CompositeController',
    ]);
  });

  it('accepts every field of the API it encodes, where the API allows it', () => {
    const full = edited(composite, (c) => {
      c.spec.parentResource = {
        ...c.spec.parentResource,
        labelSelector: { matchLabels: { a: 'b' }, matchExpressions: [{ key: 'c', operator: 'Exists' }] },
        revisionHistory: { fieldPaths: ['spec'] },
      };
      c.spec.childResources = [
        {
          apiVersion: 'apps/v1',
          resource: 'deployments',
          updateStrategy: { method: 'RollingInPlace', statusChecks: { conditions: [{ type: 'Ready', status: 'True' }] } },
        },
      ];
      c.spec.resyncPeriodSeconds = 60;
      c.spec.hooks.sync.webhook = {
        url: 'https://hooks.example:8443/sync',
        timeout: '1m30s',
        responseUnMarshallMode: 'strict',
        etag: { enabled: true, cacheTimeoutSeconds: 60, cacheCleanupSeconds: 300 },
        caBundle: { configMapRef: { name: 'ca', namespace: 'n', key: 'ca.crt' } },
        clientTLS: { secretRef: { name: 'client', namespace: 'n' }, certKey: 'tls.crt', privateKeyKey: 'tls.key' },
        basicAuth: { secretRef: { name: 'basic', namespace: 'n' }, usernameKey: 'u', passwordKey: 'p' },
      };
      c.spec.endpointConfigs = [
        {
          host: 'hooks.example:8443',
          authorization: { type: 'Bearer', secretRef: { name: 't', namespace: 'n', key: 'token' } },
          caBundle: { inline: 'PEM' },
        },
      ];
    });
    expect(controllerSchemaErrors(full)).toEqual([]);
    const decoratorFull = edited(decorator, (c) => {
      c.spec.resources[0] = {
        ...c.spec.resources[0],
        annotationSelector: { matchAnnotations: { a: 'b' }, matchExpressions: [{ key: 'c', operator: 'NotIn', values: ['d'] }] },
        ignoreStatusChanges: true,
      };
      c.spec.attachments = [{ apiVersion: 'v1', resource: 'configmaps', updateStrategy: { method: 'OnDelete' } }];
    });
    expect(controllerSchemaErrors(decoratorFull)).toEqual([]);
  });
});
