import { intersectHostname, matchListenerHostnames } from '../../../src/gatewayapi/hostnames';

describe('hostname intersection', () => {
  it.each([
    ['foo.example.com', 'foo.example.com', 'foo.example.com'],
    ['foo.example.com', 'bar.example.com', undefined],
    ['*.example.com', 'foo.example.com', 'foo.example.com'],
    ['*.example.com', 'a.b.example.com', 'a.b.example.com'],
    ['*.example.com', 'example.com', undefined],
    ['foo.example.com', '*.example.com', 'foo.example.com'],
    ['*.com', '*.example.com', '*.example.com'],
    ['*.example.com', '*.com', '*.example.com'],
    ['*.example.com', '*.example.org', undefined],
    ['*', 'foo.example.com', 'foo.example.com'],
    ['Foo.Example.COM', 'foo.example.com', 'foo.example.com'],
  ])('%s ∩ %s = %s', (a, b, expected) => {
    expect(intersectHostname(a, b)).toBe(expected);
  });

  it('keeps only the route hostnames that intersect the listener', () => {
    expect(matchListenerHostnames('*.example.com', ['a.example.com', 'b.example.org', 'c.example.com'])).toEqual({
      matches: true,
      hostnames: ['a.example.com', 'c.example.com'],
    });
    expect(matchListenerHostnames('foo.example.com', ['bar.example.com'])).toEqual({ matches: false, hostnames: [] });
    expect(matchListenerHostnames(undefined, ['x.io'])).toEqual({ matches: true, hostnames: ['x.io'] });
    expect(matchListenerHostnames('x.io', [])).toEqual({ matches: true, hostnames: ['x.io'] });
    expect(matchListenerHostnames(undefined, undefined)).toEqual({ matches: true, hostnames: [] });
  });
});
