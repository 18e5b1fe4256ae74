/**
 * Permissions the code never asks for by name, but that AWS checks on the caller when the code
 * calls certain VPC Lattice (or ACM) operations. Each one is included in the policy only when the code
 * calls one of the operations that need it (`neededBy`), and says where AWS documents it.
 * This is the only list of actions that is not derived from the code.
 */
export interface DependentPermission {
  action: string;
  /** The statement (Sid) it goes in; see DEPENDENT_STATEMENTS. */
  statement: DependentStatementId;
  /** Included when the code calls any of these. */
  neededBy: readonly string[];
  /** The AWS documentation that says the caller needs it. */
  source: string;
}

export type DependentStatementId =
  | 'Ec2DescribeForLattice'
  | 'VpcLatticeServiceLinkedRole'
  | 'AccessLogDelivery'
  | 'AccessLogsToCloudWatchLogs'
  | 'AccessLogsToS3'
  | 'AccessLogsToFirehose'
  | 'LogDeliveryServiceLinkedRole'
  | 'AcmTagOnImport';

export interface StatementScope {
  resource: string | string[];
  condition?: Record<string, Record<string, string>>;
}

const LATTICE_API_PERMISSIONS = 'https://docs.aws.amazon.com/vpc-lattice/latest/ug/additional-api-permissions.html';
const LATTICE_SERVICE_LINKED_ROLE = 'https://docs.aws.amazon.com/vpc-lattice/latest/ug/using-service-linked-roles.html';
const LATTICE_ACCESS_LOGS = 'https://docs.aws.amazon.com/vpc-lattice/latest/ug/monitoring-access-logs.html';
const LOGS_TO_CLOUDWATCH = 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-CWL.html';
const LOGS_TO_S3 = 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-S3.html';
const LOGS_TO_FIREHOSE = 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-Firehose.html';

const ACM_AUTHORIZATION = 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscertificatemanager.html';

const CREATES_LATTICE_RESOURCES = ['vpc-lattice:CreateServiceNetwork', 'vpc-lattice:CreateService', 'vpc-lattice:CreateTargetGroup'];
const ENABLES_ACCESS_LOGS = ['vpc-lattice:CreateAccessLogSubscription'];
const SETS_LOG_DESTINATION = ['vpc-lattice:CreateAccessLogSubscription', 'vpc-lattice:UpdateAccessLogSubscription'];

export const DEPENDENT_PERMISSIONS: readonly DependentPermission[] = [
  // Lattice validates the VPC, its subnets (IP targets) and the security groups it is given.
  {
    action: 'ec2:DescribeVpcs',
    statement: 'Ec2DescribeForLattice',
    neededBy: ['vpc-lattice:CreateTargetGroup', 'vpc-lattice:CreateServiceNetworkVpcAssociation', 'vpc-lattice:RegisterTargets'],
    source: LATTICE_API_PERMISSIONS,
  },
  {
    action: 'ec2:DescribeSubnets',
    statement: 'Ec2DescribeForLattice',
    neededBy: ['vpc-lattice:RegisterTargets'],
    source: LATTICE_API_PERMISSIONS,
  },
  {
    action: 'ec2:DescribeSecurityGroups',
    statement: 'Ec2DescribeForLattice',
    neededBy: ['vpc-lattice:CreateServiceNetworkVpcAssociation', 'vpc-lattice:UpdateServiceNetworkVpcAssociation'],
    source: LATTICE_API_PERMISSIONS,
  },
  // The first Lattice resource of an account makes Lattice create its service-linked role as the caller.
  {
    action: 'iam:CreateServiceLinkedRole',
    statement: 'VpcLatticeServiceLinkedRole',
    neededBy: CREATES_LATTICE_RESOURCES,
    source: LATTICE_SERVICE_LINKED_ROLE,
  },
  // Access log subscriptions are CloudWatch Logs "vended log" deliveries made as the caller.
  { action: 'logs:CreateLogDelivery', statement: 'AccessLogDelivery', neededBy: SETS_LOG_DESTINATION, source: LATTICE_ACCESS_LOGS },
  { action: 'logs:GetLogDelivery', statement: 'AccessLogDelivery', neededBy: ENABLES_ACCESS_LOGS, source: LATTICE_ACCESS_LOGS },
  {
    action: 'logs:UpdateLogDelivery',
    statement: 'AccessLogDelivery',
    neededBy: ['vpc-lattice:CreateAccessLogSubscription', 'vpc-lattice:UpdateAccessLogSubscription'],
    source: LATTICE_ACCESS_LOGS,
  },
  {
    action: 'logs:DeleteLogDelivery',
    statement: 'AccessLogDelivery',
    neededBy: ['vpc-lattice:CreateAccessLogSubscription', 'vpc-lattice:DeleteAccessLogSubscription'],
    source: LATTICE_ACCESS_LOGS,
  },
  { action: 'logs:ListLogDeliveries', statement: 'AccessLogDelivery', neededBy: ENABLES_ACCESS_LOGS, source: LATTICE_ACCESS_LOGS },
  // Per destination: AWS adds the log delivery service to the destination's policy (or role) on first use.
  { action: 'logs:PutResourcePolicy', statement: 'AccessLogsToCloudWatchLogs', neededBy: SETS_LOG_DESTINATION, source: LOGS_TO_CLOUDWATCH },
  {
    action: 'logs:DescribeResourcePolicies',
    statement: 'AccessLogsToCloudWatchLogs',
    neededBy: SETS_LOG_DESTINATION,
    source: LOGS_TO_CLOUDWATCH,
  },
  { action: 'logs:DescribeLogGroups', statement: 'AccessLogsToCloudWatchLogs', neededBy: SETS_LOG_DESTINATION, source: LOGS_TO_CLOUDWATCH },
  { action: 's3:GetBucketPolicy', statement: 'AccessLogsToS3', neededBy: SETS_LOG_DESTINATION, source: LOGS_TO_S3 },
  { action: 's3:PutBucketPolicy', statement: 'AccessLogsToS3', neededBy: SETS_LOG_DESTINATION, source: LOGS_TO_S3 },
  { action: 'firehose:TagDeliveryStream', statement: 'AccessLogsToFirehose', neededBy: SETS_LOG_DESTINATION, source: LOGS_TO_FIREHOSE },
  {
    action: 'iam:CreateServiceLinkedRole',
    statement: 'LogDeliveryServiceLinkedRole',
    neededBy: SETS_LOG_DESTINATION,
    source: LOGS_TO_FIREHOSE,
  },
  // ImportCertificate with Tags (our ownership tags) also authorizes the tagging as the caller.
  { action: 'acm:AddTagsToCertificate', statement: 'AcmTagOnImport', neededBy: ['acm:ImportCertificate'], source: ACM_AUTHORIZATION },
];

/**
 * Where each dependent statement applies. Service-linked roles are scoped to the one role and
 * service; EC2 Describe* and the log delivery actions have no resource-level permissions ("*");
 * destinations are scoped to their resource type (narrow them to your own buckets, streams and
 * log groups).
 */
export const DEPENDENT_STATEMENTS: Readonly<Record<DependentStatementId, StatementScope>> = {
  Ec2DescribeForLattice: { resource: '*' },
  VpcLatticeServiceLinkedRole: {
    resource: 'arn:aws:iam::*:role/aws-service-role/vpc-lattice.amazonaws.com/AWSServiceRoleForVpcLattice',
    condition: { StringEquals: { 'iam:AWSServiceName': 'vpc-lattice.amazonaws.com' } },
  },
  AccessLogDelivery: { resource: '*' },
  AccessLogsToCloudWatchLogs: { resource: 'arn:aws:logs:*:*:*' },
  AccessLogsToS3: { resource: 'arn:aws:s3:::*' },
  AccessLogsToFirehose: { resource: 'arn:aws:firehose:*:*:deliverystream/*' },
  AcmTagOnImport: { resource: 'arn:aws:acm:*:*:certificate/*' },
  LogDeliveryServiceLinkedRole: {
    resource: 'arn:aws:iam::*:role/aws-service-role/delivery.logs.amazonaws.com/AWSServiceRoleForLogDelivery',
    condition: { StringEquals: { 'iam:AWSServiceName': 'delivery.logs.amazonaws.com' } },
  },
};

/** The dependent permissions that apply when the code calls `called`. */
export function dependentPermissionsFor(called: ReadonlySet<string>): DependentPermission[] {
  return DEPENDENT_PERMISSIONS.filter((p) => p.neededBy.some((action) => called.has(action)));
}
