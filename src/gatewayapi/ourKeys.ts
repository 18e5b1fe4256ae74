/** Label, annotation and tag keys of this project, compatible with the AWS Go controller's. */
export const KEY_PREFIX = 'application-networking.k8s.aws/';

/** Set by the classifier on Gateways and routes that belong to a Lattice-class Gateway. */
export const MANAGED_LABEL = `${KEY_PREFIX}managed`;
export const MANAGED_LABEL_VALUE = 'true';

export const OUR_API_GROUP = 'application-networking.k8s.aws';
export const OUR_API_VERSION = `${OUR_API_GROUP}/v1alpha1`;
