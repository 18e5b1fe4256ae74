/**
 * The API discovery the fake cluster needs: which resource (plural) a kind is, whether it is
 * namespaced and whether status is a subresource (then generation ignores status writes).
 */
export interface ResourceType {
  group: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  statusSubresource: boolean;
  /** Whether spec changes bump metadata.generation (true for CRDs and most built-ins with a spec). */
  hasGeneration: boolean;
}

const GW = 'gateway.networking.k8s.io';
const OURS = 'application-networking.k8s.aws';

export const BUILTIN_RESOURCE_TYPES: ResourceType[] = [
  { group: '', kind: 'Namespace', plural: 'namespaces', namespaced: false, statusSubresource: true, hasGeneration: false },
  { group: '', kind: 'Service', plural: 'services', namespaced: true, statusSubresource: true, hasGeneration: false },
  { group: '', kind: 'Secret', plural: 'secrets', namespaced: true, statusSubresource: false, hasGeneration: false },
  { group: '', kind: 'ConfigMap', plural: 'configmaps', namespaced: true, statusSubresource: false, hasGeneration: false },
  { group: 'discovery.k8s.io', kind: 'EndpointSlice', plural: 'endpointslices', namespaced: true, statusSubresource: false, hasGeneration: false },
  { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', namespaced: false, statusSubresource: true, hasGeneration: true },
  { group: GW, kind: 'GatewayClass', plural: 'gatewayclasses', namespaced: false, statusSubresource: true, hasGeneration: true },
  { group: GW, kind: 'Gateway', plural: 'gateways', namespaced: true, statusSubresource: true, hasGeneration: true },
  { group: GW, kind: 'HTTPRoute', plural: 'httproutes', namespaced: true, statusSubresource: true, hasGeneration: true },
  { group: GW, kind: 'GRPCRoute', plural: 'grpcroutes', namespaced: true, statusSubresource: true, hasGeneration: true },
  { group: GW, kind: 'TLSRoute', plural: 'tlsroutes', namespaced: true, statusSubresource: true, hasGeneration: true },
  { group: GW, kind: 'ReferenceGrant', plural: 'referencegrants', namespaced: true, statusSubresource: false, hasGeneration: true },
  { group: OURS, kind: 'ServiceNetwork', plural: 'servicenetworks', namespaced: false, statusSubresource: true, hasGeneration: true },
  { group: OURS, kind: 'VpcAssociationPolicy', plural: 'vpcassociationpolicies', namespaced: true, statusSubresource: true, hasGeneration: true },
  { group: OURS, kind: 'TargetGroupPolicy', plural: 'targetgrouppolicies', namespaced: true, statusSubresource: true, hasGeneration: true },
  { group: OURS, kind: 'IAMAuthPolicy', plural: 'iamauthpolicies', namespaced: true, statusSubresource: true, hasGeneration: true },
  { group: OURS, kind: 'AccessLogPolicy', plural: 'accesslogpolicies', namespaced: true, statusSubresource: true, hasGeneration: true },
  { group: OURS, kind: 'ServiceExport', plural: 'serviceexports', namespaced: true, statusSubresource: true, hasGeneration: true },
  { group: OURS, kind: 'ServiceImport', plural: 'serviceimports', namespaced: true, statusSubresource: true, hasGeneration: true },
  { group: OURS, kind: 'LambdaTarget', plural: 'lambdatargets', namespaced: true, statusSubresource: true, hasGeneration: true },
  { group: 'externaldns.k8s.io', kind: 'DNSEndpoint', plural: 'dnsendpoints', namespaced: true, statusSubresource: true, hasGeneration: true },
];

export class ResourceTypes {
  readonly #byKind = new Map<string, ResourceType>();
  readonly #byPlural = new Map<string, ResourceType>();

  constructor(types: readonly ResourceType[] = BUILTIN_RESOURCE_TYPES) {
    for (const t of types) this.register(t);
  }

  register(type: ResourceType): void {
    this.#byKind.set(`${type.group}/${type.kind}`, type);
    this.#byPlural.set(`${type.group}/${type.plural}`, type);
  }

  byKind(group: string, kind: string): ResourceType {
    const type = this.#byKind.get(`${group}/${kind}`);
    if (!type) throw new Error(`fake cluster: unknown kind ${group || 'core'}/${kind}`);
    return type;
  }

  byResource(group: string, plural: string): ResourceType {
    const type = this.#byPlural.get(`${group}/${plural}`);
    if (!type) throw new Error(`fake cluster: unknown resource ${group || 'core'}/${plural}`);
    return type;
  }
}
