/**
 * The status part of upstream Gateway API v1.6.1 conformance tests for the features we claim,
 * reproduced with objects shaped like the upstream manifests (names kept so a reader can compare).
 * Each `it` names its upstream test; docs/gateway-api-support.md lists them all.
 */
import { CreateServiceNetworkCommand } from '@aws-sdk/client-vpc-lattice';
import type { KubeObject } from '../../src/metacontroller/types';
import { GW, statusOf, summary } from '../support/assertions';
import { tlsSecret } from '../support/certificates';
import { type Harness, installGatewayApi, startHarness } from '../support/harness';
import { gateway, gatewayClass } from '../support/objects';
import { endpointSlice, service } from '../support/routeFixtures';

const INFRA = 'gateway-conformance-infra';
const WEB = 'gateway-conformance-web-backend';
const CLASS = 'amazon-vpc-lattice';

interface ListenerView {
  name: string;
  supportedKinds: { group: string; kind: string }[];
  attachedRoutes: number;
  conditions: Record<string, string>;
}

function gatewayStatus(h: Harness, name: string) {
  const status = statusOf(h.cluster.get({ group: GW, kind: 'Gateway', namespace: INFRA, name }));
  const listeners = (
    (status.listeners as { name: string; supportedKinds: ListenerView['supportedKinds']; attachedRoutes: number; conditions: unknown }[]) ??
    []
  ).map(
    (l): ListenerView => ({
      name: l.name,
      supportedKinds: l.supportedKinds,
      attachedRoutes: l.attachedRoutes,
      conditions: summary(l.conditions),
    }),
  );
  const conditions = (status.conditions as { type: string; status: string; reason: string; observedGeneration: number }[]) ?? [];
  return { conditions: summary(conditions), generations: conditions.map((c) => c.observedGeneration), listeners };
}

function routeParents(h: Harness, kind: string, name: string, namespace = INFRA) {
  const parents =
    (statusOf(h.cluster.get({ group: GW, kind, namespace, name })).parents as
      | { parentRef: Record<string, unknown>; conditions: { observedGeneration: number }[] }[]
      | undefined) ?? [];
  return parents.map((p) => ({
    parentRef: p.parentRef,
    conditions: summary(p.conditions),
    generations: p.conditions.map((c) => c.observedGeneration),
  }));
}

function route(kind: 'HTTPRoute' | 'TLSRoute', name: string, spec: Record<string, unknown>, namespace = INFRA): KubeObject {
  return { apiVersion: `${GW}/v1`, kind, metadata: { name, namespace }, spec };
}

const backend = (name = 'infra-backend-v1', port = 8080) => ({ name, port });
const httpListener = (extra: Record<string, unknown> = {}) => ({ name: 'http', port: 80, protocol: 'HTTP', ...extra });

describe('upstream conformance, status part (Gateway, HTTPRoute, ReferenceGrant, TLSRoute)', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness();
    installGatewayApi(h.cluster);
    for (const ns of [INFRA, WEB])
      h.cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } } });
    for (const [ns, name, port] of [
      [INFRA, 'infra-backend-v1', 8080],
      [INFRA, 'tls-backend', 443],
      [WEB, 'web-backend', 8080],
    ] as const) {
      h.cluster.apply(service(ns, name, [{ port, name: 'p' }]));
      h.cluster.apply(endpointSlice(ns, name, ['10.0.0.1'], port, 'p'));
    }
    h.cluster.apply(tlsSecret(INFRA, 'tls-validity-checks-certificate'));
  });
  afterEach(async () => h.close());

  async function networks(...names: string[]) {
    for (const name of names) await h.lattice.send(new CreateServiceNetworkCommand({ name }));
  }

  it('GatewayClassObservedGenerationBump: Accepted follows the new generation', async () => {
    h.cluster.apply(gatewayClass('gatewayclass-observed-generation-bump', h.config.controllerName, { description: 'old' }));
    await h.driver.runUntilStable();
    const ref = { group: GW, kind: 'GatewayClass', name: 'gatewayclass-observed-generation-bump' };
    const cls = h.cluster.mustGet(ref);
    h.cluster.apply({ ...cls, spec: { ...(cls.spec as object), description: 'new' } });
    await h.driver.runUntilStable();
    const accepted = ((statusOf(h.cluster.get(ref)).conditions as { type: string; observedGeneration: number }[]) ?? []).find(
      (c) => c.type === 'Accepted',
    );
    expect(accepted?.observedGeneration).toBe(2);
  });

  it('GatewayObservedGenerationBump and GatewayModifyListeners: listeners added and removed, generations follow, attachedRoutes 1', async () => {
    await networks('gateway-add-listener', 'gateway-remove-listener');
    const https = {
      name: 'https',
      port: 443,
      protocol: 'HTTPS',
      hostname: 'secure.test.com',
      allowedRoutes: { namespaces: { from: 'All' } },
      tls: { certificateRefs: [{ group: '', kind: 'Secret', name: 'tls-validity-checks-certificate', namespace: INFRA }] },
    };
    const http = httpListener({ allowedRoutes: { namespaces: { from: 'All' } } });
    h.cluster.apply(gateway(INFRA, 'gateway-add-listener', CLASS, [https]));
    h.cluster.apply(gateway(INFRA, 'gateway-remove-listener', CLASS, [https, http]));
    h.cluster.apply(
      route('HTTPRoute', 'http-route-1', {
        parentRefs: [{ kind: 'Gateway', name: 'gateway-add-listener', namespace: INFRA }],
        rules: [{ backendRefs: [backend()] }],
      }),
    );
    h.cluster.apply(
      route('HTTPRoute', 'http-route-2', {
        parentRefs: [{ kind: 'Gateway', name: 'gateway-remove-listener', namespace: INFRA }],
        rules: [{ backendRefs: [backend()] }],
      }),
    );
    await h.driver.runUntilStable();

    h.cluster.apply({
      ...h.cluster.mustGet({ group: GW, kind: 'Gateway', namespace: INFRA, name: 'gateway-add-listener' }),
      spec: { gatewayClassName: CLASS, listeners: [https, { ...http, hostname: 'data.test.com' }] },
    });
    h.cluster.apply({
      ...h.cluster.mustGet({ group: GW, kind: 'Gateway', namespace: INFRA, name: 'gateway-remove-listener' }),
      spec: { gatewayClassName: CLASS, listeners: [http] },
    });
    await h.driver.runUntilStable();

    const added = gatewayStatus(h, 'gateway-add-listener');
    expect(added.conditions).toMatchObject({ Accepted: 'True/Accepted', Programmed: 'True/Programmed' });
    expect(added.generations).toEqual([2, 2]);
    expect(added.listeners.map((l) => [l.name, l.attachedRoutes, l.conditions.Accepted, l.conditions.ResolvedRefs])).toEqual([
      ['https', 1, 'True/Accepted', 'True/ResolvedRefs'],
      ['http', 1, 'True/Accepted', 'True/ResolvedRefs'],
    ]);
    for (const l of added.listeners) expect(l.supportedKinds).toContainEqual({ group: GW, kind: 'HTTPRoute' });
    expect(gatewayStatus(h, 'gateway-remove-listener').listeners.map((l) => [l.name, l.attachedRoutes])).toEqual([['http', 1]]);
  });

  it('GatewayWithAttachedRoutesWithPort8080: 0 routes on the unattached listener, 1 by sectionName', async () => {
    await networks('gateway-with-two-listeners-and-one-attached-route');
    h.cluster.apply(
      gateway(INFRA, 'gateway-with-two-listeners-and-one-attached-route', CLASS, [
        {
          name: 'http-unattached',
          port: 8080,
          protocol: 'HTTP',
          allowedRoutes: { kinds: [{ kind: 'HTTPRoute' }], namespaces: { from: 'All' } },
        },
        httpListener({ allowedRoutes: { kinds: [{ kind: 'HTTPRoute' }], namespaces: { from: 'All' } } }),
      ]),
    );
    h.cluster.apply(
      route('HTTPRoute', 'http-route-4', {
        parentRefs: [{ name: 'gateway-with-two-listeners-and-one-attached-route', sectionName: 'http' }],
        rules: [{ backendRefs: [backend()] }],
      }),
    );
    await h.driver.runUntilStable();
    expect(
      gatewayStatus(h, 'gateway-with-two-listeners-and-one-attached-route').listeners.map((l) => [
        l.name,
        l.attachedRoutes,
        l.conditions.Accepted,
        l.conditions.ResolvedRefs,
      ]),
    ).toEqual([
      ['http-unattached', 0, 'True/Accepted', 'True/ResolvedRefs'],
      ['http', 1, 'True/Accepted', 'True/ResolvedRefs'],
    ]);
  });

  it('GatewayInvalidRouteKind, GatewayListenerUnsupportedProtocol, GatewayInvalidParametersRef', async () => {
    h.cluster.apply(
      gateway(INFRA, 'gateway-only-invalid-route-kind', CLASS, [
        httpListener({ allowedRoutes: { namespaces: { from: 'All' }, kinds: [{ kind: 'InvalidRoute' }] } }),
      ]),
    );
    h.cluster.apply(
      gateway(INFRA, 'gateway-supported-and-invalid-route-kind', CLASS, [
        httpListener({ allowedRoutes: { namespaces: { from: 'All' }, kinds: [{ kind: 'InvalidRoute' }, { kind: 'HTTPRoute' }] } }),
      ]),
    );
    h.cluster.apply(
      gateway(INFRA, 'gateway-listener-unsupported-protocol', CLASS, [{ name: 'unsupported', port: 80, protocol: 'INVALID' }]),
    );
    h.cluster.apply(
      gateway(INFRA, 'gateway-listener-mixed', CLASS, [{ name: 'unsupported', port: 8080, protocol: 'INVALID' }, httpListener()]),
    );
    h.cluster.apply(
      gateway(INFRA, 'gateway-invalid-parameters-ref', CLASS, [httpListener()], {
        spec: {
          gatewayClassName: CLASS,
          listeners: [httpListener()],
          infrastructure: { parametersRef: { group: 'invalid.io', kind: 'InvalidParameters', name: 'invalid' } },
        },
      } as never),
    );
    await h.driver.runUntilStable();

    const only = gatewayStatus(h, 'gateway-only-invalid-route-kind').listeners[0];
    expect(only).toMatchObject({ supportedKinds: [], attachedRoutes: 0 });
    expect(only?.conditions.ResolvedRefs).toBe('False/InvalidRouteKinds');
    const mixed = gatewayStatus(h, 'gateway-supported-and-invalid-route-kind').listeners[0];
    expect(mixed).toMatchObject({ supportedKinds: [{ group: GW, kind: 'HTTPRoute' }], attachedRoutes: 0 });
    expect(mixed?.conditions.ResolvedRefs).toBe('False/InvalidRouteKinds');

    const unsupported = gatewayStatus(h, 'gateway-listener-unsupported-protocol');
    expect(unsupported.conditions.Accepted).toBe('False/ListenersNotValid');
    expect(unsupported.listeners[0]).toMatchObject({ supportedKinds: [], conditions: { Accepted: 'False/UnsupportedProtocol' } });
    const partly = gatewayStatus(h, 'gateway-listener-mixed');
    expect(partly.conditions.Accepted).toBe('True/ListenersNotValid');
    expect(partly.listeners.map((l) => l.conditions.Accepted)).toEqual(['False/UnsupportedProtocol', 'True/Accepted']);

    expect(gatewayStatus(h, 'gateway-invalid-parameters-ref').conditions.Accepted).toBe('False/InvalidParameters');
  });

  it('GatewaySecretInvalidReferenceGrant and GatewaySecretReferenceGrantAllInNamespace', async () => {
    await networks('gateway-secret-invalid-reference-grant', 'gateway-secret-reference-grant-all-in-namespace');
    h.cluster.apply(tlsSecret(WEB, 'certificate'));
    const https = (name: string) =>
      gateway(INFRA, name, CLASS, [
        {
          name: 'https',
          port: 443,
          protocol: 'HTTPS',
          allowedRoutes: { namespaces: { from: 'All' } },
          tls: { certificateRefs: [{ group: '', kind: 'Secret', name: 'certificate', namespace: WEB }] },
        },
      ]);
    h.cluster.apply(https('gateway-secret-invalid-reference-grant'));
    h.cluster.apply({
      apiVersion: `${GW}/v1beta1`,
      kind: 'ReferenceGrant',
      metadata: { name: 'wrong-to-name', namespace: WEB },
      spec: { from: [{ group: GW, kind: 'Gateway', namespace: INFRA }], to: [{ group: '', kind: 'Secret', name: 'not-the-certificate' }] },
    });
    await h.driver.runUntilStable();
    expect(gatewayStatus(h, 'gateway-secret-invalid-reference-grant').listeners[0]).toMatchObject({
      supportedKinds: [
        { group: GW, kind: 'HTTPRoute' },
        { group: GW, kind: 'GRPCRoute' },
      ],
      conditions: { ResolvedRefs: 'False/RefNotPermitted' },
    });

    h.cluster.apply({
      apiVersion: `${GW}/v1beta1`,
      kind: 'ReferenceGrant',
      metadata: { name: 'all-in-namespace', namespace: WEB },
      spec: { from: [{ group: GW, kind: 'Gateway', namespace: INFRA }], to: [{ group: '', kind: 'Secret' }] },
    });
    h.cluster.apply(https('gateway-secret-reference-grant-all-in-namespace'));
    await h.driver.runUntilStable();
    expect(gatewayStatus(h, 'gateway-secret-reference-grant-all-in-namespace').listeners[0]).toMatchObject({
      attachedRoutes: 0,
      conditions: { ResolvedRefs: 'True/ResolvedRefs', Programmed: 'True/Programmed' },
    });
  });

  it('HTTPRouteInvalidCrossNamespaceParentRef, HTTPRouteInvalidParentRefNotMatchingSectionName, HTTPRouteInvalidParentRefSectionNameNotMatchingPort, HTTPRouteDisallowedKind', async () => {
    await networks('same-namespace', 'tlsroutes-only');
    h.cluster.apply(gateway(INFRA, 'same-namespace', CLASS, [httpListener({ allowedRoutes: { namespaces: { from: 'Same' } } })]));
    h.cluster.apply(
      gateway(INFRA, 'tlsroutes-only', CLASS, [
        {
          name: 'tls',
          port: 443,
          protocol: 'TLS',
          tls: { mode: 'Passthrough' },
          allowedRoutes: { namespaces: { from: 'Same' }, kinds: [{ kind: 'TLSRoute' }] },
        },
      ]),
    );
    h.cluster.apply(
      route(
        'HTTPRoute',
        'invalid-cross-namespace-parent-ref',
        { parentRefs: [{ name: 'same-namespace', namespace: INFRA }], rules: [{ backendRefs: [backend('web-backend')] }] },
        WEB,
      ),
    );
    h.cluster.apply(
      route('HTTPRoute', 'httproute-invalid-parentref-not-matching-section-name', {
        parentRefs: [{ name: 'same-namespace', sectionName: 'http1', port: 80 }],
        rules: [{ backendRefs: [backend()] }],
      }),
    );
    h.cluster.apply(
      route('HTTPRoute', 'httproute-invalid-parentref-section-name-not-matching-port', {
        parentRefs: [{ name: 'same-namespace', sectionName: 'http', port: 81 }],
        rules: [{ backendRefs: [backend()] }],
      }),
    );
    h.cluster.apply(
      route('HTTPRoute', 'disallowed-kind', { parentRefs: [{ name: 'tlsroutes-only' }], rules: [{ backendRefs: [backend()] }] }),
    );
    await h.driver.runUntilStable();

    expect(routeParents(h, 'HTTPRoute', 'invalid-cross-namespace-parent-ref', WEB)[0]?.conditions).toMatchObject({
      Accepted: 'False/NotAllowedByListeners',
      ResolvedRefs: 'True/ResolvedRefs',
    });
    expect(routeParents(h, 'HTTPRoute', 'httproute-invalid-parentref-not-matching-section-name')[0]?.conditions.Accepted).toBe(
      'False/NoMatchingParent',
    );
    expect(routeParents(h, 'HTTPRoute', 'httproute-invalid-parentref-section-name-not-matching-port')[0]?.conditions.Accepted).toBe(
      'False/NoMatchingParent',
    );
    expect(routeParents(h, 'HTTPRoute', 'disallowed-kind')[0]?.conditions).toMatchObject({
      Accepted: 'False/NotAllowedByListeners',
      ResolvedRefs: 'True/ResolvedRefs',
    });
    expect(gatewayStatus(h, 'same-namespace').listeners[0]?.attachedRoutes).toBe(0);
    expect(gatewayStatus(h, 'tlsroutes-only').listeners[0]?.attachedRoutes).toBe(0);
  });

  it('HTTPRouteObservedGenerationBump and the backend reference tests (NonExistent, UnknownKind, CrossNamespace, InvalidReferenceGrant, PartiallyInvalid)', async () => {
    await networks('same-namespace');
    h.cluster.apply(gateway(INFRA, 'same-namespace', CLASS, [httpListener({ allowedRoutes: { namespaces: { from: 'Same' } } })]));
    const parentRefs = [{ name: 'same-namespace' }];
    h.cluster.apply(route('HTTPRoute', 'observed-generation-bump', { parentRefs, rules: [{ backendRefs: [backend()] }] }));
    h.cluster.apply(
      route('HTTPRoute', 'invalid-nonexistent-backend-ref', { parentRefs, rules: [{ backendRefs: [backend('nonexistent-backend')] }] }),
    );
    h.cluster.apply(
      route('HTTPRoute', 'invalid-backend-ref-unknown-kind', {
        parentRefs,
        rules: [{ backendRefs: [{ group: 'unknownkind.example.com', kind: 'NonExistent', name: 'infra-backend-v1', port: 8080 }] }],
      }),
    );
    h.cluster.apply(
      route('HTTPRoute', 'invalid-cross-namespace-backend-ref', {
        parentRefs,
        rules: [{ backendRefs: [{ name: 'web-backend', namespace: WEB, port: 8080 }] }],
      }),
    );
    h.cluster.apply(
      route('HTTPRoute', 'invalid-reference-grant', {
        parentRefs,
        rules: [
          { matches: [{ path: { type: 'PathPrefix', value: '/v2' } }], backendRefs: [{ name: 'web-backend', namespace: WEB, port: 8080 }] },
          { backendRefs: [backend()] },
        ],
      }),
    );
    h.cluster.apply({
      apiVersion: `${GW}/v1beta1`,
      kind: 'ReferenceGrant',
      metadata: { name: 'other-service', namespace: WEB },
      spec: { from: [{ group: GW, kind: 'HTTPRoute', namespace: INFRA }], to: [{ group: '', kind: 'Service', name: 'not-web-backend' }] },
    });
    await h.driver.runUntilStable();

    expect(routeParents(h, 'HTTPRoute', 'invalid-nonexistent-backend-ref')[0]?.conditions).toMatchObject({
      Accepted: 'True/Accepted',
      ResolvedRefs: 'False/BackendNotFound',
    });
    expect(routeParents(h, 'HTTPRoute', 'invalid-backend-ref-unknown-kind')[0]?.conditions).toMatchObject({
      Accepted: 'True/Accepted',
      ResolvedRefs: 'False/InvalidKind',
    });
    expect(routeParents(h, 'HTTPRoute', 'invalid-cross-namespace-backend-ref')[0]?.conditions).toMatchObject({
      Accepted: 'True/Accepted',
      ResolvedRefs: 'False/RefNotPermitted',
    });
    expect(routeParents(h, 'HTTPRoute', 'invalid-reference-grant')[0]?.conditions).toMatchObject({
      Accepted: 'True/Accepted',
      ResolvedRefs: 'False/RefNotPermitted',
    });

    const bump = h.cluster.mustGet({ group: GW, kind: 'HTTPRoute', namespace: INFRA, name: 'observed-generation-bump' });
    h.cluster.apply({
      ...bump,
      spec: {
        parentRefs,
        rules: [{ backendRefs: [backend('infra-backend-v1', 8080)], matches: [{ path: { type: 'PathPrefix', value: '/bump' } }] }],
      },
    });
    await h.driver.runUntilStable();
    const bumped = routeParents(h, 'HTTPRoute', 'observed-generation-bump')[0];
    expect(bumped?.conditions).toMatchObject({ Accepted: 'True/Accepted', ResolvedRefs: 'True/ResolvedRefs' });
    expect(new Set(bumped?.generations)).toEqual(new Set([2]));
  });

  it('HTTPRouteHostnameIntersection: the non-intersecting route is refused with the full parentRef; attachedRoutes 2/1/1', async () => {
    await networks('httproute-hostname-intersection');
    const same = { namespaces: { from: 'Same' } };
    h.cluster.apply(
      gateway(INFRA, 'httproute-hostname-intersection', CLASS, [
        { name: 'listener-1', port: 80, protocol: 'HTTP', allowedRoutes: same, hostname: 'very.specific.com' },
        { name: 'listener-2', port: 80, protocol: 'HTTP', allowedRoutes: same, hostname: '*.wildcard.io' },
        { name: 'listener-3', port: 80, protocol: 'HTTP', allowedRoutes: same, hostname: '*.anotherwildcard.io' },
      ]),
    );
    const parentRefs = [{ name: 'httproute-hostname-intersection', namespace: INFRA }];
    const r = (name: string, hostnames: string[], path: string) =>
      route('HTTPRoute', name, {
        parentRefs,
        hostnames,
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: path } }], backendRefs: [backend()] }],
      });
    h.cluster.apply(
      r('specific-host-matches-listener-specific-host', ['non.matching.com', '*.nonmatchingwildcard.io', 'very.specific.com'], '/s1'),
    );
    h.cluster.apply(
      r(
        'specific-host-matches-listener-wildcard-host',
        ['non.matching.com', 'wildcard.io', 'foo.wildcard.io', 'bar.wildcard.io', 'foo.bar.wildcard.io'],
        '/s2',
      ),
    );
    h.cluster.apply(r('wildcard-host-matches-listener-specific-host', ['non.matching.com', '*.specific.com'], '/s3'));
    h.cluster.apply(r('wildcard-host-matches-listener-wildcard-host', ['*.anotherwildcard.io'], '/s4'));
    h.cluster.apply(r('no-intersecting-hosts', ['specific.but.wrong.com', 'wildcard.io'], '/s5'));
    await h.driver.runUntilStable();

    for (const name of [
      'specific-host-matches-listener-specific-host',
      'specific-host-matches-listener-wildcard-host',
      'wildcard-host-matches-listener-specific-host',
      'wildcard-host-matches-listener-wildcard-host',
    ]) {
      expect([name, routeParents(h, 'HTTPRoute', name)[0]?.conditions.Accepted]).toEqual([name, 'True/Accepted']);
    }
    expect(routeParents(h, 'HTTPRoute', 'no-intersecting-hosts')).toEqual([
      expect.objectContaining({
        parentRef: { group: GW, kind: 'Gateway', namespace: INFRA, name: 'httproute-hostname-intersection' },
        conditions: expect.objectContaining({ Accepted: 'False/NoMatchingListenerHostname' }),
      }),
    ]);
    expect(gatewayStatus(h, 'httproute-hostname-intersection').listeners.map((l) => l.attachedRoutes)).toEqual([2, 1, 1]);
  });

  it('TLSRouteInvalidNoMatchingListener, TLSRouteInvalidNoMatchingListenerHostname, TLSRouteListenerPassthroughSupportedKinds, TLSRouteListenerTerminateNotSupported, TLSRouteInvalidBackendRef*, TLSRouteInvalidReferenceGrant', async () => {
    await networks(
      'gateway-tlsroute-tls-passthrough-only',
      'gateway-tlsroute-http-only',
      'gateway-tlsroute-https-only',
      'gateway-tls-exact-hostname',
      'gateway-tls-wildcard-hostname',
    );
    const same = { namespaces: { from: 'Same' } };
    const passthrough = (extra: Record<string, unknown> = {}) => ({
      name: 'tls-passthrough',
      protocol: 'TLS',
      port: 443,
      allowedRoutes: same,
      tls: { mode: 'Passthrough' },
      ...extra,
    });
    h.cluster.apply(gateway(INFRA, 'gateway-tlsroute-tls-passthrough-only', CLASS, [passthrough()]));
    h.cluster.apply(gateway(INFRA, 'gateway-tlsroute-http-only', CLASS, [httpListener({ allowedRoutes: same })]));
    h.cluster.apply(
      gateway(INFRA, 'gateway-tlsroute-https-only', CLASS, [
        {
          name: 'https',
          port: 443,
          protocol: 'HTTPS',
          allowedRoutes: same,
          tls: { mode: 'Terminate', certificateRefs: [{ name: 'tls-validity-checks-certificate', namespace: INFRA }] },
        },
      ]),
    );
    h.cluster.apply(
      gateway(INFRA, 'gateway-tls-exact-hostname', CLASS, [
        passthrough({ name: 'tls', hostname: 'www.example.com', allowedRoutes: { ...same, kinds: [{ kind: 'TLSRoute' }] } }),
      ]),
    );
    h.cluster.apply(
      gateway(INFRA, 'gateway-tls-wildcard-hostname', CLASS, [
        passthrough({ name: 'tls', hostname: '*.example.com', allowedRoutes: { ...same, kinds: [{ kind: 'TLSRoute' }] } }),
      ]),
    );
    h.cluster.apply(
      gateway(INFRA, 'gateway-tlsroute-passthrough-supported-kind', CLASS, [
        passthrough({ allowedRoutes: { ...same, kinds: [{ kind: 'TCPRoute' }, { kind: 'TLSRoute' }] } }),
      ]),
    );
    h.cluster.apply(
      gateway(INFRA, 'gateway-tlsroute-terminate-unsupported', CLASS, [
        {
          name: 'tls-terminate',
          protocol: 'TLS',
          port: 443,
          allowedRoutes: same,
          tls: { mode: 'Terminate', certificateRefs: [{ name: 'tls-validity-checks-certificate' }] },
        },
      ]),
    );
    const tls = (name: string, parentRef: Record<string, unknown>, hostnames: string[], backendName = 'tls-backend') =>
      route('TLSRoute', name, { parentRefs: [parentRef], hostnames, rules: [{ backendRefs: [{ name: backendName, port: 443 }] }] });
    h.cluster.apply(tls('tlsroute-not-allowed-protocol-http', { name: 'gateway-tlsroute-http-only' }, ['tls.example.com']));
    h.cluster.apply(tls('tlsroute-not-allowed-protocol-https', { name: 'gateway-tlsroute-https-only' }, ['tls.example.com']));
    h.cluster.apply(
      tls('tlsroute-no-matching-section-name', { name: 'gateway-tlsroute-tls-passthrough-only', sectionName: 'nonexistent-listener' }, [
        'tls.example.com',
      ]),
    );
    h.cluster.apply(tls('tlsroute-hostname-mismatch-1', { name: 'gateway-tls-exact-hostname' }, ['www.nomatch.com', '*.nomatch.com']));
    h.cluster.apply(
      tls('tlsroute-hostname-mismatch-2', { name: 'gateway-tls-wildcard-hostname' }, ['www.different.com', '*.different.com']),
    );
    h.cluster.apply(
      tls('tlsroute-nonexistent-backend', { name: 'gateway-tlsroute-tls-passthrough-only' }, ['abc.example.com'], 'nonexistent-backend'),
    );
    const onPassthrough = { parentRefs: [{ name: 'gateway-tlsroute-tls-passthrough-only' }] };
    h.cluster.apply(
      route('TLSRoute', 'tlsroute-unknown-kind', {
        ...onPassthrough,
        hostnames: ['kind.example.com'],
        rules: [{ backendRefs: [{ group: 'unknownkind.example.com', kind: 'NonExistent', name: 'tls-backend', port: 443 }] }],
      }),
    );
    h.cluster.apply(
      route('TLSRoute', 'tlsroute-invalid-reference-grant', {
        ...onPassthrough,
        hostnames: ['grant.example.com'],
        rules: [{ backendRefs: [{ name: 'web-backend', namespace: WEB, port: 8080 }] }],
      }),
    );
    h.cluster.apply({
      apiVersion: `${GW}/v1beta1`,
      kind: 'ReferenceGrant',
      metadata: { name: 'reference-grant-wrong-from-kind', namespace: WEB },
      spec: { from: [{ group: GW, kind: 'HTTPRoute', namespace: INFRA }], to: [{ group: '', kind: 'Service', name: 'web-backend' }] },
    });
    await h.driver.runUntilStable();

    expect(routeParents(h, 'TLSRoute', 'tlsroute-not-allowed-protocol-http')[0]?.conditions.Accepted).toBe('False/NotAllowedByListeners');
    expect(routeParents(h, 'TLSRoute', 'tlsroute-not-allowed-protocol-https')[0]?.conditions.Accepted).toBe('False/NotAllowedByListeners');
    expect(routeParents(h, 'TLSRoute', 'tlsroute-no-matching-section-name')[0]?.conditions.Accepted).toBe('False/NoMatchingParent');
    expect(routeParents(h, 'TLSRoute', 'tlsroute-hostname-mismatch-1')[0]?.conditions.Accepted).toBe('False/NoMatchingListenerHostname');
    expect(routeParents(h, 'TLSRoute', 'tlsroute-hostname-mismatch-2')[0]?.conditions.Accepted).toBe('False/NoMatchingListenerHostname');
    expect(routeParents(h, 'TLSRoute', 'tlsroute-nonexistent-backend')[0]?.conditions).toMatchObject({
      Accepted: 'True/Accepted',
      ResolvedRefs: 'False/BackendNotFound',
    });
    expect(routeParents(h, 'TLSRoute', 'tlsroute-unknown-kind')[0]?.conditions.ResolvedRefs).toBe('False/InvalidKind');
    expect(routeParents(h, 'TLSRoute', 'tlsroute-invalid-reference-grant')[0]?.conditions.ResolvedRefs).toBe('False/RefNotPermitted');
    for (const name of [
      'gateway-tlsroute-http-only',
      'gateway-tlsroute-https-only',
      'gateway-tls-exact-hostname',
      'gateway-tls-wildcard-hostname',
    ]) {
      expect([name, gatewayStatus(h, name).listeners.map((l) => l.attachedRoutes)]).toEqual([name, [0]]);
    }
    expect(gatewayStatus(h, 'gateway-tlsroute-passthrough-supported-kind').listeners[0]).toMatchObject({
      supportedKinds: [{ group: GW, kind: 'TLSRoute' }],
      attachedRoutes: 0,
      conditions: { ResolvedRefs: 'False/InvalidRouteKinds' },
    });
    expect(gatewayStatus(h, 'gateway-tlsroute-terminate-unsupported').listeners[0]).toMatchObject({
      supportedKinds: [],
      attachedRoutes: 0,
      conditions: { Accepted: 'False/UnsupportedValue' },
    });
  });
});
