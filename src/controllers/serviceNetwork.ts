import { GATEWAY_API_VERSION, GATEWAY_GROUP, type Gateway } from '../gatewayapi/types';
import { MANAGED_LABEL, MANAGED_LABEL_VALUE, OUR_API_VERSION } from '../gatewayapi/ourKeys';
import { condition, mergeConditions, type DesiredCondition } from '../metacontroller/conditions';
import { ObjectIndex } from '../metacontroller/objectIndex';
import { generationOf } from '../metacontroller/objects';
import { copyStatus } from '../metacontroller/response';
import type { CompositeHookRequest, CompositeHookResponse, KubeObject } from '../metacontroller/types';
import type { LatticeApi } from '../lattice/api';
import { awsErrorMessage, isConflict, isNotFound, isUserActionable, orUndefinedIfNotFound } from '../lattice/awsErrors';
import { createFresh, isAlive } from '../lattice/freshCreate';
import { findServiceNetworkByName } from '../lattice/serviceNetworks';
import { ownershipOf, parseTagsAnnotation, TAG, TAGS_ANNOTATION, tagChanges } from '../model/tags';
import { driftView, driftWindowSeconds, earliest, fingerprintOf, nextRecord, skipDecision, verifiedAnswer } from './driftCheck';
import type { CompositeHandlers, CompositeWiring, HookContext, HookController } from './types';

export const serviceNetworkWiring: CompositeWiring = {
  kind: 'CompositeController',
  name: 'servicenetwork',
  description: 'Creates, adopts and deletes VPC Lattice service networks for ServiceNetwork objects.',
  parentResource: { apiVersion: OUR_API_VERSION, resource: 'servicenetworks' },
  hooks: { customize: true, finalize: true },
};

const OWNED = ['Accepted', 'Programmed'] as const;
const RETRY_SECONDS = 30;
/** Service network names: 3–63 of a-z, 0-9 and '-', no leading, trailing or double '-'. */
const NETWORK_NAME = /^(?!-)(?!.*-$)(?!.*--)[a-z0-9-]{3,63}$/;

interface Outcome {
  conditions: DesiredCondition[];
  network?: { arn: string; id: string };
  resyncAfterSeconds?: number;
  finalized?: boolean;
}

/** The drift check's record, kept in the status (a composite controller cannot annotate its parent). */
function recordedVerification(parent: KubeObject): string | undefined {
  const value = copyStatus(parent.status).latticeVerified;
  return typeof value === 'string' ? value : undefined;
}

/** The network's Lattice work depends on the object (name, tags annotation) and the network it resolved to. */
function networkFingerprint(parent: KubeObject, networkId: unknown): string {
  return fingerprintOf({ network: driftView(parent), id: typeof networkId === 'string' ? networkId : null });
}

function response(
  request: CompositeHookRequest,
  ctx: HookContext,
  outcome: Outcome,
  verification: string | null = null,
): CompositeHookResponse {
  const parent = request.parent;
  const current = copyStatus(parent.status);
  const status: Record<string, unknown> = {
    conditions: mergeConditions(current.conditions as unknown[] | undefined, outcome.conditions, {
      generation: generationOf(parent),
      now: ctx.now().toISOString(),
      ownedTypes: OWNED,
    }),
  };
  const network =
    outcome.network ??
    (typeof current.serviceNetworkID === 'string' ? { id: current.serviceNetworkID, arn: current.serviceNetworkARN as string } : undefined);
  if (network) {
    status.serviceNetworkARN = network.arn;
    status.serviceNetworkID = network.id;
  }
  if (verification !== null) status.latticeVerified = verification;
  return {
    status,
    children: [],
    ...(outcome.resyncAfterSeconds ? { resyncAfterSeconds: outcome.resyncAfterSeconds } : {}),
    ...(outcome.finalized ? { finalized: true } : {}),
  };
}

async function ensureNetwork(api: LatticeApi, ctx: HookContext, request: CompositeHookRequest): Promise<Outcome> {
  const parent = request.parent;
  const name = parent.metadata.name;
  const { identity } = ctx.aws;
  if (!NETWORK_NAME.test(name)) {
    return {
      conditions: [
        condition(
          'Accepted',
          'False',
          'Invalid',
          `"${name}" is not a valid service network name (3-63 of a-z, 0-9 and '-', no leading, trailing or double '-')`,
        ),
        condition('Programmed', 'False', 'Invalid', 'Not accepted'),
      ],
    };
  }
  const desiredTags = { ...parseTagsAnnotation(parent.metadata.annotations?.[TAGS_ANNOTATION]), [TAG.managedBy]: identity.managedBy };
  const knownId = (parent.status as { serviceNetworkID?: string } | undefined)?.serviceNetworkID;
  let network: { name?: string; arn?: string; id?: string } | undefined = knownId
    ? await orUndefinedIfNotFound(api.getServiceNetwork(knownId))
    : undefined;
  if (network && network.name !== name) network = undefined;
  network ??= await findServiceNetworkByName(api, name);

  let tags: Record<string, string> = {};
  let recreated = '';
  if (!network) {
    try {
      const created = await createFresh(
        `${identity.managedBy}/${parent.metadata.uid ?? name}`,
        { name, tags: desiredTags },
        (input) => api.createServiceNetwork(input),
        (c) => isAlive(api.getServiceNetwork(c.arn ?? '')),
      );
      if (knownId) recreated = ` (the recorded network ${knownId} no longer existed, deleted outside the controller: created again)`;
      ctx.log.info({ serviceNetwork: created.arn }, 'service network created');
      network = created;
      tags = desiredTags;
    } catch (error) {
      if (!isConflict(error)) throw error;
      // Created meanwhile by someone else: look again and judge it by its tags.
      network = await findServiceNetworkByName(api, name);
      if (!network) throw error;
    }
  }
  if (!network.arn || !network.id) throw new Error(`service network ${name} has no ARN`);
  if (tags !== desiredTags) tags = await api.listTags(network.arn);

  const ownership = ownershipOf(tags, identity.managedBy);
  if (ownership === 'foreign') {
    return {
      conditions: [
        condition(
          'Accepted',
          'False',
          'Conflicted',
          `service network ${network.arn} is managed by ${tags[TAG.managedBy]}; it is left untouched`,
        ),
        condition('Programmed', 'False', 'Invalid', 'The service network belongs to another owner'),
      ],
    };
  }
  const changes = tagChanges(tags, desiredTags);
  if (Object.keys(changes).length > 0) {
    await api.tagResource(network.arn, changes);
    if (ownership === 'unowned') ctx.log.info({ serviceNetwork: network.arn }, 'untagged service network adopted');
  }
  return {
    conditions: [
      condition('Accepted', 'True', 'Accepted'),
      condition('Programmed', 'True', 'Programmed', `aws-service-network-arn: ${network.arn}${recreated}`),
    ],
    network: { arn: network.arn, id: network.id },
  };
}

async function deleteNetwork(api: LatticeApi, ctx: HookContext, request: CompositeHookRequest): Promise<Outcome> {
  const parent = request.parent;
  const id = (parent.status as { serviceNetworkID?: string } | undefined)?.serviceNetworkID;
  const accepted = condition('Accepted', 'True', 'Accepted', 'Deleting');
  if (!id) return { conditions: [accepted], finalized: true };
  const network = await orUndefinedIfNotFound(api.getServiceNetwork(id));
  if (!network?.arn) return { conditions: [accepted], finalized: true };
  const tags = await api.tagsIfPresent(network.arn);
  if (tags === undefined) return { conditions: [accepted], finalized: true };
  if (ownershipOf(tags, ctx.aws.identity.managedBy) !== 'ours') {
    ctx.log.info({ serviceNetwork: network.arn }, 'service network is not ours: released, not deleted');
    return { conditions: [accepted], finalized: true };
  }
  const blocked = (message: string): Outcome => ({
    conditions: [accepted, condition('Programmed', 'False', 'DeleteBlocked', message)],
    resyncAfterSeconds: RETRY_SECONDS,
  });
  const index = ObjectIndex.fromCompositeRequest(request);
  const gateways = index
    .list<Gateway>(GATEWAY_GROUP, 'Gateway')
    .filter(
      (g) =>
        g.metadata.name === parent.metadata.name &&
        g.metadata.labels?.[MANAGED_LABEL] === MANAGED_LABEL_VALUE &&
        !g.metadata.deletionTimestamp,
    );
  if (gateways.length > 0) {
    return blocked(`Not deleted while Gateway ${gateways.map((g) => `${g.metadata.namespace}/${g.metadata.name}`).join(', ')} uses it`);
  }
  const vpcs = network.numberOfAssociatedVPCs ?? 0;
  const services = network.numberOfAssociatedServices ?? 0;
  if (vpcs + services > 0) return blocked(`Not deleted while ${vpcs} VPC and ${services} service associations remain`);
  try {
    await api.deleteServiceNetwork(network.arn);
  } catch (error) {
    if (isConflict(error)) return blocked(`Not deleted yet: ${awsErrorMessage(error)}`);
    if (!isNotFound(error)) throw error;
  }
  ctx.log.info({ serviceNetwork: network.arn }, 'service network deleted');
  return { conditions: [accepted], finalized: true };
}

/** A user-actionable AWS refusal (quota, permissions, validation) becomes a condition and a retry. */
async function reportingErrors(work: () => Promise<Outcome>, reason: string): Promise<Outcome> {
  try {
    return await work();
  } catch (error) {
    if (!isUserActionable(error)) throw error;
    return {
      conditions: [condition('Accepted', 'True', 'Accepted'), condition('Programmed', 'False', reason, awsErrorMessage(error))],
      resyncAfterSeconds: RETRY_SECONDS,
    };
  }
}

export function createServiceNetworkController(): HookController {
  const handlers: CompositeHandlers = {
    customize(request) {
      // Gateways named like the network keep it from being deleted.
      return {
        relatedResources: [{ apiVersion: GATEWAY_API_VERSION, resource: 'gateways', names: [request.parent.metadata.name] }],
      };
    },
    async sync(request, ctx) {
      const parent = request.parent;
      const recorded = recordedVerification(parent);
      const nowMs = ctx.now().getTime();
      const drift = ctx.config.driftCheckSeconds;
      const fingerprint = networkFingerprint(parent, copyStatus(parent.status).serviceNetworkID);
      const decision = skipDecision(parent, fingerprint, nowMs, drift, { recorded, busy: ctx.budgetBusy });
      if (decision.skip) {
        ctx.metrics?.syncFromRecord(parent.kind, verifiedAnswer(decision));
        return { status: copyStatus(parent.status), children: [], resyncAfterSeconds: decision.resyncAfterSeconds };
      }
      const outcome = await reportingErrors(() => ensureNetwork(ctx.aws.api, ctx, request), 'ReconcileError');
      const verified = outcome.network !== undefined && outcome.resyncAfterSeconds === undefined;
      const verification = nextRecord(
        parent,
        verified ? networkFingerprint(parent, outcome.network?.id) : undefined,
        nowMs,
        drift,
        recorded,
      );
      const answer = response(request, ctx, outcome, verification);
      return verified && drift > 0
        ? { ...answer, resyncAfterSeconds: earliest(answer.resyncAfterSeconds, driftWindowSeconds(parent, drift)) }
        : answer;
    },
    async finalize(request, ctx) {
      const outcome = await reportingErrors(() => deleteNetwork(ctx.aws.api, ctx, request), 'DeleteError');
      return response(request, ctx, outcome);
    },
  };
  return { wiring: serviceNetworkWiring, handlers };
}
