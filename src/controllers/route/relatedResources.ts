import type { AnyRoute, BackendRef } from '../../gatewayapi/types';
import { GATEWAY_API_VERSION, REFERENCE_GRANT_API_VERSION } from '../../gatewayapi/types';
import { SERVICE_NAME_LABEL } from '../../gatewayapi/coreTypes';
import { OUR_API_GROUP, OUR_API_VERSION } from '../../gatewayapi/ourKeys';
import { gatewayParentRefs } from '../../gatewayapi/parentRefs';
import type { RelatedResourceRule } from '../../metacontroller/types';
import { SERVICE_IMPORT_KIND } from '../../model/backends';
import { LAMBDA_TARGET_KIND, LAMBDA_TARGET_RESOURCE } from '../../model/lambdaTargets';
import type { RouteKindAdapter } from '../../model/routeKinds';
import { CUSTOM_DOMAIN_LABEL, customDomainLabelValue, HOSTNAME_GROUP_LABEL } from '../../model/hostnameGroup';

/** Related objects a route sync needs: parents, classes, its Namespace, backends and their EndpointSlices and grants. */
export function relatedResources(route: AnyRoute, adapter: RouteKindAdapter): RelatedResourceRule[] {
  const routeNamespace = route.metadata.namespace ?? '';
  const rules: RelatedResourceRule[] = [];
  const gateways = new Map<string, Set<string>>();
  for (const ref of gatewayParentRefs(route)) gateways.set(ref.namespace, (gateways.get(ref.namespace) ?? new Set()).add(ref.name));
  for (const [namespace, names] of [...gateways].sort(([a], [b]) => a.localeCompare(b))) {
    rules.push({ apiVersion: GATEWAY_API_VERSION, resource: 'gateways', namespace, names: [...names].sort() });
  }
  rules.push({ apiVersion: GATEWAY_API_VERSION, resource: 'gatewayclasses', labelSelector: {} });
  rules.push({ apiVersion: 'v1', resource: 'namespaces', names: [routeNamespace] });
  const services = new Map<string, Set<string>>();
  const imports = new Map<string, Set<string>>();
  const lambdas = new Map<string, Set<string>>();
  for (const rule of adapter.rules(route)) {
    for (const ref of (rule.backendRefs ?? []) as BackendRef[]) {
      const namespace = ref.namespace || routeNamespace;
      const group = ref.group ?? '';
      const kind = ref.kind ?? 'Service';
      const ours =
        group === OUR_API_GROUP ? (kind === SERVICE_IMPORT_KIND ? imports : kind === LAMBDA_TARGET_KIND ? lambdas : undefined) : undefined;
      const into = group === '' && kind === 'Service' ? services : ours;
      into?.set(namespace, (into.get(namespace) ?? new Set()).add(ref.name));
    }
  }
  const byName = ([a]: [string, unknown], [b]: [string, unknown]) => a.localeCompare(b);
  for (const [namespace, names] of [...services].sort(byName)) {
    const sorted = [...names].sort();
    rules.push({ apiVersion: 'v1', resource: 'services', namespace, names: sorted });
    rules.push({
      apiVersion: 'discovery.k8s.io/v1',
      resource: 'endpointslices',
      namespace,
      labelSelector: { matchExpressions: [{ key: SERVICE_NAME_LABEL, operator: 'In', values: sorted }] },
    });
    // TargetGroupPolicies of these Services shape their target groups.
    rules.push({ apiVersion: OUR_API_VERSION, resource: 'targetgrouppolicies', namespace, labelSelector: {} });
  }
  for (const [namespace, names] of [...imports].sort(byName)) {
    rules.push({ apiVersion: OUR_API_VERSION, resource: 'serviceimports', namespace, names: [...names].sort() });
  }
  for (const [namespace, names] of [...lambdas].sort(byName)) {
    rules.push({ apiVersion: OUR_API_VERSION, resource: LAMBDA_TARGET_RESOURCE, namespace, names: [...names].sort() });
  }
  for (const namespace of [...new Set([...services.keys(), ...imports.keys(), ...lambdas.keys()])].sort()) {
    if (namespace !== routeNamespace) rules.push({ apiVersion: REFERENCE_GRANT_API_VERSION, resource: 'referencegrants', namespace });
  }
  // Routes of the same kind that may serve the same hostname (hostnameGroup). From the spec's exact
  // hostnames: customize answers are cached per generation, so they cannot follow labels or Gateways.
  if (adapter.mode === 'rules') {
    for (const hostname of [
      ...new Set((route.spec?.hostnames ?? []).filter((h) => !h.startsWith('*')).map((h) => h.toLowerCase())),
    ].sort()) {
      rules.push({
        apiVersion: GATEWAY_API_VERSION,
        resource: `${adapter.kind.toLowerCase()}s`,
        labelSelector: { matchLabels: { [CUSTOM_DOMAIN_LABEL]: customDomainLabelValue(hostname) } },
      });
    }
    // The members of the group it published: after its hostname changed, the group it is leaving.
    const published = route.metadata.labels?.[HOSTNAME_GROUP_LABEL];
    if (published !== undefined)
      rules.push({
        apiVersion: GATEWAY_API_VERSION,
        resource: `${adapter.kind.toLowerCase()}s`,
        labelSelector: { matchLabels: { [HOSTNAME_GROUP_LABEL]: published } },
      });
  }
  return rules;
}
