import { condition } from '../../../src/metacontroller/conditions';
import { PROGRAMMED_CONDITION } from '../../../src/gatewayapi/ourKeys';
import { routeParentConditions, type ProgrammingOutcome, type RouteFindings } from '../../../src/gatewayapi/routeConditions';
import type { RouteParent } from '../../../src/gatewayapi/routeParents';
import { buildRouteStatus } from '../../../src/gatewayapi/routeStatus';
import type { AnyRoute, Gateway } from '../../../src/gatewayapi/types';

const gw = (name: string): Gateway =>
  ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace: 'infra' },
    spec: { gatewayClassName: 'lattice', listeners: [] },
  }) as Gateway;

function parent(name: string, reason: 'Accepted' | 'NotAllowedByListeners' = 'Accepted'): RouteParent {
  const specRef = { name, namespace: 'infra' };
  return {
    specRef,
    gateway: gw(name),
    attachment: { parentRef: specRef, reason, message: reason === 'Accepted' ? 'Accepted' : 'not allowed', listeners: [] },
  } as unknown as RouteParent;
}

const clean: RouteFindings = {
  resolvedRefs: condition('ResolvedRefs', 'True', 'ResolvedRefs', 'Resolved'),
  dropped: [],
  noValidRule: false,
  parentsWithoutNetwork: [],
  routeProblem: undefined,
  certificateNeededFor: undefined,
  notes: [],
};
const programmed: ProgrammingOutcome = { state: 'programmed', serviceArn: 'arn:svc/svc-1', dnsName: 'shop.on.aws' };
const options = { certificateRecheckSeconds: 60 };

function summary(findings: RouteFindings, outcome: ProgrammingOutcome, parents = [parent('edge')]): string[][] {
  return routeParentConditions(parents, findings, outcome, options).map((p) =>
    p.conditions.map((c) => `${c.type}=${c.status}/${c.reason}`),
  );
}

describe('route conditions from findings and the Lattice outcome', () => {
  it('says Accepted, ResolvedRefs and Programmed for a programmed route, naming the service and its DNS name', () => {
    const [edge] = routeParentConditions([parent('edge')], clean, programmed, options);
    expect(edge?.conditions).toEqual([
      condition('Accepted', 'True', 'Accepted', 'Accepted'),
      clean.resolvedRefs,
      condition(PROGRAMMED_CONDITION, 'True', 'Programmed', 'VPC Lattice service arn:svc/svc-1 (shop.on.aws)'),
    ]);
  });

  it('writes neither PartiallyInvalid nor Programmed for a parent that does not accept the route', () => {
    const findings = { ...clean, dropped: [{ message: 'rule 1: regex' }] };
    expect(summary(findings, programmed, [parent('edge'), parent('other', 'NotAllowedByListeners')])).toEqual([
      [
        'Accepted=True/Accepted',
        'ResolvedRefs=True/ResolvedRefs',
        'PartiallyInvalid=True/UnsupportedValue',
        `${PROGRAMMED_CONDITION}=True/Programmed`,
      ],
      ['Accepted=False/NotAllowedByListeners', 'ResolvedRefs=True/ResolvedRefs'],
    ]);
  });

  it('refuses routes it cannot program, in order: route problem, certificate, conflict, no valid rule, waiting network', () => {
    expect(summary({ ...clean, routeProblem: 'bad name', certificateNeededFor: 'a.example.com' }, programmed)[0]?.[0]).toBe(
      'Accepted=False/UnsupportedValue',
    );
    const certificate = routeParentConditions(
      [parent('edge')],
      { ...clean, certificateNeededFor: 'a.example.com' },
      { state: 'none' },
      options,
    )[0]?.conditions[0];
    expect(certificate).toMatchObject({ status: 'False', reason: 'CertificateNotFound' });
    expect(certificate?.message).toContain('checked again in 60s');
    expect(summary(clean, { state: 'conflicted', message: 'taken' })[0]).toEqual([
      'Accepted=False/Conflicted',
      'ResolvedRefs=True/ResolvedRefs',
    ]);
    expect(summary({ ...clean, noValidRule: true, dropped: [{ message: 'rule 0: regex' }] }, { state: 'none' })[0]?.[0]).toBe(
      'Accepted=False/UnsupportedValue',
    );
    const edge = parent('edge');
    expect(summary({ ...clean, parentsWithoutNetwork: [edge] }, { state: 'none' }, [edge])[0]?.[0]).toBe('Accepted=Unknown/Pending');
  });

  it('maps pending, error and refused outcomes to Programmed=False with their reasons', () => {
    expect(summary(clean, { state: 'pending', waits: ['a', 'b'] })[0]?.[2]).toBe(`${PROGRAMMED_CONDITION}=False/Pending`);
    expect(summary(clean, { state: 'error', message: 'AccessDeniedException: no' })[0]?.[2]).toBe(`${PROGRAMMED_CONDITION}=False/Error`);
    expect(summary(clean, { state: 'refused', message: 'immutable' })[0]?.[2]).toBe(`${PROGRAMMED_CONDITION}=False/ImmutableField`);
    expect(summary(clean, { state: 'none' })[0]).toHaveLength(2);
  });

  it('waits (Accepted=Unknown/Pending) for the Gateway to import a certificateRefs certificate, instead of CertificateNotFound', () => {
    const waiting = parent('edge');
    const analysis = { latticeProtocol: 'HTTPS', certificateFromSecret: true, listener: { name: 'https' } };
    (waiting.attachment as { listeners: unknown[] }).listeners = [{ analysis, hostnames: [] }];
    const [status] = routeParentConditions([waiting], { ...clean, certificateNeededFor: 'shop.example.com' }, { state: 'none' }, options);
    expect(status?.conditions[0]).toMatchObject({ type: 'Accepted', status: 'Unknown', reason: 'Pending' });
    expect(status?.conditions[0]?.message).toContain("listener https's certificateRefs into ACM");
    expect(summary({ ...clean, certificateNeededFor: 'shop.example.com' }, { state: 'none' })[0]?.[0]).toBe(
      'Accepted=False/CertificateNotFound',
    );
  });

  it('keeps a route whose hostname another service of the network holds Accepted, but not Programmed (HostnameConflict)', () => {
    expect(summary(clean, { state: 'hostnameTaken', message: 'custom domain example.com is already served' })[0]).toEqual([
      'Accepted=True/Accepted',
      'ResolvedRefs=True/ResolvedRefs',
      `${PROGRAMMED_CONDITION}=False/HostnameConflict`,
    ]);
  });

  it('removes a Programmed condition of an earlier generation once the route is no longer accepted', () => {
    const route = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'shop', namespace: 'apps', generation: 2 },
      status: {
        parents: [
          {
            parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'infra', name: 'edge' },
            controllerName: 'lattice',
            conditions: [
              {
                type: 'Accepted',
                status: 'True',
                reason: 'Accepted',
                message: 'Accepted',
                observedGeneration: 1,
                lastTransitionTime: 't0',
              },
              {
                type: PROGRAMMED_CONDITION,
                status: 'True',
                reason: 'Programmed',
                message: 'svc',
                observedGeneration: 1,
                lastTransitionTime: 't0',
              },
            ],
          },
        ],
      },
    } as unknown as AnyRoute;
    const conditions = routeParentConditions([parent('edge')], { ...clean, noValidRule: true }, { state: 'none' }, options);
    const status = buildRouteStatus(route, conditions, { controllerName: 'lattice', generation: 2, now: 't1' });
    const [entry] = status.parents as { conditions: { type: string; observedGeneration: number }[] }[];
    expect(entry?.conditions.map((c) => [c.type, c.observedGeneration])).toEqual([
      ['Accepted', 2],
      ['ResolvedRefs', 2],
    ]);
  });
});
