import { createHash } from 'node:crypto';
import { LAST_PASS_ANNOTATION, MANAGED_LABEL, VERIFIED_ANNOTATION, VERIFY_NOW_ANNOTATION } from '../gatewayapi/ourKeys';
import type { DecoratorHookResponse, KubeObject, MetadataPatch } from '../metacontroller/types';
import { canonicalJson } from '../model/canonicalJson';
import type { ConvergingPasses, LatticePicture } from './convergingPasses';
import type { HookContext, RecordAnswer } from './types';

/**
 * When a sync may skip Lattice. Metacontroller re-syncs an object whenever any related object
 * changes (a Gateway's status re-syncs all its routes), and most of those syncs change nothing the
 * object asks of Lattice. An object that converged records a fingerprint of what its Lattice work
 * depends on and when Lattice was last verified to hold it; a later sync with the same
 * fingerprint, within the object's drift window, answers from that record without an AWS call.
 *
 * Drift made out of band is still repaired: each object verifies at least every
 * DRIFT_CHECK_SECONDS, at a per-object offset so that a fleet converged together does not verify
 * together, and `verify-now` forces a full check at once. A verification that comes due while the
 * AWS call budget is busy waits for a quieter moment, up to one more window (see deferred).
 *
 * An object still converging (waiting on Lattice, or refused) asks to be synced again shortly; the
 * syncs Metacontroller sends it meanwhile for other reasons (a Gateway's status changing while a
 * fleet attaches) answer from its last full pass (kept in memory, see ConvergingPasses) when nothing
 * it depends on changed, for at most PENDING_RECHECK_MS and never past the resync that pass asked
 * for. What it waits for is in Lattice, which it would not look at again sooner anyway.
 */

/** The object asks for a full check now (the `verify-now` annotation): nothing remembered stands in for a read. */
export function verifyNowAsked(object: KubeObject): boolean {
  return object.metadata.annotations?.[VERIFY_NOW_ANNOTATION] !== undefined;
}

/** Stable digest of everything a sync's Lattice work depends on. */
export function fingerprintOf(inputs: unknown): string {
  return createHash('sha256').update(canonicalJson(inputs)).digest('hex').slice(0, 32);
}

/**
 * The part of an object a controller's Lattice work may depend on: identity, generation, spec and
 * annotations (without the drift record itself) and our classification label. Status, other labels
 * and bookkeeping fields (resourceVersion, managedFields) are left out: they change without
 * changing anything in Lattice.
 */
export function driftView(object: KubeObject | undefined): unknown {
  if (object === undefined) return null;
  const {
    [VERIFIED_ANNOTATION]: _verified,
    [VERIFY_NOW_ANNOTATION]: _now,
    [LAST_PASS_ANNOTATION]: _lastPass,
    ...annotations
  } = object.metadata.annotations ?? {};
  const { metadata, status: _status, ...body } = object;
  return {
    ...body,
    metadata: {
      namespace: metadata.namespace ?? null,
      name: metadata.name,
      uid: metadata.uid ?? null,
      generation: metadata.generation ?? null,
      deleting: metadata.deletionTimestamp !== undefined,
      managed: metadata.labels?.[MANAGED_LABEL] ?? null,
      annotations,
    },
  };
}

/** Where the record lives: an annotation of decorated objects (a composite parent keeps it in its status). */
function recordedOn(object: KubeObject): string | undefined {
  return object.metadata.annotations?.[VERIFIED_ANNOTATION];
}

/** The fingerprint an object was last verified with, however long ago. */
export function verifiedFingerprint(object: KubeObject): string | undefined {
  return parseRecord(recordedOn(object))?.fingerprint;
}

function parseRecord(value: string | undefined): { fingerprint: string; verifiedAt: number } | undefined {
  const [fingerprint, at] = (value ?? '').split(' ');
  const verifiedAt = Number(at);
  return fingerprint && Number.isSafeInteger(verifiedAt) ? { fingerprint, verifiedAt } : undefined;
}

/**
 * The object's own drift window: between half and all of DRIFT_CHECK_SECONDS, fixed per object
 * (by uid), so that objects verified together drift apart and then stay apart.
 */
export function driftWindowSeconds(object: KubeObject, driftCheckSeconds: number): number {
  const identity = object.metadata.uid ?? `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
  const spread = createHash('sha256').update(identity).digest().readUInt32BE(0) / 2 ** 32;
  return Math.max(1, Math.floor(driftCheckSeconds * (0.5 + spread / 2)));
}

/**
 * `attachments`: what the skipped sync answers as attachments, when the last pass said (a converging
 * one). `deferred`: a verification that was due, put off because the call budget is busy.
 */
export type SkipDecision = { skip: true; resyncAfterSeconds: number; attachments?: KubeObject[]; deferred?: true } | { skip: false };

/** How long a deferred verification waits before it looks at the budget again: 30–60 s, fixed per object. */
const DEFER_SECONDS = 60;

/**
 * Whether this sync may answer from the record: same fingerprint, verified within the window, no
 * verify-now. Past the window, while `busy()` says the call budget has no token free, the
 * verification is deferred (answered from the record, asked back in 30–60 s) for at most one more
 * window. Metacontroller's workers would otherwise spend the budget on a fleet's verifications
 * (about 12 reads a route) while a route that changed waits behind them in its queue; once every
 * verification defers, the rest of the budget goes to changes.
 */
export function skipDecision(
  object: KubeObject,
  fingerprint: string | undefined,
  nowMs: number,
  driftCheckSeconds: number,
  /** `recorded`: the record when the object keeps it elsewhere than its annotation; `busy`: the call budget's. */
  { recorded = recordedOn(object), busy = () => false }: { recorded?: string | undefined; busy?: (() => boolean) | undefined } = {},
): SkipDecision {
  if (fingerprint === undefined || driftCheckSeconds <= 0 || verifyNowAsked(object)) return { skip: false };
  const record = parseRecord(recorded);
  if (record?.fingerprint !== fingerprint) return { skip: false };
  const window = driftWindowSeconds(object, driftCheckSeconds);
  const due = record.verifiedAt + window;
  const now = Math.floor(nowMs / 1000);
  if (record.verifiedAt > now) return { skip: false };
  if (now < due) return { skip: true, resyncAfterSeconds: due - now };
  if (now < due + window && busy())
    return { skip: true, resyncAfterSeconds: Math.min(driftWindowSeconds(object, DEFER_SECONDS), due + window - now), deferred: true };
  return { skip: false };
}

/**
 * Whether this sync may answer from the last full pass of an object still converging: same
 * fingerprint, before the pass's recheck and the resync it asked for, no verify-now. It is asked
 * back when that pass asked to be.
 */
export function convergingDecision(
  object: KubeObject,
  fingerprint: string | undefined,
  nowMs: number,
  passes: ConvergingPasses | undefined,
): SkipDecision {
  if (fingerprint === undefined || passes === undefined || verifyNowAsked(object)) return { skip: false };
  const pass = passes.current(object, nowMs);
  if (pass?.fingerprint !== fingerprint) return { skip: false };
  const resyncAfterSeconds = (pass.resyncAtMs - nowMs) / 1000;
  return { skip: true, resyncAfterSeconds, ...(pass.attachments ? { attachments: pass.attachments } : {}) };
}

/** Whether this sync may answer from the object's records: verified and fresh, or converging and not due. */
export function recordDecision(ctx: HookContext, object: KubeObject, fingerprint: string | undefined): SkipDecision {
  const nowMs = ctx.now().getTime();
  const verified = skipDecision(object, fingerprint, nowMs, ctx.config.driftCheckSeconds, { busy: ctx.budgetBusy });
  const decision = verified.skip ? verified : convergingDecision(object, fingerprint, nowMs, ctx.converging);
  if (decision.skip) ctx.metrics?.syncFromRecord(object.kind, verified.skip ? verifiedAnswer(verified) : 'converging');
  return decision;
}

/** How a sync answered from its drift record is counted. */
export function verifiedAnswer(decision: SkipDecision): RecordAnswer {
  return decision.skip && decision.deferred ? 'deferred' : 'verified';
}

/**
 * The record after a full sync: `fingerprint` when Lattice was verified to hold what the object
 * asks, none (null) when it is still converging or failed. A record with the same fingerprint that
 * is still fresh is kept as it is, so a full sync never rewrites the object only to move a
 * timestamp (each write would trigger another sync). DRIFT_CHECK_SECONDS=0 records nothing.
 */
export function nextRecord(
  object: KubeObject,
  fingerprint: string | undefined,
  nowMs: number,
  driftCheckSeconds: number,
  recorded = recordedOn(object),
): string | null {
  if (fingerprint === undefined || driftCheckSeconds <= 0) return null;
  const record = parseRecord(recorded);
  const now = Math.floor(nowMs / 1000);
  if (
    recorded !== undefined &&
    record?.fingerprint === fingerprint &&
    record.verifiedAt <= now &&
    now < record.verifiedAt + driftWindowSeconds(object, driftCheckSeconds)
  )
    return recorded;
  return `${fingerprint} ${now}`;
}

/** The record annotations after a full sync (see nextRecord); `verify-now` is done. */
export function recordPatch(object: KubeObject, fingerprint: string | undefined, nowMs: number, driftCheckSeconds: number): MetadataPatch {
  return { [VERIFY_NOW_ANNOTATION]: null, [VERIFIED_ANNOTATION]: nextRecord(object, fingerprint, nowMs, driftCheckSeconds) };
}

/** The object as the next sync will see it: with the answer's annotations applied. */
export function afterAnswer(object: KubeObject, patch: MetadataPatch | undefined): KubeObject {
  const annotations: Record<string, string> = { ...(object.metadata.annotations ?? {}) };
  for (const [key, value] of Object.entries(patch ?? {})) {
    if (value === null) delete annotations[key];
    else annotations[key] = value;
  }
  return { ...object, metadata: { ...object.metadata, annotations } };
}

/** The earliest of the resyncs asked for, if any. */
export function earliest(...seconds: (number | undefined)[]): number | undefined {
  const defined = seconds.filter((s): s is number => s !== undefined && s > 0);
  return defined.length > 0 ? Math.min(...defined) : undefined;
}

/**
 * Adds the drift record to a full sync's answer. `fingerprint` is computed on the object as the
 * next sync will see it (our annotations applied), so that an unchanged object skips next time;
 * `verified` says Lattice now holds what the object asks. A verified object is asked back when its
 * drift window ends.
 */
export function withVerification(
  ctx: HookContext,
  object: KubeObject,
  answer: DecoratorHookResponse,
  fingerprint: (next: KubeObject) => string | undefined,
  verified: boolean,
  /** `verifiedAtMs`: when Lattice was last observed in full, when not now (a route verified from a picture). */
  options: { recordConverging?: boolean; picture?: LatticePicture; verifiedAtMs?: number } = {},
): DecoratorHookResponse {
  const drift = ctx.config.driftCheckSeconds;
  const nowMs = ctx.now().getTime();
  const verifiedAtMs = Math.min(options.verifiedAtMs ?? nowMs, nowMs);
  const next = afterAnswer(object, { ...answer.annotations, [VERIFY_NOW_ANNOTATION]: null });
  const record = recordPatch(object, verified ? fingerprint(next) : undefined, verifiedAtMs, drift);
  const annotations = { ...(answer.annotations ?? {}), ...metadataChanges(object, record) };
  // A pass that asks to be synced again answers the syncs before then (see convergingDecision).
  const passes = options.recordConverging ? ctx.converging : undefined;
  const asksBack = answer.resyncAfterSeconds;
  // The fingerprint builds the model again: only when the pass is kept.
  const converging = passes && !verified && asksBack !== undefined ? fingerprint(next) : undefined;
  if (converging !== undefined && asksBack !== undefined)
    passes?.record(object, {
      fingerprint: converging,
      atMs: nowMs,
      resyncAtMs: nowMs + asksBack * 1000,
      ...(answer.attachments ? { attachments: answer.attachments } : {}),
      ...(options.picture ? { picture: options.picture } : {}),
    });
  else ctx.converging?.forget(object);
  const untilDue = driftWindowSeconds(object, drift) - Math.floor((nowMs - verifiedAtMs) / 1000);
  const resync = earliest(answer.resyncAfterSeconds, verified && drift > 0 ? Math.max(1, untilDue) : undefined);
  const { resyncAfterSeconds: _resync, ...rest } = answer;
  return { ...rest, annotations, ...(resync !== undefined ? { resyncAfterSeconds: resync } : {}) };
}

/** Only the keys that change: removing an absent annotation is no change. */
export function metadataChanges(object: KubeObject, patch: MetadataPatch): MetadataPatch {
  const current = object.metadata.annotations ?? {};
  return Object.fromEntries(Object.entries(patch).filter(([key, value]) => (value === null ? key in current : current[key] !== value)));
}

/** The record removed, as an object's finalize leaves it. */
export function forgetVerification(object: KubeObject): MetadataPatch {
  return metadataChanges(object, { [VERIFIED_ANNOTATION]: null, [VERIFY_NOW_ANNOTATION]: null, [LAST_PASS_ANNOTATION]: null });
}
