import { ObjectIndex } from '../../../src/metacontroller/objectIndex';
import type { KubeObject } from '../../../src/metacontroller/types';

function obj(apiVersion: string, kind: string, name: string, namespace?: string, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...extra };
}

const route = obj('gateway.networking.k8s.io/v1', 'HTTPRoute', 'shop', 'apps');

describe('ObjectIndex', () => {
  it('finds objects by identity whatever the map keys say (v1 and v2 keys, or nonsense)', () => {
    const index = ObjectIndex.of(route, {
      'Gateway.gateway.networking.k8s.io/v1': {
        edge: obj('gateway.networking.k8s.io/v1', 'Gateway', 'edge', 'infra'),
        'wrong/key': obj('gateway.networking.k8s.io/v1', 'Gateway', 'edge', 'apps'),
      },
      'WhateverKey.v9': { x: obj('gateway.networking.k8s.io/v1', 'GatewayClass', 'lattice') },
      'Service.v1': { 'apps/web': obj('v1', 'Service', 'web', 'apps') },
    });
    expect(index.get({ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'infra', name: 'edge' })?.metadata.namespace).toBe('infra');
    expect(index.get({ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'apps', name: 'edge' })?.metadata.namespace).toBe('apps');
    expect(index.get({ group: 'gateway.networking.k8s.io', kind: 'GatewayClass', name: 'lattice' })).toBeDefined();
    expect(index.get({ group: '', kind: 'Service', namespace: 'apps', name: 'web' })).toBeDefined();
    expect(index.get({ group: '', kind: 'Service', namespace: 'other', name: 'web' })).toBeUndefined();
    expect(index.get({ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'apps', name: 'shop' })).toBe(route);
  });

  it('lists a kind sorted by namespace then name, optionally in one namespace', () => {
    const index = ObjectIndex.of(route, {
      a: { 1: obj('v1', 'Service', 'b', 'z'), 2: obj('v1', 'Service', 'a', 'z'), 3: obj('v1', 'Service', 'c', 'a') },
    });
    expect(index.list('', 'Service').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['a/c', 'z/a', 'z/b']);
    expect(index.list('', 'Service', 'z').map((o) => o.metadata.name)).toEqual(['a', 'b']);
    expect(index.list('', 'Secret')).toEqual([]);
  });

  it('prefers the root object, then the first occurrence, when an object appears twice', () => {
    const stale = obj('gateway.networking.k8s.io/v1', 'HTTPRoute', 'shop', 'apps', { stale: true });
    const first = obj('v1', 'Service', 'web', 'apps', { n: 1 });
    const second = obj('v1', 'Service', 'web', 'apps', { n: 2 });
    const index = ObjectIndex.of(route, { x: { a: stale, b: first } }, { y: { c: second } });
    expect(index.get({ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'apps', name: 'shop' })).toBe(route);
    expect(index.get({ group: '', kind: 'Service', namespace: 'apps', name: 'web' })).toBe(first);
    expect(index.size).toBe(2);
  });

  it('indexes decorator and composite requests alike', () => {
    const child = obj('v1', 'ConfigMap', 'c', 'apps');
    const decorator = ObjectIndex.fromDecoratorRequest({ controller: obj('metacontroller.k8s.io/v1alpha1', 'DecoratorController', 'd'), object: route, attachments: { 'ConfigMap.v1': { c: child } }, related: {}, finalizing: false });
    const composite = ObjectIndex.fromCompositeRequest({ controller: obj('metacontroller.k8s.io/v1alpha1', 'CompositeController', 'c'), parent: route, children: { 'ConfigMap.v1': { 'apps/c': child } }, related: {}, finalizing: false });
    for (const index of [decorator, composite]) expect(index.get({ group: '', kind: 'ConfigMap', namespace: 'apps', name: 'c' })).toBe(child);
  });
});
