/** Label, annotation and tag keys of this project, compatible with the AWS Go controller's. */
export const KEY_PREFIX = 'application-networking.k8s.aws/';

/** Set by the classifier on Gateways and routes that belong to a Lattice-class Gateway. */
export const MANAGED_LABEL = `${KEY_PREFIX}managed`;
export const MANAGED_LABEL_VALUE = 'true';

export const OUR_API_GROUP = 'application-networking.k8s.aws';
export const OUR_API_VERSION = `${OUR_API_GROUP}/v1alpha1`;

/** The service network a Gateway resolved to, kept on the Gateway so later syncs need one Get, not a List. */
export const SERVICE_NETWORK_ARN_ANNOTATION = `${KEY_PREFIX}service-network-arn`;
/** The Lattice service of a route and its DNS name (Go controller compatible annotations). */
export const SERVICE_ARN_ANNOTATION = `${KEY_PREFIX}lattice-service-arn`;
export const ASSIGNED_DOMAIN_ANNOTATION = `${KEY_PREFIX}lattice-assigned-domain-name`;

/** Route parent condition saying whether VPC Lattice holds what the route describes. */
export const PROGRAMMED_CONDITION = `${KEY_PREFIX}Programmed`;

/** `<fingerprint> <unix seconds>`: what an object's Lattice work depended on when Lattice was last verified to hold it (drift check). */
export const VERIFIED_ANNOTATION = `${KEY_PREFIX}lattice-verified`;
/** Any value: the object's next sync observes Lattice in full (drift check), then removes the annotation. */
export const VERIFY_NOW_ANNOTATION = `${KEY_PREFIX}verify-now`;
/**
 * `<process id> <fingerprint> <unix seconds> [<address>]`: which hook server process (a random id
 * per process) made the object's last pass that wrote to Lattice, the object's fingerprint after
 * it, when, and where that process takes hook requests from the other replicas (REPLICA_ADDRESS).
 * A pass starts from its process's picture of Lattice only while the object names its process (see
 * lastPicture); another replica hands a converging object's sync with that fingerprint to it, or
 * leaves it to it (see passElsewhere).
 */
export const LAST_PASS_ANNOTATION = `${KEY_PREFIX}lattice-last-pass`;
