import { ownerOf, serviceNameEvidence, targetGroupNameEvidence } from '../../../src/directory/owner';
import { listenerName, ruleName, targetGroupName } from '../../../src/model/names';
import { THIS_CLUSTER } from './fixtures';

const P = 'application-networking.k8s.aws/';

describe('who manages a Lattice resource', () => {
  it('nobody without a ManagedBy tag', () => {
    expect(ownerOf({ team: 'payments' }, 'ours', THIS_CLUSTER)).toEqual({
      manager: 'none',
      managedBy: null,
      account: null,
      cluster: null,
      vpc: null,
      thisCluster: false,
      source: null,
    });
  });

  it('this project on this cluster, with the route it comes from', () => {
    const tags = {
      [`${P}ManagedBy`]: THIS_CLUSTER,
      [`${P}RouteName`]: 'storefront',
      [`${P}RouteNamespace`]: 'store',
      [`${P}RouteType`]: 'grpc',
    };
    expect(ownerOf(tags, 'unknown', THIS_CLUSTER)).toEqual({
      manager: 'lattice-gateway-hooks',
      managedBy: THIS_CLUSTER,
      account: '111122223333',
      cluster: 'local',
      vpc: 'vpc-0a1b2c3d4e5f60718',
      thisCluster: true,
      source: 'GRPCRoute store/storefront',
    });
  });

  it('tells the controllers apart by the names they give (both write the same tag keys)', () => {
    const other = { [`${P}ManagedBy`]: '111122223333/east/vpc-0fedcba9876543210' };
    expect(ownerOf(other, 'ours', THIS_CLUSTER)).toMatchObject({ manager: 'lattice-gateway-hooks', thisCluster: false, cluster: 'east' });
    expect(ownerOf(other, 'go', THIS_CLUSTER).manager).toBe('aws-gateway-api-controller');
    expect(ownerOf(other, 'unknown', THIS_CLUSTER).manager).toBe('gateway-api-controller');
    expect(ownerOf(other, 'unknown', null).manager).toBe('gateway-api-controller');
  });

  it("recognises this project's own names, from the functions that make them", () => {
    expect(serviceNameEvidence([listenerName('HTTPS', 443)], [ruleName({ path: '/' })])).toBe('ours');
    expect(
      targetGroupNameEvidence(
        targetGroupName({
          owner: THIS_CLUSTER,
          routeKind: 'HTTPRoute',
          routeNamespace: 'store',
          routeName: 'web',
          serviceNamespace: 'store',
          serviceName: 'web',
          port: 80,
          protocol: 'HTTP',
          protocolVersion: 'HTTP1',
          ipAddressType: 'IPV4',
        }),
      ),
    ).toBe('ours');
  });

  it("recognises the Go controller's names (listener with route and port, timestamped rules, random-letter target groups)", () => {
    expect(serviceNameEvidence(['rates-default-80-http'], [])).toBe('go');
    expect(serviceNameEvidence(['http-80'], ['k8s-1693522631-rule-1'])).toBe('go');
    expect(targetGroupNameEvidence('k8s-default-parking-qmsuilsxyq')).toBe('go');
    expect(serviceNameEvidence([], [])).toBe('unknown');
    expect(targetGroupNameEvidence('my-own-group')).toBe('unknown');
  });

  it('names the ServiceExport a target group comes from', () => {
    const tags = {
      [`${P}ManagedBy`]: THIS_CLUSTER,
      [`${P}SourceTypeKey`]: 'ServiceExport',
      [`${P}ServiceName`]: 'api',
      [`${P}ServiceNamespace`]: 'shop',
    };
    expect(ownerOf(tags, 'ours', THIS_CLUSTER).source).toBe('ServiceExport shop/api');
  });
});
