import {
  latticeServiceName,
  listenerName,
  routeTargetGroupPrefix,
  ruleName,
  serviceNameProblem,
  targetGroupName,
} from '../../../src/model/names';

describe('Lattice names', () => {
  it('validates service-name-override like the Go controller', () => {
    expect(serviceNameProblem('my-service-123')).toBeUndefined();
    for (const bad of ['ab', 'a'.repeat(41), 'My-Service', 'svc-myservice', 'my--service', '-myservice', 'myservice-', 'my.service']) {
      expect(serviceNameProblem(bad)).toBeDefined();
    }
  });

  it('uses <route>-<namespace> when it fits (the Go controller’s name, so adoption keeps DNS names)', () => {
    expect(latticeServiceName('default', 'inventory')).toBe('inventory-default');
    expect(latticeServiceName('prod', 'inventory-service-v1-api')).toBe('inventory-service-v1-api-prod');
  });

  it('shortens with a hash instead of truncating into collisions (Go controller issue #657)', () => {
    const a = latticeServiceName('my-very-long-namespace-x', 'inventory-service-v1-api');
    const b = latticeServiceName('my-very-long-namespace-x', 'inventory-service-v1-web');
    expect(a).not.toBe(b);
    for (const name of [
      a,
      b,
      latticeServiceName('ns', 'route.with.dots'),
      latticeServiceName('n', 'svc-x'),
      latticeServiceName('a'.repeat(63), 'b'.repeat(63)),
      latticeServiceName('', 'storefront'),
      latticeServiceName('é'.repeat(20), 'storefront'),
      latticeServiceName('ns', '...'),
    ]) {
      expect(serviceNameProblem(name)).toBeUndefined();
    }
    expect(latticeServiceName('ns', 'route.with.dots')).toMatch(/^route-with-dots-ns-[0-9a-f]{8}$/);
    expect(latticeServiceName('', 'storefront')).toMatch(/^storefront-[0-9a-f]{8}$/);
  });

  it('names target groups deterministically, differently for anything that cannot change in place', () => {
    const identity = {
      owner: '123456789012/c/vpc-1',
      routeKind: 'HTTPRoute',
      routeNamespace: 'apps',
      routeName: 'shop',
      serviceNamespace: 'apps',
      serviceName: 'web',
      port: 8080,
      protocol: 'HTTP',
      protocolVersion: 'HTTP1',
      ipAddressType: 'IPV4',
    };
    const name = targetGroupName(identity);
    expect(name).toMatch(/^k8s-shop-apps-web-8080-[0-9a-f]{12}$/);
    expect(targetGroupName({ ...identity })).toBe(name);
    expect(targetGroupName({ ...identity, protocolVersion: 'HTTP2' })).not.toBe(name);
    expect(targetGroupName({ ...identity, owner: 'other' })).not.toBe(name);
    expect(
      targetGroupName({ ...identity, serviceName: 'x'.repeat(63), routeName: 'y'.repeat(63), serviceNamespace: 'z'.repeat(63) }).length,
    ).toBeLessThanOrEqual(128);
  });

  it('starts every target group name of a route with the prefix teardown searches for', () => {
    const identity = {
      owner: 'o',
      routeKind: 'HTTPRoute',
      routeNamespace: 'apps',
      serviceNamespace: 'apps',
      serviceName: 'web',
      port: 80,
      protocol: 'HTTP',
      protocolVersion: '',
      ipAddressType: 'IPV4',
    };
    for (const routeName of ['shop', 'My.Route--x', 'r'.repeat(63), `${'a'.repeat(29)}-b`]) {
      expect(targetGroupName({ ...identity, routeName })).toMatch(new RegExp(`^${routeTargetGroupPrefix(routeName)}`));
      expect(targetGroupName({ ...identity, routeName, port: 'lambda', protocol: 'LAMBDA' })).toMatch(
        new RegExp(`^${routeTargetGroupPrefix(routeName)}`),
      );
    }
    expect(routeTargetGroupPrefix('shop')).toBe('k8s-shop-');
  });

  it('names listeners by protocol and port, and rules by their match', () => {
    expect(listenerName('HTTP', 80)).toBe('http-80');
    expect(listenerName('TLS_PASSTHROUGH', 443)).toBe('tls-443');
    expect(ruleName({ pathMatch: { match: { prefix: '/' } } })).toBe(ruleName({ pathMatch: { match: { prefix: '/' } } }));
    expect(ruleName({ method: 'GET' })).not.toBe(ruleName({ method: 'POST' }));
    expect(ruleName({ method: 'GET' })).toMatch(/^k8s-[0-9a-f]{16}$/);
  });
});
