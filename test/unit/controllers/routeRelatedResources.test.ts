import { relatedResources } from '../../../src/controllers/route/relatedResources';
import type { AnyRoute } from '../../../src/gatewayapi/types';
import { httpRouteAdapter, tlsRouteAdapter } from '../../../src/model/routeKinds';
import { CUSTOM_DOMAIN_LABEL, customDomainLabelValue } from '../../../src/model/hostnameGroup';
import { route } from '../../support/objects';

const OURS = 'application-networking.k8s.aws';

describe('route customize: related objects of LambdaTarget backends', () => {
  it('asks for the named LambdaTargets, and for the ReferenceGrants of another namespace they live in', () => {
    const r = route('HTTPRoute', 'shop', 'web', [{ name: 'edge', namespace: 'infra' }], {
      rules: [
        {
          backendRefs: [
            { group: OURS, kind: 'LambdaTarget', name: 'thumbs' },
            { name: 'web', port: 80 },
          ],
        },
        {
          backendRefs: [
            { group: OURS, kind: 'LambdaTarget', name: 'resize', namespace: 'functions' },
            { group: OURS, kind: 'LambdaTarget', name: 'crop', namespace: 'functions' },
          ],
        },
      ],
    }) as AnyRoute;
    const rules = relatedResources(r, httpRouteAdapter);
    expect(rules.filter((rule) => rule.resource === 'lambdatargets')).toEqual([
      { apiVersion: `${OURS}/v1alpha1`, resource: 'lambdatargets', namespace: 'functions', names: ['crop', 'resize'] },
      { apiVersion: `${OURS}/v1alpha1`, resource: 'lambdatargets', namespace: 'shop', names: ['thumbs'] },
    ]);
    expect(rules.filter((rule) => rule.resource === 'referencegrants').map((rule) => rule.namespace)).toEqual(['functions']);
  });
});

describe('route customize: routes that may share the hostname', () => {
  it('asks for routes of the same kind labelled with each exact spec hostname, not for wildcards, and none for TLSRoutes', () => {
    const r = route('HTTPRoute', 'shop', 'web', [{ name: 'edge' }], {
      hostnames: ['Example.com', '*.example.net', 'api.example.com'],
      rules: [{ backendRefs: [{ name: 'web', port: 80 }] }],
    }) as AnyRoute;
    const rules = relatedResources(r, httpRouteAdapter).filter((rule) => rule.resource === 'httproutes');
    expect(rules).toEqual([
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        resource: 'httproutes',
        labelSelector: { matchLabels: { [CUSTOM_DOMAIN_LABEL]: customDomainLabelValue('api.example.com') } },
      },
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        resource: 'httproutes',
        labelSelector: { matchLabels: { [CUSTOM_DOMAIN_LABEL]: customDomainLabelValue('example.com') } },
      },
    ]);
    const tls = route('TLSRoute', 'shop', 'tls', [{ name: 'edge' }], { hostnames: ['example.com'], rules: [] }) as AnyRoute;
    expect(relatedResources(tls, tlsRouteAdapter).filter((rule) => rule.resource === 'tlsroutes')).toEqual([]);
  });
});
