import { LAST_PASS_ANNOTATION } from '../gatewayapi/ourKeys';
import type { KubeObject, MetadataPatch } from '../metacontroller/types';
import { FIRST_PASSES_WITHIN_MS, type LatticePicture } from './convergingPasses';
import { metadataChanges, verifiedFingerprint, verifyNowAsked, type SkipDecision } from './driftCheck';
import { LatticeGwError } from '../errors';
import type { HookContext, ReplicaAnswer } from './types';

/**
 * How long, in rechecks (PENDING_RECHECK_MS), after a process marked an object another replica
 * leaves it converging to that process (a minute by default). A route converges over a few passes
 * seconds apart, each landing on either replica behind a Service; a route whose replica is gone
 * waits this long at most.
 */
const HAND_BACK_RECHECKS = 12;

/** A mark that says it is this far ahead of this replica's clock is not believed. */
const MARK_AHEAD_AT_MOST_MS = 60_000;

/**
 * The mark a writing pass leaves (LAST_PASS_ANNOTATION): `<process id> <fingerprint> <unix
 * seconds>`, and ` <address>` where the process knows its replicas (REPLICA_ADDRESS).
 */
interface PassMark {
  process: string;
  /** The object's fingerprint after the pass that put the process there. */
  fingerprint: string | undefined;
  /** When that pass answered (epoch ms). */
  atMs: number | undefined;
  /** Where the process takes hook requests from the other replicas. */
  address: string | undefined;
}

function markOf(object: KubeObject): PassMark | undefined {
  const value = object.metadata.annotations?.[LAST_PASS_ANNOTATION];
  if (!value) return undefined;
  const [process = '', fingerprint, at, address] = value.split(' ');
  const seconds = Number(at);
  return { process, fingerprint, atMs: at !== undefined && Number.isSafeInteger(seconds) ? seconds * 1000 : undefined, address };
}

/**
 * The mark of another process's pass that left `object` converging with these inputs: when the
 * inputs are those of that pass (same fingerprint), and neither a verify-now nor a verification
 * with these inputs (a drift check) asks for a full look.
 */
function otherProcessesMark(
  ctx: HookContext,
  object: KubeObject,
  fingerprint: string | undefined,
): (PassMark & { atMs: number }) | undefined {
  const mark = markOf(object);
  if (fingerprint === undefined || mark?.atMs === undefined || mark.fingerprint !== fingerprint) return undefined;
  if (mark.process === ctx.converging?.id || verifyNowAsked(object) || verifiedFingerprint(object) === fingerprint) return undefined;
  return { ...mark, atMs: mark.atMs };
}

/**
 * Where a sync without a picture of its own goes, when another replica's pass left the object
 * converging with these inputs. `answered`: handed to that replica (REPLICA_PEERS), which holds
 * the pass's picture of Lattice (see passPicture) and goes on from it with a few reads, where this
 * replica would observe everything (about 10 reads); in a fleet waiting on the account's API rate
 * a route's passes come minutes apart, and the replica is asked for as long as a picture is kept
 * (an hour at most). `handedBack`: that replica is not known (see handBack). Neither: this
 * replica makes the pass.
 */
export async function passElsewhere(
  ctx: HookContext,
  object: KubeObject,
  fingerprint: string | undefined,
): Promise<{ answered?: object; handedBack?: Extract<SkipDecision, { skip: true }> }> {
  const asked = await askMarkedReplica(ctx, object, fingerprint);
  if (typeof asked === 'object') {
    ctx.metrics?.syncFromRecord(object.kind, 'forwarded');
    return { answered: asked.answer };
  }
  if (asked === 'gone') return {};
  const decision = handBack(ctx, object, fingerprint);
  return decision.skip ? { handedBack: decision } : {};
}

async function askMarkedReplica(
  ctx: HookContext,
  object: KubeObject,
  fingerprint: string | undefined,
): Promise<ReplicaAnswer | 'not asked'> {
  const replicas = ctx.replicas;
  if (replicas === undefined || replicas.handedOver || ctx.converging === undefined) return 'not asked';
  const mark = otherProcessesMark(ctx, object, fingerprint);
  if (mark?.address === undefined) return 'not asked';
  // Marked by an earlier process at this address: restarted, its picture is gone.
  if (mark.address === replicas.address) return 'gone';
  const ageMs = ctx.now().getTime() - mark.atMs;
  if (ageMs < -MARK_AHEAD_AT_MOST_MS || ageMs > FIRST_PASSES_WITHIN_MS) return 'not asked';
  const about = `${object.metadata.uid ?? ''}/${object.metadata.namespace ?? ''}/${object.metadata.name} ${mark.process} ${mark.atMs}`;
  return replicas.forward(mark.address, about);
}

/**
 * A sync another replica handed over, which this replica has no picture for (restarted, its
 * picture pruned or past trust, or the route settled since): declined, so that the sender makes
 * the pass (it would cost the same here, and the sender's own budget pays for it).
 */
export function declineWithoutPicture(ctx: HookContext): void {
  if (ctx.replicas?.handedOver)
    throw new LatticeGwError('LGW_REPLICA_NO_PICTURE', 'handed over by another replica, but this one has no picture of the last pass');
}

/**
 * The last pass's picture of Lattice (see passPicture), for a sync after that pass's hold with the
 * same fingerprint: the pass then re-reads only what was in transition. None on verify-now, and
 * none once the object says another process made a pass since (a replica's pass, from inputs that
 * may have changed and changed back, can have changed Lattice: see lastPassMark).
 */
export function lastPicture(ctx: HookContext, object: KubeObject, fingerprint: string | undefined): LatticePicture | undefined {
  const converging = ctx.converging;
  const pass = converging?.pictured(object, ctx.now().getTime());
  if (!pass || pass.fingerprint !== fingerprint || verifyNowAsked(object)) return undefined;
  return markOf(object)?.process === converging?.id ? pass.picture : undefined;
}

/**
 * The annotation a pass that wrote to Lattice leaves: which process made it, the fingerprint the
 * next sync sees (`nextFingerprint`, asked for only when the mark is written: it builds the model
 * again) and when. A pass of another process that wrote since a picture was taken takes it over;
 * the picture's process then observes in full. A pass that only read changed nothing a picture
 * holds, and leaves the mark as it is, and so does a later pass of the same process (a write of the
 * object would bring another sync, on any replica). None where passes keep no picture
 * (PENDING_RECHECK_MS=0).
 */
export function lastPassMark(ctx: HookContext, object: KubeObject, nextFingerprint: () => string): MetadataPatch {
  const id = ctx.converging?.id;
  if (id === undefined || markOf(object)?.process === id) return {};
  const seconds = Math.floor(ctx.now().getTime() / 1000);
  const address = ctx.replicas ? ` ${ctx.replicas.address}` : '';
  return metadataChanges(object, { [LAST_PASS_ANNOTATION]: `${id} ${nextFingerprint()} ${seconds}${address}` });
}

/**
 * Whether this process leaves a sync of an object still converging to the process whose pass
 * wrote last, which holds the picture to go on from: that process marked the object within the
 * last 12 × PENDING_RECHECK_MS, the object's inputs are those of its pass (same fingerprint), and
 * this process has no picture of its own. Replicas behind a Service get a route's passes in turn;
 * without this, every pass that lands on the other replica observes Lattice in full (about 10
 * reads). It answers nothing and asks to be synced again soon; once the window is over it makes the
 * full pass itself, so a replica gone or restarted holds its routes up a minute at most. Never for
 * a changed input, a verify-now, or an object verified with these inputs (a drift check). Only
 * where the marked replica cannot be asked (see passElsewhere): replicas that know each other
 * hand the sync to it instead.
 */
export function handBack(ctx: HookContext, object: KubeObject, fingerprint: string | undefined): SkipDecision {
  const converging = ctx.converging;
  const mark = converging === undefined ? undefined : otherProcessesMark(ctx, object, fingerprint);
  if (converging === undefined || mark === undefined) return { skip: false };
  const windowMs = HAND_BACK_RECHECKS * converging.recheckMs;
  const leftMs = mark.atMs + windowMs - ctx.now().getTime();
  // A mark from further ahead than another replica's clock can be is not waited for.
  if (leftMs <= 0 || leftMs > 2 * windowMs) return { skip: false };
  ctx.metrics?.syncFromRecord(object.kind, 'handed-back');
  // Asked back well before the window ends: the next sync may land on the marked process.
  return { skip: true, resyncAfterSeconds: Math.min(leftMs, converging.recheckMs / 5) / 1000 };
}
