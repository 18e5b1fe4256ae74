/** The identity every ownership decision rests on. */
export interface AwsIdentity {
  accountId: string;
  clusterName: string;
  vpcId: string;
  /** The Region the hooks work in (Lambda functions must be in it); unknown in some tests. */
  region?: string;
  /** `application-networking.k8s.aws/ManagedBy` value: `<account>/<cluster>/<vpc>` (Go controller compatible). */
  managedBy: string;
}
