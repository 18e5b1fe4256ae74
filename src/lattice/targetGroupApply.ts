import type { TargetSummary } from '@aws-sdk/client-vpc-lattice';
import type { TargetGroupModel } from '../model/targetGroups';
import { ownershipOf, TAG } from '../model/tags';
import type { LatticeApi } from './api';
import type { LambdaApi } from './lambdaApi';
import { grantInvoke, revokeInvoke } from './lambdaPermissions';
import { awsErrorMessage, isConflict, isNotFound, LatticeRefusal, orUndefinedIfNotFound, Unobserved } from './awsErrors';
import { chunks, TARGETS_PER_CALL } from './batches';
import { checkedByUse, createFresh, UnreadAnswers } from './freshCreate';
import type { LatticeOwner } from './ownership';
import { PICTURED_WRITES, type TargetGroupPicture } from './passPicture';
import type { TargetGroupOp } from './targetGroupPlan';
import type { ObservedTargetGroup } from './targetGroupState';

/** What applying target-group operations left: also after a failure, so nothing created is forgotten. */
export interface TargetGroupApplyResult {
  /** Our target groups that exist after the apply (wanted, or retiring and not yet gone). */
  targetGroupArns: string[];
  waits: string[];
  /** The error that stopped the apply; the operations before it took effect. */
  error?: unknown;
}

/**
 * Applies target-group operations for one owner (a route, an export), keeping the ids it learns
 * (observed, created, adopted) so later operations — and the rules of a route — can name groups.
 */
export class TargetGroupApplier {
  readonly #api: LatticeApi;
  readonly #owner: LatticeOwner;
  /** By Lattice name. */
  readonly #known: Map<string, { id: string; arn: string }>;
  readonly #wanted: ReadonlySet<string>;
  readonly #own: ReadonlySet<string>;
  readonly #retained = new Set<string>();
  readonly #gone = new Set<string>();
  readonly #lambda: LambdaApi | undefined;
  readonly waits: string[] = [];
  /** The groups after the operations run so far, as far as they show (see passPicture); kept for routes only. */
  readonly #picture: TargetGroupPicture | undefined;
  /** Recorded groups this pass's observation did not find: a create answered with one of them is made again. */
  readonly #dead: ReadonlySet<string>;
  /** The groups created by this pass (and, for a route, its service), until a write built on them. */
  readonly unreadAnswers = new UnreadAnswers();

  /** `ownTargetGroupArns`: what the object recorded as its own; only those of the observed groups are kept on record. */
  /** `lambda`: needed by owners with LAMBDA groups (routes), to grant and revoke invoke permissions. */
  constructor(
    api: LatticeApi,
    owner: LatticeOwner,
    observed: readonly ObservedTargetGroup[],
    wanted: readonly TargetGroupModel[],
    ownTargetGroupArns: ReadonlySet<string>,
    lambda?: LambdaApi,
    picture?: TargetGroupPicture,
  ) {
    this.#api = api;
    this.#lambda = lambda;
    this.#owner = owner;
    this.#known = new Map(observed.map((g) => [g.name, { id: g.id, arn: g.arn }]));
    this.#wanted = new Set(wanted.map((g) => g.name));
    this.#own = new Set(observed.map((g) => g.arn).filter((arn) => ownTargetGroupArns.has(arn)));
    this.#dead = new Set([...ownTargetGroupArns].filter((arn) => !this.#own.has(arn)));
    this.#picture = picture;
  }

  /** Runs `ops` in order; stops at the first error and returns it with what was done before. */
  async apply(ops: readonly TargetGroupOp[]): Promise<TargetGroupApplyResult> {
    try {
      for (const op of ops) await this.run(op);
    } catch (error) {
      if (error instanceof Unobserved) return { targetGroupArns: this.targetGroupArns(), waits: [...this.waits, error.message] };
      return { targetGroupArns: this.targetGroupArns(), waits: this.waits, error };
    }
    return { targetGroupArns: this.targetGroupArns(), waits: this.waits };
  }

  /** Runs one operation; a group observed this pass and deleted since stops the pass (Unobserved), not the hook. */
  async run(op: TargetGroupOp): Promise<void> {
    if (!PICTURED_WRITES.has(op.kind)) this.#picture?.spoil();
    try {
      await this.#runOp(op);
    } catch (error) {
      this.#picture?.spoil();
      // Lattice takes targets only once the group is ACTIVE (a picture may have taken it as created: see refreshPicture).
      if (isConflict(error) && op.kind === 'registerTargets')
        throw new Unobserved(`target group ${op.targetGroupName} takes no targets yet (${awsErrorMessage(error)}); read again next pass`);
      if (!isNotFound(error) || op.kind === 'createTargetGroup') throw error;
      throw disappeared(op.targetGroupName);
    }
  }

  async #runOp(op: TargetGroupOp): Promise<void> {
    switch (op.kind) {
      case 'createTargetGroup':
        return this.#create(op.targetGroup);
      case 'updateHealthCheck':
        await this.#api.updateTargetGroup({ targetGroupIdentifier: this.idOf(op.targetGroupName), healthCheck: op.healthCheck });
        return;
      case 'addInvokePermission': {
        const group = this.#known.get(op.targetGroupName);
        if (!group) throw new Error(`target group ${op.targetGroupName} is unknown`);
        return grantInvoke(lambdaOf(this.#lambda), op.functionArn, group.id, group.arn);
      }
      case 'removeInvokePermission':
        return revokeInvoke(lambdaOf(this.#lambda), op.functionArn, this.idOf(op.targetGroupName));
      case 'registerTargets': {
        const result = await this.#api.registerTargets(this.idOf(op.targetGroupName), op.targets);
        if ((result.unsuccessful ?? []).length > 0) this.#picture?.spoil();
        else this.#picture?.registered(op.targetGroupName, op.targets);
        for (const failure of result.unsuccessful ?? [])
          this.waits.push(
            `target ${failure.id}${failure.port !== undefined ? `:${failure.port}` : ''} of ${op.targetGroupName} not registered: ${failure.failureMessage ?? failure.failureCode}`,
          );
        return;
      }
      case 'deregisterTargets':
        await this.#api.deregisterTargets(this.idOf(op.targetGroupName), op.targets);
        return;
      case 'retireTargetGroup':
        return this.#retire(op.targetGroupArn, op.targetGroupName);
      case 'tagTargetGroup':
        await this.#api.tagResource(op.targetGroupArn, op.tags);
        return;
      case 'untagTargetGroup':
        await this.#api.untagResource(op.targetGroupArn, op.tagKeys);
        return;
    }
  }

  /** The id of a group by its Lattice name, once observed or created. */
  idOf(name: string): string {
    const group = this.#known.get(name);
    if (!group) throw new Error(`target group ${name} is unknown`);
    return group.id;
  }

  /**
   * Ours after the operations run so far: wanted ones, and every earlier one not confirmed gone (it
   * may still be in use or draining).
   */
  targetGroupArns(): string[] {
    const arns = new Set([...this.#retained, ...this.#own]);
    for (const name of this.#wanted) {
      const group = this.#known.get(name);
      if (group) arns.add(group.arn);
    }
    for (const arn of this.#gone) arns.delete(arn);
    return [...arns].sort();
  }

  async #create(tg: TargetGroupModel): Promise<void> {
    const input = { name: tg.name, type: tg.type ?? 'IP', config: tg.config, tags: tg.tags };
    try {
      const created = await createFresh(
        this.#owner.tokenOwner,
        input,
        (i) => this.#api.createTargetGroup(i),
        checkedByUse(this.#dead, (c) => this.#api.getTargetGroup(c.arn ?? '')),
      );
      if (created.id && created.arn) {
        this.#known.set(tg.name, { id: created.id, arn: created.arn });
        const { arn } = created;
        this.unreadAnswers.add(arn, () => this.#api.getTargetGroup(arn));
        const status = created.status ?? 'ACTIVE';
        this.#picture?.created({ arn: created.arn, id: created.id, name: tg.name, status, type: input.type, config: tg.config });
      } else this.#picture?.spoil();
    } catch (error) {
      this.#picture?.spoil();
      if (!isConflict(error)) throw error;
      // The name exists (created under other parameters, or by a call whose response was lost
      // and whose clientToken has expired): adopt it if it is ours. Lambda groups have no VPC.
      const listed =
        tg.type === 'LAMBDA' ? await this.#api.listTargetGroups(undefined, 'LAMBDA') : await this.#api.listTargetGroups(this.#owner.vpcId);
      const found = listed.find((g) => g.name === tg.name);
      if (!found?.arn || !found.id) {
        await this.#refuseIfInAnotherVpc(tg, error);
        // Listed nowhere yet (a create answered moments ago, or a group deleted since): the next pass looks again.
        throw new Unobserved(
          `target group name ${tg.name} is taken by a group not listed yet (${awsErrorMessage(error)}); read again next pass`,
        );
      }
      const tags = await this.#api.tagsIfPresent(found.arn);
      if (tags === undefined) throw disappeared(tg.name);
      const ownership = ownershipOf(tags, this.#owner.managedBy);
      if (ownership !== 'ours') {
        const whose = ownership === 'foreign' ? `managed by ${tags[TAG.managedBy]}` : 'not managed by any controller';
        throw new LatticeRefusal('TargetGroupNameTaken', `target group name ${tg.name} is taken by ${found.id}, ${whose}`, error);
      }
      this.#known.set(tg.name, { id: found.id, arn: found.arn });
    }
  }

  /**
   * A name is unique in the account, not in a VPC. Our names hash the ManagedBy value, which names
   * the VPC, so a group of this name outside our VPC was made by hand (or copied): it would never
   * be listed in ours, and the route would wait for it forever. It cannot be adopted either: its
   * targets are addresses of another VPC, or it is a Lambda group.
   */
  async #refuseIfInAnotherVpc(tg: TargetGroupModel, conflict: unknown): Promise<void> {
    if (tg.type === 'LAMBDA') return;
    const elsewhere = (await this.#api.listTargetGroups()).find((g) => g.name === tg.name && g.vpcIdentifier !== this.#owner.vpcId);
    if (elsewhere === undefined) return;
    const where = elsewhere.vpcIdentifier ? `in VPC ${elsewhere.vpcIdentifier}` : `of type ${elsewhere.type ?? 'unknown'}, in no VPC`;
    throw new LatticeRefusal(
      'TargetGroupNameTaken',
      `target group name ${tg.name} is taken by ${elsewhere.id} ${where}, not in this cluster's VPC ${this.#owner.vpcId}: this controller did not make it; delete or rename that group`,
      conflict,
    );
  }

  /** Deregisters, waits for draining to end (across syncs), then deletes a target group of ours. */
  async #retire(arn: string, name: string): Promise<void> {
    const tags = await this.#api.tagsIfPresent(arn);
    if (tags === undefined) {
      this.#gone.add(arn);
      return;
    }
    if (!this.#owner.ownsTargetGroup(tags)) return;
    const outcome = await retireTargetGroup(this.#api, arn, this.#lambda);
    if (outcome.gone) this.#gone.add(arn);
    else {
      this.#retained.add(arn);
      this.waits.push(`target group ${name}: ${outcome.message}`);
    }
  }
}

/** A group observed or listed in this pass and deleted since: the next pass reads again. */
function disappeared(name: string): Unobserved {
  return new Unobserved(`target group ${name} disappeared during this pass; read again next pass`);
}

function lambdaOf(lambda: LambdaApi | undefined): LambdaApi {
  if (!lambda) throw new Error('LAMBDA target groups need the Lambda API');
  return lambda;
}

/** The targets not yet draining, as DeregisterTargets takes them. */
function registeredOf(targets: readonly TargetSummary[]): { id: string; port: number | undefined }[] {
  return targets.filter((t) => t.status !== 'DRAINING' && t.id).map((t) => ({ id: t.id as string, port: t.port }));
}

async function deregister(api: LatticeApi, arn: string, targets: readonly TargetSummary[]): Promise<void> {
  for (const part of chunks(registeredOf(targets), TARGETS_PER_CALL)) await api.deregisterTargets(arn, part);
}

/**
 * One step of removing a target group: deregister what is registered (for a function, after
 * removing our invoke statement from it: a crash in between finds the target still registered
 * and removes again), wait while targets drain, then delete, then wait until it is gone. `gone`
 * once Lattice no longer has it. With `drain: false`, for a group no traffic can reach any more
 * (its service deleted), registered targets are left to the deletion, which Lattice allows:
 * nothing in flight to let finish, and a list, a deregistration and a pass of waiting spared.
 */
export async function retireTargetGroup(
  api: LatticeApi,
  arn: string,
  lambda?: LambdaApi,
  { drain }: { drain: boolean } = { drain: true },
): Promise<{ gone: boolean; message: string }> {
  const group = await orUndefinedIfNotFound(api.getTargetGroup(arn));
  if (!group) return { gone: true, message: 'deleted' };
  if (group.status === 'DELETE_IN_PROGRESS') return { gone: false, message: 'being deleted' };
  const isLambda = group.type === 'LAMBDA';
  // A function's targets are listed either way: our invoke statements go before the group.
  const targets = group.status === 'ACTIVE' && (drain || isLambda) ? await api.listTargets(arn) : [];
  if (isLambda && group.id) for (const target of registeredOf(targets)) await revokeInvoke(lambdaOf(lambda), target.id, group.id);
  if (drain) {
    await deregister(api, arn, targets);
    if (targets.length > 0) return { gone: false, message: `${targets.length} targets draining` };
  }
  try {
    await api.deleteTargetGroup(arn);
  } catch (error) {
    if (isNotFound(error)) return { gone: true, message: 'deleted' };
    if (!isConflict(error)) throw error;
    // Refused with targets registered, which Lattice documents it does not do: drained as before, then deleted.
    if (!drain && group.status === 'ACTIVE') await deregister(api, arn, isLambda ? targets : await api.listTargets(arn));
    return { gone: false, message: `not deletable yet: ${awsErrorMessage(error)}` };
  }
  return { gone: false, message: 'being deleted' };
}
