/**
 * The input constraints of the VPC Lattice API model (2022-11-30), written out by hand for the
 * shapes the emulator serves. Patterns are the model's anchored Smithy patterns; ranges and
 * lengths are the model's traits. `idleTimeoutSeconds` comes from the newer botocore model.
 */
import { bool, enumOf, int, list, map, required, str, struct, union, type Infer } from './validation';

const ARN_HEAD = 'arn:[a-z0-9\\-]+:vpc-lattice:[a-zA-Z0-9\\-]+:\\d{12}:';
const ID17 = '[0-9a-z]{17}';

/** The model's name rule: a-z, 0-9 and '-', no leading/trailing '-', no '--', and a reserved prefix. */
function resourceName(max: number, reservedPrefix?: string) {
  const reserved = reservedPrefix === undefined ? '' : `(?!${reservedPrefix}-)`;
  return str({ min: 3, max, pattern: `^${reserved}(?![-])(?!.*[-]$)(?!.*[-]{2})[a-z0-9-]+$` });
}

export const serviceNetworkName = resourceName(63);
export const serviceName = resourceName(40, 'svc');
export const listenerName = resourceName(63, 'listener');
export const ruleName = resourceName(63, 'rule');
export const targetGroupName = resourceName(128, 'tg');

export const serviceNetworkIdentifier = str({
  min: 3,
  max: 2048,
  pattern: `^((sn-${ID17})|(${ARN_HEAD}servicenetwork/sn-${ID17}))$`,
});
export const serviceIdentifier = str({ min: 17, max: 2048, pattern: `^((svc-${ID17})|(${ARN_HEAD}service/svc-${ID17}))$` });
export const listenerIdentifier = str({
  min: 20,
  max: 2048,
  pattern: `^((listener-${ID17})|(^${ARN_HEAD}service/svc-${ID17}/listener/listener-${ID17}$))$`,
});
export const ruleIdentifier = str({
  min: 20,
  max: 2048,
  pattern: `^((rule-${ID17})|(^${ARN_HEAD}service/svc-${ID17}/listener/listener-${ID17}/rule/rule-${ID17}$))$`,
});
export const targetGroupIdentifier = str({
  min: 17,
  max: 2048,
  pattern: `^((tg-${ID17})|(${ARN_HEAD}targetgroup/tg-${ID17}))$`,
});
export const serviceNetworkServiceAssociationIdentifier = str({
  min: 17,
  max: 2048,
  pattern: `^((snsa-${ID17})|(${ARN_HEAD}servicenetworkserviceassociation/snsa-${ID17}))$`,
});
export const serviceNetworkVpcAssociationIdentifier = str({
  min: 17,
  max: 2048,
  pattern: `^((snva-${ID17})|(${ARN_HEAD}servicenetworkvpcassociation/snva-${ID17}))$`,
});
export const accessLogSubscriptionIdentifier = str({
  min: 17,
  max: 2048,
  pattern: `^((als-${ID17})|(${ARN_HEAD}accesslogsubscription/als-${ID17}))$`,
});

const GENERIC_ARN_HEAD = 'arn(:[a-z0-9]+([.-][a-z0-9]+)*){2}(:([a-z0-9]+([.-][a-z0-9]+)*)?){2}:';

/** Auth policies and access logs: a service network, service or resource configuration, id or ARN. */
export const resourceIdentifier = str({
  min: 17,
  max: 200,
  pattern: `^((((sn)|(svc)|(rcfg))-${ID17})|(${GENERIC_ARN_HEAD}((servicenetwork/sn)|(resourceconfiguration/rcfg)|(service/svc))-${ID17}))$`,
});
/** Resource policies take an ARN only. */
export const resourceArn = str({
  min: 20,
  max: 200,
  pattern: `^${GENERIC_ARN_HEAD}((servicenetwork/sn)|(service/svc)|(resourceconfiguration/rcfg))-${ID17}$`,
});
/** Tagging operations: any Lattice ARN. */
export const taggableArn = str({
  max: 1224,
  pattern: '^arn:[a-z0-9][-.a-z0-9]{0,62}:vpc-lattice:([a-z0-9][-.a-z0-9]{0,62})?:\\d{12}?:[^/].{0,1023}$',
});

export const clientToken = str({ min: 1, max: 64, pattern: '[!-~]+' });
const tagKey = str({ min: 1, max: 128 });
export const tags = map(tagKey, str({ min: 0, max: 256 }), { max: 200 });
export const tagKeys = list(tagKey, { max: 200 });
export const maxResults = int({ min: 1, max: 100 });
export const nextToken = str({ min: 1, max: 2048 });
export const port = int({ min: 1, max: 65535 });
export const vpcId = str({ min: 5, max: 50, pattern: '^vpc-(([0-9a-z]{8})|([0-9a-z]{17}))$' });
export const securityGroupId = str({ min: 5, max: 200, pattern: '^sg-(([0-9a-z]{8})|([0-9a-z]{17}))$' });

const AUTH_TYPES = ['NONE', 'AWS_IAM'] as const;
export const authType = enumOf(AUTH_TYPES);

export const customDomainName = str({ min: 3, max: 255 });
export const certificateArn = str({
  max: 2048,
  pattern: '^(arn(:[a-z0-9]+([.-][a-z0-9]+)*){2}(:([a-z0-9]+([.-][a-z0-9]+)*)?){2}:certificate/[0-9a-z-]+)?$',
});
export const idleTimeoutSeconds = int({ min: 60, max: 600 });

export const LISTENER_PROTOCOLS = ['HTTP', 'HTTPS', 'TLS_PASSTHROUGH'] as const;
export type ListenerProtocol = (typeof LISTENER_PROTOCOLS)[number];

export const ruleAction = union({
  forward: struct({
    targetGroups: required(
      list(struct({ targetGroupIdentifier: required(targetGroupIdentifier), weight: int({ min: 0, max: 999 }) }), {
        min: 1,
        max: 10,
      }),
    ),
  }),
  fixedResponse: struct({ statusCode: required(int({ min: 100, max: 599 })) }),
});
export type RuleActionInput = Infer<typeof ruleAction>;

const matchPath = str({ min: 1, max: 200, pattern: '^/[a-zA-Z0-9@:%_+.~#?&/=-]*$' });
const headerValue = str({ min: 1, max: 200 });

export const ruleMatch = union({
  httpMatch: struct({
    method: str({ max: 16 }),
    pathMatch: struct({
      match: required(union({ exact: matchPath, prefix: matchPath })),
      caseSensitive: bool(),
    }),
    headerMatches: list(
      struct({
        name: required(str({ min: 1, max: 100 })),
        match: required(union({ exact: headerValue, prefix: headerValue, contains: headerValue })),
        caseSensitive: bool(),
      }),
      { min: 1, max: 5 },
    ),
  }),
});
export type RuleMatchInput = Infer<typeof ruleMatch>;

export const rulePriority = int({ min: 1, max: 2000 });

export const TARGET_GROUP_TYPES = ['IP', 'LAMBDA', 'INSTANCE', 'ALB'] as const;
const TARGET_GROUP_PROTOCOLS = ['HTTP', 'HTTPS', 'TCP'] as const;

export const healthCheck = struct({
  enabled: bool(),
  protocol: enumOf(TARGET_GROUP_PROTOCOLS),
  protocolVersion: enumOf(['HTTP1', 'HTTP2']),
  port: int({ min: 0, max: 65535 }),
  path: str({ min: 0, max: 2048, pattern: '(^/[a-zA-Z0-9@:%_+.~#?&/=-]*$|(^$))' }),
  healthCheckIntervalSeconds: int({ min: 0, max: 300 }),
  healthCheckTimeoutSeconds: int({ min: 0, max: 120 }),
  healthyThresholdCount: int({ min: 0, max: 10 }),
  unhealthyThresholdCount: int({ min: 0, max: 10 }),
  matcher: union({ httpCode: str({ min: 0, max: 2000, pattern: '(^[0-9-,]+$|(^$))' }) }),
});
export type HealthCheckInput = Infer<typeof healthCheck>;

export const targetGroupConfig = struct({
  port,
  protocol: enumOf(TARGET_GROUP_PROTOCOLS),
  protocolVersion: enumOf(['HTTP1', 'HTTP2', 'GRPC']),
  ipAddressType: enumOf(['IPV4', 'IPV6']),
  vpcIdentifier: vpcId,
  healthCheck,
  lambdaEventStructureVersion: enumOf(['V1', 'V2']),
});
export type TargetGroupConfigInput = Infer<typeof targetGroupConfig>;

export const target = struct({ id: required(str({ min: 1, max: 200 })), port });
export type TargetInput = Infer<typeof target>;

export const dnsOptions = struct({
  privateDnsPreference: enumOf([
    'VERIFIED_DOMAINS_ONLY',
    'ALL_DOMAINS',
    'VERIFIED_DOMAINS_AND_SPECIFIED_DOMAINS',
    'SPECIFIED_DOMAINS_ONLY',
  ]),
  privateDnsSpecifiedDomains: list(str({ min: 1, max: 255 }), { min: 1, max: 10 }),
});

export const accessLogDestinationArn = str({ min: 20, max: 2048, pattern: `^${GENERIC_ARN_HEAD}([^/].*)?$` });
export const serviceNetworkLogType = enumOf(['SERVICE', 'RESOURCE']);

/** Members every paginated List operation takes from the query string. */
export const paging = { maxResults, nextToken } as const;
