import type { Config } from '../config';
import { LatticeGwError } from '../errors';
import type { Logger } from '../log';
import type { ConvergingPasses } from '../controllers/convergingPasses';
import type { ControllerMetrics, HookAws, HookContext, ReplicaAccess } from '../controllers/types';
import { AcmApi } from '../lattice/acmApi';
import { LambdaApi } from '../lattice/lambdaApi';
import { LatticeApi } from '../lattice/api';
import type { ContentMemory, RuleContent } from '../lattice/contentMemory';
import type { CallSession } from '../lattice/callSession';
import type { ExpiringSet } from '../lattice/expiringSet';
import type { AwsClients } from '../lattice/clients';
import type { AwsIdentity } from '../model/identity';
import { PolicyApi } from '../lattice/policyApi';
import { TaggingApi, TaggingAvailability } from '../lattice/taggingApi';

/** The AWS clients and identity a server runs with. */
export interface AwsAccess {
  clients: AwsClients;
  identity: AwsIdentity;
}

export interface HookContextOptions {
  config: Config;
  log: Logger;
  now: () => Date;
  deadline: number;
  /** The AWS calls of this hook invocation. */
  session: CallSession;
  /** Absent on a server without AWS: hooks that do not touch `aws` still work. */
  aws: AwsAccess | undefined;
  metrics?: ControllerMetrics;
  converging?: ConvergingPasses;
  teardownFacts?: ExpiringSet;
  budgetBusy?: () => boolean;
  /** Process-wide; absent, each invocation judges the tagging API afresh. */
  taggingAvailability?: TaggingAvailability;
  /** Process-wide; absent, every rule is read (see ContentMemory). */
  rememberedRules?: ContentMemory<RuleContent>;
  replicas?: ReplicaAccess;
}

/**
 * The context of one hook invocation. Its AWS wrappers are built on first use and then shared,
 * so a hook that never needs AWS costs nothing and works on a server without AWS clients.
 */
export function createHookContext(options: HookContextOptions): HookContext {
  // The rest are the context's own fields, each present only when given.
  const { session, aws, taggingAvailability, rememberedRules, ...given } = options;
  const { config, log } = given;
  let hookAws: HookAws | undefined;
  return {
    ...given,
    get aws(): HookAws {
      if (!aws) throw new LatticeGwError('LGW_AWS_UNAVAILABLE', 'this server runs without AWS clients');
      hookAws ??= {
        api: new LatticeApi(aws.clients.lattice, session, rememberedRules),
        acm: new AcmApi(aws.clients.acm, session),
        lambda: new LambdaApi(aws.clients.lambda, session),
        policies: new PolicyApi(aws.clients.lattice, session),
        ...(config.taggingApi
          ? { tagging: new TaggingApi(aws.clients.tagging, session, taggingAvailability ?? new TaggingAvailability(), log) }
          : {}),
        identity: aws.identity,
      };
      return hookAws;
    },
  };
}
