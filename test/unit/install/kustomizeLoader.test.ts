import { HOOK_AUTH_COMPONENT_DIR } from '../../../src/install/manifests';
import { wiringVariants } from '../../../src/install/variants';
import type { KubeObject } from '../../../src/metacontroller/types';
import { applyJsonPatch, loadControllers, loadKustomization, selects, type PatchTarget } from '../../../tools/metacontroller/manifests';
import { only } from './helmChart';
import { container, isController, KUSTOMIZE_DIR, type Deployment, type EnvVar } from './installFiles';

/** The loader the Metacontroller driver reads `metacontroller/` with, against kustomize's rules. */

function object(apiVersion: string, kind: string, name: string, metadata: Partial<KubeObject['metadata']> = {}): KubeObject {
  return { apiVersion, kind, metadata: { name, ...metadata } };
}

const base = loadKustomization(KUSTOMIZE_DIR);

/** The objects a component changed (the loader keeps file order, so they compare by index). */
function changedBy(patched: readonly KubeObject[]): KubeObject[] {
  expect(patched.length).toBe(base.length);
  return patched.filter((o, i) => JSON.stringify(o) !== JSON.stringify(base[i]));
}

function envArray(deployment: Deployment): EnvVar[] {
  const env = container(deployment).env ?? [];
  // An array still, with no "-" property left by a non-RFC 6902 append.
  expect(Object.keys(env)).toEqual(env.map((_v, i) => String(i)));
  return env;
}

describe('the driver loading metacontroller/ with kustomize components', () => {
  it('applies hook-auth to the controllers and the Deployment, and to nothing else that carries the app label', () => {
    const patched = loadKustomization(KUSTOMIZE_DIR, [HOOK_AUTH_COMPONENT_DIR]);
    const changed = changedBy(patched);
    const controllers = patched.filter(isController);
    expect(changed.map((o) => o.kind).sort()).toEqual([...controllers.map((c) => c.kind), 'Deployment'].sort());

    // The controller patch targets group + labelSelector: objects of other groups with the same
    // label (CRDs, the Service, the Namespace…) exist, and stay as they are.
    const sameLabelOtherGroup = base.filter(
      (o) => !isController(o) && o.kind !== 'Deployment' && o.metadata.labels?.['app.kubernetes.io/name'] === 'lattice-gateway-hooks',
    );
    expect(sameLabelOtherGroup.map((o) => o.kind)).toEqual(expect.arrayContaining(['CustomResourceDefinition', 'Service', 'Namespace']));

    for (const controller of controllers) {
      const { endpointConfigs, ...spec } = controller.spec as Record<string, unknown>;
      const before = base.find((o) => o.kind === controller.kind && o.metadata.name === controller.metadata.name);
      expect({ ...controller, spec }).toEqual(before);
      expect(endpointConfigs).toEqual([
        {
          host: 'lattice-gateway-hooks.lattice-gateway-hooks:80',
          authorization: {
            type: 'Bearer',
            secretRef: { name: 'lattice-gateway-hooks-auth', namespace: 'lattice-gateway-hooks', key: 'token' },
          },
        },
      ]);
    }

    const env = envArray(only<Deployment>(patched, 'Deployment'));
    expect(env).toEqual([
      ...envArray(only<Deployment>(base, 'Deployment')),
      { name: 'HOOK_AUTH_TOKEN', valueFrom: { secretKeyRef: { name: 'lattice-gateway-hooks-auth', key: 'token' } } },
    ]);
  });

  it('gives the driver every controller with or without a component', () => {
    const names = loadControllers(KUSTOMIZE_DIR).map((c) => c.name);
    expect(names.length).toBeGreaterThan(0);
    expect(loadControllers(KUSTOMIZE_DIR, [HOOK_AUTH_COMPONENT_DIR]).map((c) => c.name)).toEqual(names);
  });

  it.each(wiringVariants().map((v) => [v.component, v] as const))(
    'applies %s to the controllers it names and appends its variables to the server',
    (component, variant) => {
      const patched = loadKustomization(KUSTOMIZE_DIR, [`components/${component}`]);
      const changedControllers = changedBy(patched).filter(isController);
      expect(changedControllers.length).toBeGreaterThan(0);
      expect(changedControllers.length).toBeLessThan(patched.filter(isController).length);
      const byName = new Map(loadControllers(KUSTOMIZE_DIR, [`components/${component}`]).map((c) => [c.name, c]));
      for (const controller of changedControllers) {
        const wiring = variant.wirings.find((w) => `lattice-${w.name}` === controller.metadata.name);
        expect(byName.get(controller.metadata.name)?.owned).toEqual(
          wiring?.kind === 'DecoratorController' ? wiring.attachments : wiring?.childResources,
        );
      }
      const env = envArray(only<Deployment>(patched, 'Deployment'));
      const added = env.slice(envArray(only<Deployment>(base, 'Deployment')).length);
      expect(added).toEqual(Object.entries(variant.env).map(([name, value]) => ({ name, value })));
    },
  );
});

describe('kustomize patch targets', () => {
  const controller = object('metacontroller.k8s.io/v1alpha1', 'DecoratorController', 'lattice-httproute', {
    labels: { 'app.kubernetes.io/name': 'lattice-gateway-hooks', tier: 'hooks' },
  });
  const crd = object('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'servicenetworks.application-networking.k8s.aws', {
    labels: { 'app.kubernetes.io/name': 'lattice-gateway-hooks' },
  });
  const service = object('v1', 'Service', 'lattice-gateway-hooks', { namespace: 'lattice-gateway-hooks', annotations: { team: 'net' } });

  it.each<[string, PatchTarget, boolean, boolean, boolean]>([
    ['nothing: everything', {}, true, true, true],
    ['a group', { group: 'metacontroller.k8s.io' }, true, false, false],
    ['the core group, empty: everything', { group: '' }, true, true, true],
    ['a version', { version: 'v1' }, false, true, true],
    ['a kind', { kind: 'Service' }, false, false, true],
    ['a name, as an anchored regular expression', { name: 'lattice-.*' }, true, false, true],
    ['a name that only matches a part', { name: 'httproute' }, false, false, false],
    ['a namespace', { namespace: 'lattice-gateway-hooks' }, false, false, true],
    ['a label', { labelSelector: 'app.kubernetes.io/name=lattice-gateway-hooks' }, true, true, false],
    [
      'group and label together',
      { group: 'metacontroller.k8s.io', labelSelector: 'app.kubernetes.io/name=lattice-gateway-hooks' },
      true,
      false,
      false,
    ],
    ['two labels', { labelSelector: 'app.kubernetes.io/name==lattice-gateway-hooks, tier=hooks' }, true, false, false],
    ['a label that differs, or is missing', { labelSelector: 'tier!=hooks' }, false, true, true],
    ['a label in a set', { labelSelector: 'tier in (hooks, web)' }, true, false, false],
    ['a label not in a set', { labelSelector: 'tier notin (hooks)' }, false, true, true],
    ['a label that exists', { labelSelector: 'tier' }, true, false, false],
    ['a label that does not exist', { labelSelector: '!tier' }, false, true, true],
    ['an annotation', { annotationSelector: 'team=net' }, false, false, true],
  ])('selecting by %s', (_name, target, selectsController, selectsCrd, selectsService) => {
    expect([selects(target, controller), selects(target, crd), selects(target, service)]).toEqual([
      selectsController,
      selectsCrd,
      selectsService,
    ]);
  });

  it('refuses a selector it cannot read rather than selecting wrongly', () => {
    expect(() => selects({ labelSelector: 'tier > 1' }, controller)).toThrow(/unsupported selector requirement/);
  });
});

describe('JSON patches of components (RFC 6902)', () => {
  const document = () => ({ spec: { list: ['a', 'b'], map: { 'a/b': 1, 'c~d': 2 } } });

  it.each<[string, { op: string; path: string; value?: unknown }, unknown]>([
    ['appends to an array with -', { op: 'add', path: '/spec/list/-', value: 'c' }, { list: ['a', 'b', 'c'] }],
    ['inserts into an array at an index', { op: 'add', path: '/spec/list/0', value: 'z' }, { list: ['z', 'a', 'b'] }],
    ['adds a member', { op: 'add', path: '/spec/new', value: { x: 1 } }, { new: { x: 1 } }],
    ['replaces an element', { op: 'replace', path: '/spec/list/1', value: 'B' }, { list: ['a', 'B'] }],
    ['removes an element', { op: 'remove', path: '/spec/list/0' }, { list: ['b'] }],
    ['reads escaped names', { op: 'replace', path: '/spec/map/a~1b', value: 3 }, { map: { 'a/b': 3, 'c~d': 2 } }],
    ['reads ~0 as ~', { op: 'remove', path: '/spec/map/c~0d' }, { map: { 'a/b': 1 } }],
  ])('%s', (_name, operation, expected) => {
    const patched = document();
    applyJsonPatch(patched, [operation]);
    expect(patched.spec).toEqual({ ...document().spec, ...(expected as object) });
    expect(Object.keys(patched.spec.list)).toEqual(patched.spec.list.map((_v, i) => String(i)));
  });

  it.each<[string, { op: string; path: string; value?: unknown }, RegExp]>([
    ['adds below a missing parent', { op: 'add', path: '/spec/missing/x', value: 1 }, /does not exist/],
    ['replaces a missing member', { op: 'replace', path: '/spec/missing', value: 1 }, /does not exist/],
    ['adds past the end of an array', { op: 'add', path: '/spec/list/3', value: 'x' }, /out of bounds/],
    ['names an array element by name', { op: 'add', path: '/spec/list/first', value: 'x' }, /not an array index/],
    ['removes with -', { op: 'remove', path: '/spec/list/-' }, /not an array index/],
    ['moves', { op: 'move', path: '/spec/x' }, /unsupported JSON patch op move/],
  ])('refuses a patch that %s', (_name, operation, message) => {
    expect(() => applyJsonPatch(document(), [operation])).toThrow(message);
  });
});
