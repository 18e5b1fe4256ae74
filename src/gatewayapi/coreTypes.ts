import type { KubeObject } from '../metacontroller/types';

/** Typed views of the core Kubernetes objects routes point at. */

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  appProtocol?: string;
}

export interface Service extends KubeObject {
  spec?: {
    type?: string;
    ports?: ServicePort[];
    ipFamilies?: ('IPv4' | 'IPv6')[];
    externalName?: string;
    clusterIP?: string;
  };
}

export interface EndpointSlice extends KubeObject {
  addressType?: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints?: { addresses?: string[]; conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean } }[];
  ports?: { name?: string; port?: number; protocol?: string; appProtocol?: string }[];
}

/** EndpointSlices name their Service with this label. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
