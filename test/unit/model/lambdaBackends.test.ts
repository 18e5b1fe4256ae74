import { routeParents } from '../../../src/gatewayapi/routeParents';
import type { AnyRoute } from '../../../src/gatewayapi/types';
import { ObjectIndex } from '../../../src/metacontroller/objectIndex';
import type { KubeObject } from '../../../src/metacontroller/types';
import type { AwsIdentity } from '../../../src/model/identity';
import { functionArnProblem, parseFunctionArn, unqualifiedNote, type FunctionLookup } from '../../../src/model/lambdaTargets';
import { buildRouteModel } from '../../../src/model/routeModel';
import { grpcRouteAdapter, httpRouteAdapter, tlsRouteAdapter, type RouteKindAdapter } from '../../../src/model/routeKinds';
import { gateway, gatewayClass, objectMap, OUR_CONTROLLER, route } from '../../support/objects';

const identity: AwsIdentity = {
  accountId: '123456789012',
  region: 'us-west-2',
  clusterName: 'c',
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  managedBy: '123456789012/c/vpc-0a1b2c3d4e5f60718',
};
const OURS = 'application-networking.k8s.aws';
const GW = 'gateway.networking.k8s.io';
const FN = 'arn:aws:lambda:us-west-2:123456789012:function:thumbnails:live';

const edge = gateway('default', 'edge', 'lattice', [
  { name: 'http', protocol: 'HTTP', port: 80 },
  { name: 'tls', protocol: 'TLS', port: 8443, tls: { mode: 'Passthrough' } },
]);
edge.metadata.annotations = {
  'application-networking.k8s.aws/service-network-arn': 'arn:aws:vpc-lattice:us-west-2:123456789012:servicenetwork/sn-0123456789abcdef0',
};

function lambdaTarget(namespace: string, name: string, functionArn: string, eventStructureVersion?: string): KubeObject {
  return {
    apiVersion: `${OURS}/v1alpha1`,
    kind: 'LambdaTarget',
    metadata: { name, namespace },
    spec: { functionArn, ...(eventStructureVersion ? { eventStructureVersion } : {}) },
  };
}

const web: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default' },
  spec: { ports: [{ port: 80, name: 'http' }] },
};
const toLambda = (name = 'thumbs', extra: Record<string, unknown> = {}) => ({ group: OURS, kind: 'LambdaTarget', name, ...extra });
const toWeb = (weight?: number) => ({ name: 'web', port: 80, ...(weight !== undefined ? { weight } : {}) });

function build(
  spec: Record<string, unknown>,
  objects: KubeObject[],
  options: { adapter?: RouteKindAdapter; functions?: Map<string, FunctionLookup> } = {},
) {
  const adapter = options.adapter ?? httpRouteAdapter;
  const r = route(adapter.kind, 'default', 'shop', [{ name: 'edge' }], spec) as AnyRoute;
  const index = ObjectIndex.of(r, objectMap(edge, gatewayClass('lattice', OUR_CONTROLLER), web, ...objects));
  return buildRouteModel(r, adapter, routeParents(r, index, OUR_CONTROLLER), index, {
    identity,
    maxRulesPerListener: 10,
    maxListenersPerService: 2,
    ...(options.functions ? { functions: options.functions } : {}),
  });
}

describe('LambdaTarget backends in the route model', () => {
  it('mixes a function and a Service in one rule by weight: one LAMBDA group with the function as its only target', () => {
    const built = build({ rules: [{ backendRefs: [toWeb(75), toLambda('thumbs', { weight: 25 })] }] }, [
      lambdaTarget('default', 'thumbs', FN),
    ]);
    expect(built.resolvedRefs).toMatchObject({ status: 'True' });
    expect(built.model?.rules[0]?.action).toEqual({
      forward: [
        { key: 'default/web:80', weight: 75 },
        { key: 'lambda:default/thumbs', weight: 25 },
      ],
    });
    const group = built.model?.targetGroups.find((g) => g.type === 'LAMBDA');
    expect(group).toMatchObject({
      key: 'lambda:default/thumbs',
      config: { lambdaEventStructureVersion: 'V2' },
      targets: [{ id: FN }],
      lambda: { functionArn: FN },
      tags: {
        [`${OURS}/RouteName`]: 'shop',
        [`${OURS}/RouteNamespace`]: 'default',
        [`${OURS}/ManagedBy`]: identity.managedBy,
        [`${OURS}/ServiceName`]: 'thumbs',
      },
    });
    expect(group?.name).toMatch(/^k8s-shop-default-thumbs-lambda-[0-9a-z]{12}$/);
    expect(built.model?.targetGroups).toHaveLength(2);
  });

  it('takes V1 when asked, and names another group for another function or version', () => {
    const one = build({ rules: [{ backendRefs: [toLambda()] }] }, [lambdaTarget('default', 'thumbs', FN, 'V1')]).model?.targetGroups[0];
    const other = build({ rules: [{ backendRefs: [toLambda()] }] }, [lambdaTarget('default', 'thumbs', `${FN}2`, 'V1')]).model
      ?.targetGroups[0];
    expect(one?.config).toEqual({ lambdaEventStructureVersion: 'V1' });
    expect(one?.name).not.toBe(other?.name);
  });

  it('a missing function: BackendNotFound naming it; its share fails on an empty group, a rule with only it answers 500', () => {
    const functions = new Map([[FN, { exists: false, message: 'not found' }]]);
    const built = build(
      {
        rules: [
          { matches: [{ path: { type: 'Exact', value: '/thumbnails' } }], backendRefs: [toLambda()] },
          { backendRefs: [toWeb(3), toLambda('thumbs', { weight: 1 })] },
        ],
      },
      [lambdaTarget('default', 'thumbs', FN)],
      { functions },
    );
    expect(built.resolvedRefs).toMatchObject({ status: 'False', reason: 'BackendNotFound' });
    expect(built.resolvedRefs.message).toContain(FN);
    expect(built.model?.rules.map((r) => r.action)).toEqual([
      { fixedResponse: 500 },
      {
        forward: [
          { key: 'default/web:80', weight: 3 },
          { key: 'lambda:default/thumbs', weight: 1 },
        ],
      },
    ]);
    const group = built.model?.targetGroups.find((g) => g.type === 'LAMBDA');
    expect(group?.targets).toEqual([]);
    expect(group?.lambda).toBeUndefined();
  });

  it('a missing LambdaTarget object is BackendNotFound and gets no group', () => {
    const built = build({ rules: [{ backendRefs: [toWeb(), toLambda('nope')] }] }, []);
    expect(built.resolvedRefs).toMatchObject({ status: 'False', reason: 'BackendNotFound' });
    expect(built.resolvedRefs.message).toContain('LambdaTarget not found');
    expect(built.model?.targetGroups.map((g) => g.key)).toEqual(['default/web:80']);
  });

  it.each([
    ['a function in another account', 'arn:aws:lambda:us-west-2:999999999999:function:thumbnails', 'own account (123456789012)'],
    ['a function in another Region', 'arn:aws:lambda:eu-west-1:123456789012:function:thumbnails', 'own Region (us-west-2)'],
    ['an ARN that is not a function', 'arn:aws:s3:::bucket', 'is not a Lambda function ARN'],
  ])('refuses %s with the reason', (_what, arn, reason) => {
    const built = build({ rules: [{ backendRefs: [toLambda()] }] }, [lambdaTarget('default', 'thumbs', arn)]);
    expect(built.resolvedRefs).toMatchObject({ status: 'False', reason: 'BackendNotFound' });
    expect(built.resolvedRefs.message).toContain(reason);
    expect(built.model?.targetGroups).toEqual([]);
  });

  it.each([
    ['GRPCRoute', grpcRouteAdapter, {}],
    ['TLSRoute', tlsRouteAdapter, { hostnames: ['tls.example.com'] }],
  ] as const)('a %s refuses it with InvalidKind (Lattice invokes functions over HTTP and HTTPS only)', (_kind, adapter, extra) => {
    const built = build({ ...extra, rules: [{ backendRefs: [toLambda()] }] }, [lambdaTarget('default', 'thumbs', FN)], { adapter });
    expect(built.resolvedRefs).toMatchObject({ status: 'False', reason: 'InvalidKind' });
    expect(built.resolvedRefs.message).toContain('over HTTP and HTTPS only');
    expect(built.model?.targetGroups ?? []).toEqual([]);
  });

  describe('across namespaces', () => {
    const cross = { rules: [{ backendRefs: [toLambda('thumbs', { namespace: 'functions' })] }] };
    const grant = (name?: string): KubeObject => ({
      apiVersion: `${GW}/v1beta1`,
      kind: 'ReferenceGrant',
      metadata: { name: 'g', namespace: 'functions' },
      spec: {
        from: [{ group: GW, kind: 'HTTPRoute', namespace: 'default' }],
        to: [{ group: OURS, kind: 'LambdaTarget', ...(name ? { name } : {}) }],
      },
    });

    it('is refused without a ReferenceGrant, saying the same whether the target exists or not', () => {
      const withTarget = build(cross, [lambdaTarget('functions', 'thumbs', FN)]);
      const without = build(cross, []);
      expect(withTarget.resolvedRefs).toMatchObject({ status: 'False', reason: 'RefNotPermitted' });
      expect(withTarget.resolvedRefs).toEqual(without.resolvedRefs);
      expect(withTarget.model?.rules[0]?.action).toEqual({ fixedResponse: 500 });
    });

    it('is allowed with a grant for that LambdaTarget or for all of them', () => {
      for (const name of ['thumbs', undefined]) {
        const built = build(cross, [lambdaTarget('functions', 'thumbs', FN), grant(name)]);
        expect(built.resolvedRefs.status).toBe('True');
        expect(built.model?.targetGroups.map((g) => g.key)).toEqual(['lambda:functions/thumbs']);
      }
      expect(build(cross, [lambdaTarget('functions', 'thumbs', FN), grant('other')]).resolvedRefs.reason).toBe('RefNotPermitted');
    });
  });
});

describe('function ARNs', () => {
  it('parses qualified and unqualified ARNs', () => {
    expect(parseFunctionArn(FN)).toEqual({
      arn: FN,
      partition: 'aws',
      region: 'us-west-2',
      accountId: '123456789012',
      name: 'thumbnails',
      qualifier: 'live',
    });
    expect(parseFunctionArn('arn:aws:lambda:us-west-2:123456789012:function:thumbnails')?.qualifier).toBeUndefined();
    expect(parseFunctionArn('thumbnails')).toBeUndefined();
  });

  it('notes an unqualified ARN and requires one', () => {
    expect(unqualifiedNote('arn:aws:lambda:us-west-2:123456789012:function:thumbnails')).toContain('$LATEST');
    expect(unqualifiedNote(FN)).toBeUndefined();
    expect(functionArnProblem(undefined, identity)).toBe('spec.functionArn is required');
    expect(functionArnProblem(FN, identity)).toBeUndefined();
  });
});
