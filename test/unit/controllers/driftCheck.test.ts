import { LAST_PASS_ANNOTATION, MANAGED_LABEL, VERIFIED_ANNOTATION, VERIFY_NOW_ANNOTATION } from '../../../src/gatewayapi/ourKeys';
import {
  convergingDecision,
  driftView,
  driftWindowSeconds,
  fingerprintOf,
  forgetVerification,
  nextRecord,
  recordDecision,
  skipDecision,
  withVerification,
} from '../../../src/controllers/driftCheck';
import { ConvergingPasses, type LatticePicture } from '../../../src/controllers/convergingPasses';
import { declineWithoutPicture, handBack, lastPassMark, lastPicture, passElsewhere } from '../../../src/controllers/passMark';
import { DNS_ENDPOINT_API_VERSION, keptDnsEndpoints } from '../../../src/controllers/route/dnsEndpoints';
import type { HookContext, ReplicaAnswer } from '../../../src/controllers/types';
import type { KubeObject } from '../../../src/metacontroller/types';

const T0 = 1_800_000_000; // unix seconds
const at = (seconds: number) => (T0 + seconds) * 1000;

function route(annotations: Record<string, string> = {}, uid = 'uid-1'): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: {
      namespace: 'apps',
      name: 'shop',
      uid,
      generation: 3,
      resourceVersion: '17',
      labels: { [MANAGED_LABEL]: 'true', team: 'a' },
      annotations,
    },
    spec: { hostnames: ['shop.example.com'] },
    status: { parents: [] },
  };
}

function context(driftCheckSeconds: number, nowMs: number, converging?: ConvergingPasses, counted: string[] = []): HookContext {
  return {
    config: { driftCheckSeconds },
    now: () => new Date(nowMs),
    metrics: { syncFromRecord: (kind: string, record: string) => counted.push(`${kind} ${record}`) },
    ...(converging ? { converging } : {}),
  } as unknown as HookContext;
}

describe('drift check', () => {
  it('fingerprints canonical JSON: key order does not matter, values do', () => {
    expect(fingerprintOf({ a: 1, b: [1, 2] })).toBe(fingerprintOf({ b: [1, 2], a: 1 }));
    expect(fingerprintOf({ a: 1, b: [1, 2] })).not.toBe(fingerprintOf({ a: 1, b: [2, 1] }));
    expect(fingerprintOf({})).toMatch(/^[0-9a-f]{32}$/);
  });

  it('views an object without status, unrelated labels, bookkeeping, the drift record or the last pass mark', () => {
    const base = route({ note: 'x' });
    const noise: KubeObject = {
      ...base,
      metadata: {
        ...base.metadata,
        resourceVersion: '99',
        labels: { ...base.metadata.labels, team: 'b' },
        annotations: { note: 'x', [VERIFIED_ANNOTATION]: 'f 1', [VERIFY_NOW_ANNOTATION]: '1', [LAST_PASS_ANNOTATION]: 'p' },
      },
      status: { parents: [{ conditions: [] }] },
    };
    expect(fingerprintOf(driftView(noise))).toBe(fingerprintOf(driftView(base)));
    // What the Lattice work depends on changes the view.
    expect(driftView({ ...base, spec: { hostnames: ['other.example.com'] } })).not.toEqual(driftView(base));
    expect(driftView({ ...base, metadata: { ...base.metadata, generation: 4 } })).not.toEqual(driftView(base));
    expect(driftView(route({ note: 'y' }))).not.toEqual(driftView(base));
    expect(driftView({ ...base, metadata: { ...base.metadata, labels: {} } })).not.toEqual(driftView(base));
    expect(driftView({ ...base, metadata: { ...base.metadata, deletionTimestamp: '2026-12-05T00:00:00Z' } })).not.toEqual(driftView(base));
    expect(driftView(undefined)).toBeNull();
  });

  it('spreads drift windows over 50–100% of DRIFT_CHECK_SECONDS, fixed per object', () => {
    const windows = Array.from({ length: 1000 }, (_, i) => driftWindowSeconds(route({}, `uid-${i}`), 600));
    expect(Math.min(...windows)).toBeGreaterThanOrEqual(300);
    expect(Math.max(...windows)).toBeLessThanOrEqual(600);
    // Spread out, not bunched: every 50 s slice of the range holds some objects.
    for (let from = 300; from < 600; from += 50) expect(windows.filter((w) => w >= from && w < from + 50).length).toBeGreaterThan(100);
    expect(driftWindowSeconds(route({}, 'uid-7'), 600)).toBe(windows[7]);
    expect(driftWindowSeconds(route({}, 'uid-7'), 1)).toBe(1);
  });

  describe('skipDecision', () => {
    const window = driftWindowSeconds(route(), 600);
    const verified = (fp: string, seconds: number, extra: Record<string, string> = {}) =>
      route({ [VERIFIED_ANNOTATION]: `${fp} ${T0 + seconds}`, ...extra });

    it('skips with the same fingerprint inside the window, and asks back when it ends', () => {
      expect(skipDecision(verified('fp', 0), 'fp', at(10), 600)).toEqual({ skip: true, resyncAfterSeconds: window - 10 });
    });

    it('does not skip without a record, with another fingerprint, after the window, or when asked to verify', () => {
      expect(skipDecision(route(), 'fp', at(10), 600)).toEqual({ skip: false });
      expect(skipDecision(verified('fp', 0), 'other', at(10), 600)).toEqual({ skip: false });
      expect(skipDecision(verified('fp', 0), 'fp', at(window), 600)).toEqual({ skip: false });
      expect(skipDecision(verified('fp', 0, { [VERIFY_NOW_ANNOTATION]: '' }), 'fp', at(10), 600)).toEqual({ skip: false });
      expect(skipDecision(verified('fp', 0), undefined, at(10), 600)).toEqual({ skip: false });
      expect(skipDecision(verified('fp', 0), 'fp', at(10), 0)).toEqual({ skip: false });
    });

    it('trusts no record from the future (a clock moved back) and no malformed record', () => {
      expect(skipDecision(verified('fp', 100), 'fp', at(10), 600)).toEqual({ skip: false });
      expect(skipDecision(route({ [VERIFIED_ANNOTATION]: 'fp soon' }), 'fp', at(10), 600)).toEqual({ skip: false });
      expect(skipDecision(route({ [VERIFIED_ANNOTATION]: '' }), '', at(10), 600)).toEqual({ skip: false });
    });

    it('reads a record kept elsewhere (a composite parent keeps it in its status)', () => {
      expect(skipDecision(route(), 'fp', at(10), 600, { recorded: `fp ${T0}` })).toEqual({ skip: true, resyncAfterSeconds: window - 10 });
    });

    describe('a verification due while the call budget is busy', () => {
      const busy = () => true;
      const idle = () => false;
      const deferral = driftWindowSeconds(route(), 60);

      it('is deferred: answered from the record, asked back in 30–60 s (fixed per object)', () => {
        expect(deferral).toBeGreaterThanOrEqual(30);
        expect(deferral).toBeLessThanOrEqual(60);
        const due = skipDecision(verified('fp', 0), 'fp', at(window), 600, { busy: busy });
        expect(due).toEqual({ skip: true, resyncAfterSeconds: deferral, deferred: true });
        expect(skipDecision(verified('fp', 0), 'fp', at(window + 100), 600, { busy: busy })).toEqual(due);
      });

      it('goes ahead when the budget is idle, on verify-now, or with another fingerprint', () => {
        expect(skipDecision(verified('fp', 0), 'fp', at(window), 600, { busy: idle })).toEqual({ skip: false });
        expect(skipDecision(verified('fp', 0, { [VERIFY_NOW_ANNOTATION]: '' }), 'fp', at(window), 600, { busy: busy })).toEqual({
          skip: false,
        });
        expect(skipDecision(verified('fp', 0), 'other', at(window), 600, { busy: busy })).toEqual({ skip: false });
      });

      it('is deferred for one more window at most: then it goes ahead however busy the budget', () => {
        expect(skipDecision(verified('fp', 0), 'fp', at(2 * window - 10), 600, { busy: busy })).toEqual({
          skip: true,
          resyncAfterSeconds: 10,
          deferred: true,
        });
        expect(skipDecision(verified('fp', 0), 'fp', at(2 * window), 600, { busy: busy })).toEqual({ skip: false });
      });

      it('does not ask the budget within the window', () => {
        const asked: string[] = [];
        const watched = () => {
          asked.push('busy?');
          return true;
        };
        expect(skipDecision(verified('fp', 0), 'fp', at(10), 600, { busy: watched })).toEqual({
          skip: true,
          resyncAfterSeconds: window - 10,
        });
        expect(asked).toEqual([]);
      });
    });
  });

  describe('convergingDecision', () => {
    /** Passes with a recheck of `recheckMs`, holding one pass of route() with `fp`, `ms` after T0, that asked back after `resyncSeconds`. */
    function passes(fp: string, ms: number, recheckMs = 5000, resyncSeconds = 5): ConvergingPasses {
      const kept = new ConvergingPasses(recheckMs);
      kept.record(route(), { fingerprint: fp, atMs: at(0) + ms, resyncAtMs: at(0) + ms + resyncSeconds * 1000 });
      return kept;
    }

    it('answers from the last pass with the same fingerprint until the recheck, and asks back when the pass asked to be', () => {
      expect(convergingDecision(route(), 'fp', at(4), passes('fp', 0))).toEqual({ skip: true, resyncAfterSeconds: 1 });
      // A pass that asked for 60 s (refused) is held for the recheck only, and still asked back at 60 s.
      expect(convergingDecision(route(), 'fp', at(4), passes('fp', 0, 5000, 60))).toEqual({ skip: true, resyncAfterSeconds: 56 });
      expect(convergingDecision(route(), 'fp', at(6), passes('fp', 0, 5000, 60))).toEqual({ skip: false });
      // A recheck longer than the pass's own resync ends with that resync.
      expect(convergingDecision(route(), 'fp', at(5), passes('fp', 0, 10000, 5))).toEqual({ skip: false });
    });

    it('answers the attachments of that pass', () => {
      const kept = new ConvergingPasses(5000);
      const dns = { apiVersion: 'externaldns.k8s.io/v1alpha1', kind: 'DNSEndpoint', metadata: { name: 'shop' } };
      kept.record(route(), { fingerprint: 'fp', atMs: at(0), resyncAtMs: at(5), attachments: [dns] });
      expect(convergingDecision(route(), 'fp', at(1), kept)).toEqual({ skip: true, resyncAfterSeconds: 4, attachments: [dns] });
    });

    it('looks again once the recheck is due, with another fingerprint or object, on verify-now, without passes, or from a future pass', () => {
      expect(convergingDecision(route(), 'fp', at(5), passes('fp', 0))).toEqual({ skip: false });
      expect(convergingDecision(route(), 'other', at(1), passes('fp', 0))).toEqual({ skip: false });
      expect(convergingDecision(route({}, 'uid-2'), 'fp', at(1), passes('fp', 0))).toEqual({ skip: false });
      expect(convergingDecision(route({ [VERIFY_NOW_ANNOTATION]: '' }), 'fp', at(1), passes('fp', 0))).toEqual({ skip: false });
      expect(convergingDecision(route(), 'fp', at(1), undefined)).toEqual({ skip: false });
      expect(convergingDecision(route(), undefined, at(1), passes('fp', 0))).toEqual({ skip: false });
      expect(convergingDecision(route(), 'fp', at(1), passes('fp', 2000))).toEqual({ skip: false });
    });

    it('forgets passes once they are due, as later passes are recorded', () => {
      const kept = new ConvergingPasses(1000);
      for (let i = 0; i < 10; i++) kept.record(route({}, `uid-${i}`), { fingerprint: 'fp', atMs: at(0) + i * 200, resyncAtMs: at(5) });
      // At 1.8 s the first five (0–800 ms) are due; recording one more drops them.
      kept.record(route({}, 'uid-late'), { fingerprint: 'fp', atMs: at(0) + 1800, resyncAtMs: at(5) });
      expect(kept.size).toBe(6);
      kept.forget(route({}, 'uid-late'));
      expect(kept.size).toBe(5);
    });

    it('is consulted after the drift record (recordDecision)', () => {
      const verified = route({ [VERIFIED_ANNOTATION]: `fp ${T0}` });
      const window = driftWindowSeconds(verified, 600);
      expect(recordDecision(context(600, at(10), passes('fp', 0)), verified, 'fp')).toEqual({
        skip: true,
        resyncAfterSeconds: window - 10,
      });
      expect(recordDecision(context(600, at(1), passes('fp', 0)), route(), 'fp')).toEqual({ skip: true, resyncAfterSeconds: 4 });
      expect(recordDecision(context(600, at(1)), route(), 'fp')).toEqual({ skip: false });
    });

    it('counts the syncs it answers, by kind and record', () => {
      const counted: string[] = [];
      recordDecision(context(600, at(10), passes('fp', 0), counted), route({ [VERIFIED_ANNOTATION]: `fp ${T0}` }), 'fp');
      recordDecision(context(600, at(1), passes('fp', 0), counted), route(), 'fp');
      recordDecision(context(600, at(1), passes('fp', 0), counted), route(), 'other');
      expect(counted).toEqual(['HTTPRoute verified', 'HTTPRoute converging']);
    });

    it('defers a due verification while the budget is busy, and counts it as deferred', () => {
      const counted: string[] = [];
      const verified = route({ [VERIFIED_ANNOTATION]: `fp ${T0}` });
      const dueAt = at(driftWindowSeconds(verified, 600));
      const ctx = (busy: boolean) => ({ ...context(600, dueAt, undefined, counted), budgetBusy: () => busy }) as HookContext;
      expect(recordDecision(ctx(true), verified, 'fp')).toMatchObject({ skip: true, deferred: true });
      expect(recordDecision(ctx(false), verified, 'fp')).toEqual({ skip: false });
      expect(counted).toEqual(['HTTPRoute deferred']);
    });
  });

  describe('lastPicture', () => {
    const picture = (observedInFullAtMs: number, picturedPasses = 2): LatticePicture => ({
      observed: { service: undefined, listeners: [], targetGroups: [], associations: [] },
      takenAtMs: observedInFullAtMs,
      observedInFullAtMs,
      picturedPasses,
      inputVersions: 'v',
    });
    /**
     * A pass at 0 s held for 1 s, asking back at 5 s, with a picture of Lattice observed in full at
     * `fullAt` seconds, `picturedPasses` passes ago (by default past the first passes' trust).
     */
    function pictured(fullAt = 0, picturedPasses = 2): ConvergingPasses {
      const passes = new ConvergingPasses(1000);
      passes.record(route(), { fingerprint: 'fp', atMs: at(0), resyncAtMs: at(5), picture: picture(at(fullAt), picturedPasses) });
      return passes;
    }

    /** The route as the passes' own last pass left it: marked with their process. */
    const marked = (passes: ConvergingPasses, annotations: Record<string, string> = {}, uid?: string) =>
      route({ [LAST_PASS_ANNOTATION]: passes.id, ...annotations }, uid);
    /** lastPicture for the route marked by `passes`, at `seconds`. */
    const pictureAt = (seconds: number, passes: ConvergingPasses, fingerprint = 'fp') =>
      lastPicture(context(600, at(seconds), passes), marked(passes), fingerprint);

    it("gives the last pass's picture to a sync after the pass's hold, with the same fingerprint", () => {
      expect(pictureAt(2, pictured())).toEqual(picture(at(0)));
      // During the hold the sync is answered from the pass instead (convergingDecision).
      expect(pictureAt(0.5, pictured())).toBeUndefined();
    });

    it('gives none for another fingerprint or object, on verify-now, without passes, or five minutes after Lattice was observed in full', () => {
      expect(pictureAt(2, pictured(), 'other')).toBeUndefined();
      const passes = pictured();
      expect(lastPicture(context(600, at(2), passes), marked(passes, {}, 'uid-2'), 'fp')).toBeUndefined();
      expect(lastPicture(context(600, at(2), passes), marked(passes, { [VERIFY_NOW_ANNOTATION]: '' }), 'fp')).toBeUndefined();
      expect(lastPicture(context(600, at(2)), marked(passes), 'fp')).toBeUndefined();
      expect(pictureAt(300, pictured())).toBeUndefined();
      // The chain of pictures is as old as its last full observation, however recent the last pass.
      expect(pictureAt(2, pictured(-299))).toBeUndefined();
    });

    it('gives none once the object says another process made the last pass, or none says it did', () => {
      const passes = pictured();
      expect(lastPicture(context(600, at(2), passes), marked(pictured()), 'fp')).toBeUndefined();
      expect(lastPicture(context(600, at(2), passes), route(), 'fp')).toBeUndefined();
      expect(lastPicture(context(600, at(2), passes), marked(passes), 'fp')).toBeDefined();
    });

    it('trusts the first two passes after a full observation for an hour: a fleet at its API rate reaches them minutes apart', () => {
      for (const passesSoFar of [0, 1]) {
        expect(pictureAt(1200, pictured(0, passesSoFar))).toEqual(picture(at(0), passesSoFar));
        expect(pictureAt(3599, pictured(0, passesSoFar))).toBeDefined();
        expect(pictureAt(3600, pictured(0, passesSoFar))).toBeUndefined();
      }
      // The third pass from the same full observation is back to five minutes.
      expect(pictureAt(299, pictured(0, 2))).toBeDefined();
      expect(pictureAt(300, pictured(0, 2))).toBeUndefined();
      // Later passes of other objects do not prune it before its hour.
      const passes = pictured(0, 0);
      passes.record(route({}, 'uid-2'), { fingerprint: 'fp', atMs: at(1800), resyncAtMs: at(1805) });
      expect(passes.pictured(route(), at(1800))).toBeDefined();
      passes.record(route({}, 'uid-3'), { fingerprint: 'fp', atMs: at(3600), resyncAtMs: at(3605) });
      expect(passes.size).toBe(1);
    });

    it('keeps a pass with a picture past its hold, until the picture is no longer trusted', () => {
      const passes = pictured();
      // Later passes of other objects do not prune it before then.
      passes.record(route({}, 'uid-2'), { fingerprint: 'fp', atMs: at(200), resyncAtMs: at(205) });
      expect(passes.size).toBe(2);
      passes.record(route({}, 'uid-3'), { fingerprint: 'fp', atMs: at(301), resyncAtMs: at(306) });
      expect(passes.pictured(route(), at(301))).toBeUndefined();
      expect(passes.size).toBe(1);
    });
  });

  describe('nextRecord', () => {
    it('keeps a fresh record of the same fingerprint as it is (no write only to move a timestamp)', () => {
      const object = route({ [VERIFIED_ANNOTATION]: `fp ${T0}` });
      expect(nextRecord(object, 'fp', at(10), 600)).toBe(`fp ${T0}`);
    });

    it('writes a new record for a new fingerprint or an expired one, and none when not verified', () => {
      const object = route({ [VERIFIED_ANNOTATION]: `fp ${T0}` });
      expect(nextRecord(object, 'other', at(10), 600)).toBe(`other ${T0 + 10}`);
      expect(nextRecord(object, 'fp', at(600), 600)).toBe(`fp ${T0 + 600}`);
      expect(nextRecord(object, undefined, at(10), 600)).toBeNull();
      expect(nextRecord(object, 'fp', at(10), 0)).toBeNull();
    });
  });

  describe('withVerification', () => {
    it('records a verified sync on the object as the next sync sees it, and asks back at the end of the window', () => {
      const object = route({ [VERIFY_NOW_ANNOTATION]: 'yes' });
      const seen: KubeObject[] = [];
      const answer = withVerification(
        context(600, at(0)),
        object,
        { status: null, annotations: { recorded: 'arn' } },
        (next) => (seen.push(next), 'fp'),
        true,
      );
      expect(seen[0]?.metadata.annotations).toEqual({ recorded: 'arn' });
      expect(answer).toEqual({
        status: null,
        annotations: { recorded: 'arn', [VERIFIED_ANNOTATION]: `fp ${T0}`, [VERIFY_NOW_ANNOTATION]: null },
        resyncAfterSeconds: driftWindowSeconds(object, 600),
      });
    });

    it('keeps an earlier resync the sync asked for', () => {
      const answer = withVerification(context(600, at(0)), route(), { resyncAfterSeconds: 5 }, () => 'fp', true);
      expect(answer.resyncAfterSeconds).toBe(5);
    });

    it('drops the record of an object that is not verified, and writes nothing when there is none', () => {
      const stale = route({ [VERIFIED_ANNOTATION]: `fp ${T0}` });
      expect(withVerification(context(600, at(0)), stale, { annotations: {} }, () => 'fp', false)).toEqual({
        annotations: { [VERIFIED_ANNOTATION]: null },
      });
      expect(withVerification(context(600, at(0)), route(), { annotations: {} }, () => 'fp', false)).toEqual({ annotations: {} });
    });

    it('records a pass that asks to be synced again as converging, with the fingerprint the next sync will see', () => {
      const converging = new ConvergingPasses(5000);
      const answer = withVerification(
        context(600, at(0), converging),
        route(),
        { annotations: { recorded: 'arn' }, resyncAfterSeconds: 5 },
        (next) => (next.metadata.annotations?.recorded === 'arn' ? 'fp-next' : 'fp-now'),
        false,
        { recordConverging: true },
      );
      // Nothing written on the object for it.
      expect(answer).toEqual({ annotations: { recorded: 'arn' }, resyncAfterSeconds: 5 });
      expect(converging.current(route(), at(1))).toEqual({ fingerprint: 'fp-next', atMs: at(0), resyncAtMs: at(5) });
    });

    it('keeps the picture a pass leaves with the pass', () => {
      const converging = new ConvergingPasses(5000);
      const picture: LatticePicture = {
        observed: { service: undefined, listeners: [], targetGroups: [], associations: [] },
        takenAtMs: at(0),
        observedInFullAtMs: at(0),
        picturedPasses: 0,
        inputVersions: 'v',
      };
      withVerification(context(600, at(0), converging), route(), { resyncAfterSeconds: 5 }, () => 'fp', false, {
        recordConverging: true,
        picture,
      });
      expect(converging.current(route(), at(1))?.picture).toBe(picture);
    });

    it('forgets the pass once verified, and records none without a resync or without the option', () => {
      const converging = new ConvergingPasses(5000);
      const record = (answer: { resyncAfterSeconds?: number }, verified: boolean, options = { recordConverging: true }) => {
        converging.record(route(), { fingerprint: 'old', atMs: at(0), resyncAtMs: at(5) });
        withVerification(context(600, at(1), converging), route(), answer, () => 'fp', verified, options);
        return converging.current(route(), at(1));
      };
      expect(record({ resyncAfterSeconds: 5 }, false)?.fingerprint).toBe('fp');
      expect(record({}, true)).toBeUndefined();
      expect(record({}, false)).toBeUndefined();
      expect(record({ resyncAfterSeconds: 5 }, false, { recordConverging: false })).toBeUndefined();
    });

    it('records nothing with DRIFT_CHECK_SECONDS=0', () => {
      expect(withVerification(context(0, at(0)), route(), {}, () => 'fp', true)).toEqual({ annotations: {} });
    });
  });

  it('forgets the record on finalize', () => {
    expect(forgetVerification(route({ [VERIFIED_ANNOTATION]: `fp ${T0}` }))).toEqual({ [VERIFIED_ANNOTATION]: null });
    expect(forgetVerification(route())).toEqual({});
  });
});

describe('the mark of the last writing pass (passMark.ts)', () => {
  const NEXT = 'f'.repeat(32);
  /** This process's passes (recheck 1 s: an object marked by another process is left to it for 12 s). */
  const ours = () => new ConvergingPasses(1000);
  const markedBy = (process: string, markedAt = 0, fingerprint = NEXT, annotations: Record<string, string> = {}) =>
    route({ [LAST_PASS_ANNOTATION]: `${process} ${fingerprint} ${T0 + markedAt}`, ...annotations });

  it("marks an object with this process, the next sync's fingerprint and the time, once: a later pass of the same process leaves it", () => {
    const passes = ours();
    let built = 0;
    const next = () => {
      built++;
      return NEXT;
    };
    const mark = { [LAST_PASS_ANNOTATION]: `${passes.id} ${NEXT} ${T0 + 3}` };
    expect(lastPassMark(context(600, at(3.5), passes), route(), next)).toEqual(mark);
    expect(lastPassMark(context(600, at(3.5), passes), markedBy('other'), next)).toEqual(mark);
    expect(built).toBe(2);
    expect(lastPassMark(context(600, at(9), passes), markedBy(passes.id, 0, 'e'.repeat(32)), next)).toEqual({});
    // A mark of the earlier form (the process alone) is this process's too.
    expect(lastPassMark(context(600, at(0), passes), route({ [LAST_PASS_ANNOTATION]: passes.id }), next)).toEqual({});
    expect(built).toBe(2);
    // No passes kept (PENDING_RECHECK_MS=0): no mark.
    expect(lastPassMark(context(600, at(0)), route(), next)).toEqual({});
  });

  it('leaves a converging object to the process that marked it with the same fingerprint, for twelve rechecks after the mark', () => {
    const counted: string[] = [];
    const passes = ours();
    expect(handBack(context(600, at(1), passes, counted), markedBy('other'), NEXT)).toEqual({ skip: true, resyncAfterSeconds: 0.2 });
    expect(counted).toEqual(['HTTPRoute handed-back']);
    expect(handBack(context(600, at(11.9), passes), markedBy('other'), NEXT)).toEqual({ skip: true, resyncAfterSeconds: 0.1 });
    // However often it was handed back, and by whichever replica: the window is the mark's.
    expect(handBack(context(600, at(12), passes), markedBy('other'), NEXT)).toEqual({ skip: false });
    expect(handBack(context(600, at(12), ours()), markedBy('other'), NEXT)).toEqual({ skip: false });
    // A mark made later is waited for from its own time; one from further ahead than a clock can be, not at all.
    expect(handBack(context(600, at(12), passes), markedBy('other', 5), NEXT)).toMatchObject({ skip: true });
    expect(handBack(context(600, at(0), passes), markedBy('other', 11), NEXT)).toMatchObject({ skip: true });
    expect(handBack(context(600, at(0), passes), markedBy('other', 13), NEXT)).toEqual({ skip: false });
  });

  it('does not leave an object marked by this process, with other inputs, on verify-now, verified with these inputs, or unmarked', () => {
    const passes = ours();
    const handedBack = (object: KubeObject, fingerprint = NEXT) => handBack(context(600, at(1), passes), object, fingerprint).skip;
    expect(handedBack(markedBy(passes.id))).toBe(false);
    expect(handedBack(markedBy('other', 0, 'e'.repeat(32)))).toBe(false);
    expect(handedBack(markedBy('other', 0, NEXT, { [VERIFY_NOW_ANNOTATION]: '' }))).toBe(false);
    // A drift check: the object was verified with these inputs, and is observed in full wherever.
    expect(handedBack(markedBy('other', 0, NEXT, { [VERIFIED_ANNOTATION]: `${NEXT} ${T0}` }))).toBe(false);
    // Marks of the earlier forms (without a fingerprint or a time): not waited for.
    expect(handedBack(route({ [LAST_PASS_ANNOTATION]: 'other' }))).toBe(false);
    expect(handedBack(route({ [LAST_PASS_ANNOTATION]: `other ${NEXT}` }))).toBe(false);
    expect(handedBack(route())).toBe(false);
    // No passes kept (PENDING_RECHECK_MS=0): no picture anywhere to wait for.
    expect(handBack(context(600, at(1)), markedBy('other'), NEXT).skip).toBe(false);
    expect(handedBack(markedBy('other'))).toBe(true);
  });
});

describe('a sync handed to the replica whose pass wrote last (passMark.ts)', () => {
  const NEXT = 'f'.repeat(32);
  const HERE = '10.0.0.1:8080';
  const THERE = '10.0.0.2:8080';
  const markedAt = (address: string | undefined, seconds = 0, fingerprint = NEXT, annotations: Record<string, string> = {}) =>
    route({ [LAST_PASS_ANNOTATION]: `other ${fingerprint} ${T0 + seconds}${address ? ` ${address}` : ''}`, ...annotations });
  /** A context of a replica at HERE whose forward records where it was asked to and answers `answer`. */
  function replicaContext(
    nowMs: number,
    options: { answer?: ReplicaAnswer; handedOver?: boolean; counted?: string[]; passes?: ConvergingPasses | null } = {},
  ) {
    const asked: string[] = [];
    const forward = async (address: string) => {
      asked.push(address);
      return options.answer ?? { answer: { annotations: {} } };
    };
    const passes = options.passes === null ? undefined : (options.passes ?? new ConvergingPasses(1000));
    const ctx = {
      ...context(600, nowMs, passes, options.counted),
      replicas: { address: HERE, handedOver: options.handedOver ?? false, forward },
    } as unknown as HookContext;
    return { ctx, asked };
  }

  it("marks the object with this replica's address too", () => {
    const { ctx } = replicaContext(at(3));
    expect(lastPassMark(ctx, route(), () => NEXT)).toEqual({ [LAST_PASS_ANNOTATION]: `${ctx.converging?.id} ${NEXT} ${T0 + 3} ${HERE}` });
  });

  it('hands the sync of an object another replica marked with these inputs to that replica and answers with its answer', async () => {
    const counted: string[] = [];
    const { ctx, asked } = replicaContext(at(1), { answer: { answer: { annotations: { a: 'b' } } }, counted });
    await expect(passElsewhere(ctx, markedAt(THERE), NEXT)).resolves.toEqual({ answered: { annotations: { a: 'b' } } });
    expect(asked).toEqual([THERE]);
    expect(counted).toEqual(['HTTPRoute forwarded']);
    // However long the passes take to come round, while a picture may be kept (an hour).
    await expect(passElsewhere(replicaContext(at(3599)).ctx, markedAt(THERE), NEXT)).resolves.toHaveProperty('answered');
  });

  it('makes the pass at once when that replica is gone, and waits for it (hand-back) only when no replica is known', async () => {
    const gone = replicaContext(at(1), { answer: 'gone' });
    await expect(passElsewhere(gone.ctx, markedAt(THERE), NEXT)).resolves.toEqual({});
    expect(gone.asked).toEqual([THERE]);
    const unknown = replicaContext(at(1), { answer: 'unknown' });
    await expect(passElsewhere(unknown.ctx, markedAt(THERE), NEXT)).resolves.toMatchObject({ handedBack: { skip: true } });
    // A mark of this replica's address by an earlier process: restarted here, nothing to wait for.
    const restarted = replicaContext(at(1));
    await expect(passElsewhere(restarted.ctx, markedAt(HERE), NEXT)).resolves.toEqual({});
    expect(restarted.asked).toEqual([]);
    // A mark without an address (a replica that does not know the others): waited for as before.
    await expect(passElsewhere(replicaContext(at(1)).ctx, markedAt(undefined), NEXT)).resolves.toMatchObject({
      handedBack: { skip: true },
    });
  });

  it('does not hand a sync over that this replica must make itself', async () => {
    const askedFor = async (object: KubeObject, nowMs = at(1), fingerprint = NEXT, options: Parameters<typeof replicaContext>[1] = {}) => {
      const { ctx, asked } = replicaContext(nowMs, options);
      const { answered } = await passElsewhere(ctx, object, fingerprint);
      expect(answered === undefined).toBe(asked.length === 0);
      return asked;
    };
    // Other inputs, verify-now, a drift check (verified with these inputs), a mark without an address.
    expect(await askedFor(markedAt(THERE), at(1), 'e'.repeat(32))).toEqual([]);
    expect(await askedFor(markedAt(THERE, 0, NEXT, { [VERIFY_NOW_ANNOTATION]: '' }))).toEqual([]);
    expect(await askedFor(markedAt(THERE, 0, NEXT, { [VERIFIED_ANNOTATION]: `${NEXT} ${T0}` }))).toEqual([]);
    expect(await askedFor(markedAt(undefined))).toEqual([]);
    // A request that was itself handed over goes no further; no passes kept (PENDING_RECHECK_MS=0): no picture anywhere.
    expect(await askedFor(markedAt(THERE), at(1), NEXT, { handedOver: true })).toEqual([]);
    expect(await askedFor(markedAt(THERE), at(1), NEXT, { passes: null })).toEqual([]);
    // Marked over an hour ago (no picture is kept that long), or from further ahead than a clock can be.
    expect(await askedFor(markedAt(THERE), at(3601))).toEqual([]);
    expect(await askedFor(markedAt(THERE, 62))).toEqual([]);
    expect(await askedFor(markedAt(THERE, 60))).toEqual([THERE]);
  });

  it('declines a sync handed over without a picture to go on from, so that the sender makes the pass', () => {
    expect(() => declineWithoutPicture(replicaContext(at(1), { handedOver: true }).ctx)).toThrow(
      expect.objectContaining({ code: 'LGW_REPLICA_NO_PICTURE' }),
    );
    expect(() => declineWithoutPicture(replicaContext(at(1)).ctx)).not.toThrow();
    expect(() => declineWithoutPicture(context(600, at(1)))).not.toThrow();
  });
});

describe('the DNSEndpoints a handed-back sync keeps (dnsEndpoints.ts)', () => {
  it('answers the route DNSEndpoints as they are, without what the cluster added, and nothing else', () => {
    const observed = {
      apiVersion: DNS_ENDPOINT_API_VERSION,
      kind: 'DNSEndpoint',
      metadata: { name: 'shop-dns', namespace: 'apps', uid: 'u', resourceVersion: '9', ownerReferences: [] },
      spec: { endpoints: [{ dnsName: 'shop.example.com', recordType: 'CNAME', targets: ['svc.on.aws'] }] },
      status: { observedGeneration: 1 },
    } as KubeObject;
    const other = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'apps' } } as KubeObject;
    expect(
      keptDnsEndpoints({ [`DNSEndpoint.${DNS_ENDPOINT_API_VERSION}`]: { 'apps/shop-dns': observed }, 'ConfigMap.v1': { 'apps/x': other } }),
    ).toEqual([
      {
        apiVersion: DNS_ENDPOINT_API_VERSION,
        kind: 'DNSEndpoint',
        metadata: { name: 'shop-dns', namespace: 'apps' },
        spec: observed.spec,
      },
    ]);
    expect(keptDnsEndpoints({})).toEqual([]);
  });
});
