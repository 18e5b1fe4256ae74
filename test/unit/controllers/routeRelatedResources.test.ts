import { relatedResources } from '../../../src/controllers/route/relatedResources';
import type { AnyRoute } from '../../../src/gatewayapi/types';
import { httpRouteAdapter } from '../../../src/model/routeKinds';
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
