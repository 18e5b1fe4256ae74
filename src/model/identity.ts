/** The identity every ownership decision rests on. */
export interface AwsIdentity {
  accountId: string;
  clusterName: string;
  vpcId: string;
  /** `application-networking.k8s.aws/ManagedBy` value: `<account>/<cluster>/<vpc>` (Go controller compatible). */
  managedBy: string;
}
