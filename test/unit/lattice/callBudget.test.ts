import pino from 'pino';
import { RetryLaterError } from '../../../src/errors';
import { BudgetExhausted, CallBudget } from '../../../src/lattice/callBudget';
import { CallSession } from '../../../src/lattice/callSession';

/** A clock that only moves when a caller sleeps: waits are exact and instant. */
function fakeClock() {
  const clock = { now: 0, slept: [] as number[] };
  return {
    clock,
    now: () => clock.now,
    sleep: async (ms: number) => {
      clock.slept.push(ms);
      clock.now += ms;
    },
  };
}

/** A clock whose sleepers wake in the order of their times, the clock jumping to each. */
function timerClock() {
  const clock = { now: 0 };
  const timers: { at: number; fire: () => void }[] = [];
  return {
    clock,
    now: () => clock.now,
    sleep: (ms: number) => new Promise<void>((fire) => timers.push({ at: clock.now + ms, fire })),
    runTimers: async () => {
      for (;;) {
        await new Promise((resolve) => setImmediate(resolve));
        const next = timers.sort((a, b) => a.at - b.at).shift();
        if (next === undefined) return;
        clock.now = next.at;
        next.fire();
      }
    },
  };
}

const throttling = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });

describe('AWS call budget (token bucket shared by all hooks)', () => {
  it('grants a burst at once, then one call per 1/rate seconds, in arrival order', async () => {
    const { clock, now, sleep } = fakeClock();
    const budget = new CallBudget({ ratePerSecond: 10, burst: 3, now, sleep });
    for (let i = 0; i < 3; i += 1) await budget.take(Infinity);
    expect(clock.slept).toEqual([]);
    await budget.take(Infinity);
    await budget.take(Infinity);
    expect(clock.slept.map(Math.round)).toEqual([100, 100]);
    expect(budget.stats()).toMatchObject({ granted: 5, waited: 2, waitedMs: 200, refused: 0 });
  });

  it('queues concurrent callers behind each other instead of letting them all through', async () => {
    const { clock, now, sleep, runTimers } = timerClock();
    const budget = new CallBudget({ ratePerSecond: 2, burst: 1, now, sleep });
    const starts: number[] = [];
    const all = [0, 1, 2].map(() => budget.take(Infinity).then(() => starts.push(clock.now)));
    await runTimers();
    await Promise.all(all);
    expect(starts).toEqual([0, 500, 1000]);
    expect(budget.stats()).toMatchObject({ granted: 3, waited: 2, waitedMs: 1500 });
  });

  it('is busy while no token is free (a call made now would wait), and idle again once one is', async () => {
    const { clock, now, sleep } = fakeClock();
    const budget = new CallBudget({ ratePerSecond: 10, burst: 2, now, sleep });
    expect(budget.busy()).toBe(false);
    await budget.take(Infinity);
    expect(budget.busy()).toBe(false);
    await budget.take(Infinity);
    expect(budget.busy()).toBe(true);
    clock.now += 50;
    expect(budget.busy()).toBe(true);
    clock.now += 50;
    expect(budget.busy()).toBe(false);
    expect(budget.stats().granted).toBe(2);
  });

  it('loses no tokens when the wall clock steps back', async () => {
    const { clock, now, sleep } = fakeClock();
    clock.now = 1_000_000;
    const budget = new CallBudget({ ratePerSecond: 10, burst: 2, now, sleep });
    await budget.take(Infinity);
    clock.now -= 60_000;
    expect(budget.busy()).toBe(false);
    await budget.take(Infinity);
    expect(clock.slept).toEqual([]);
    // From the stepped-back time on, tokens come back at the rate.
    expect(budget.busy()).toBe(true);
    clock.now += 100;
    expect(budget.busy()).toBe(false);
  });

  it('refuses a call whose token would come after its deadline, saying when one would be free', async () => {
    const { now, sleep } = fakeClock();
    const budget = new CallBudget({ ratePerSecond: 1, burst: 1, now, sleep });
    await budget.take(1000);
    const refusal = await budget.take(500).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(BudgetExhausted);
    expect((refusal as BudgetExhausted).retryAfterMs).toBeCloseTo(1000);
    expect(budget.stats().refused).toBe(1);
    // The refused call took no reservation: the next one waits for the first free token only.
    await budget.take(5000);
    expect(budget.stats().waitedMs).toBeCloseTo(1000);
  });

  it('halves its rate on throttling down to a floor, and wins it back gradually on success', () => {
    const budget = new CallBudget({ ratePerSecond: 20, burst: 20, now: () => 0 });
    budget.throttled();
    expect(budget.stats().ratePerSecond).toBe(10);
    for (let i = 0; i < 10; i += 1) budget.throttled();
    expect(budget.stats().ratePerSecond).toBe(2);
    for (let i = 0; i < 10; i += 1) budget.succeeded();
    expect(budget.stats().ratePerSecond).toBeCloseTo(6);
    for (let i = 0; i < 100; i += 1) budget.succeeded();
    expect(budget.stats()).toMatchObject({ ratePerSecond: 20, throttled: 11 });
  });

  it("starts no call before a throttling answer's Retry-After, then paces them at the slowed rate", async () => {
    const { clock, now, sleep } = fakeClock();
    const budget = new CallBudget({ ratePerSecond: 10, burst: 10, now, sleep });
    budget.throttled(2);
    expect(budget.busy()).toBe(true);
    // The pause, then a token at the halved rate (5 calls/s): nothing accrued during the pause.
    await budget.take(Infinity);
    expect(clock.slept.map(Math.round)).toEqual([2200]);
    await budget.take(Infinity);
    expect(clock.slept.map(Math.round)).toEqual([2200, 200]);
    // A negative, missing or NaN Retry-After pauses nothing.
    const fresh = new CallBudget({ ratePerSecond: 10, burst: 10, now, sleep });
    fresh.throttled(-5);
    fresh.throttled(Number.NaN);
    fresh.throttled();
    const before = clock.slept.length;
    await fresh.take(Infinity);
    expect(clock.slept.slice(before).map(Math.round)).toEqual([800]);
  });

  it('pauses 30 s at most from now, however many answers say more and however slow the rate gets', async () => {
    const { clock, now, sleep } = fakeClock();
    clock.now = 1_000_000;
    const budget = new CallBudget({ ratePerSecond: 10, burst: 10, now, sleep });
    for (let i = 0; i < 10; i += 1) budget.throttled(86_400);
    // At the floor rate (1 call/s): the pause, then one token.
    const refusal = (await budget.take(clock.now + 30_000).catch((e: unknown) => e)) as BudgetExhausted;
    expect(refusal.retryAfterMs).toBeCloseTo(31_000);
    // A wall clock stepped back an hour does not make the pause an hour longer.
    clock.now -= 3_600_000;
    const stepped = (await budget.take(clock.now).catch((e: unknown) => e)) as BudgetExhausted;
    expect(stepped.retryAfterMs).toBeLessThanOrEqual(31_000);
  });

  it('holds a call already waiting for its token when a pause begins, and queues it again after the pause', async () => {
    const { clock, now } = fakeClock();
    const wakes: (() => void)[] = [];
    const sleep = (ms: number) =>
      new Promise<void>((resolve) =>
        wakes.push(() => {
          clock.now += ms;
          resolve();
        }),
      );
    const budget = new CallBudget({ ratePerSecond: 10, burst: 1, now, sleep });
    await budget.take(Infinity);
    let started = false;
    const waiting = budget.take(Infinity).then(() => (started = true));
    // It waits 100 ms for its token; meanwhile AWS throttles another call, saying 10 s.
    budget.throttled(10);
    wakes.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toBe(false);
    expect(clock.now).toBe(100);
    // Queued again: after the pause and one token at the halved rate.
    wakes.shift()?.();
    await waiting;
    expect(clock.now).toBeCloseTo(10_200);
    expect(budget.stats()).toMatchObject({ granted: 2, waited: 1 });
  });

  it('paces the calls waiting when a pause begins at the slowed rate after it, in their order, not all at once', async () => {
    const { clock, now, sleep, runTimers } = timerClock();
    const budget = new CallBudget({ ratePerSecond: 1, burst: 1, now, sleep });
    await budget.take(Infinity);
    const starts: [string, number][] = [];
    const waiting = ['a', 'b', 'c'].map((name) => budget.take(Infinity).then(() => starts.push([name, clock.now])));
    // Reserved for 1, 2 and 3 s; a call in flight is answered 429 with Retry-After 10.
    budget.throttled(10);
    await runTimers();
    await Promise.all(waiting);
    // After the pause, one token every 2 s (the halved rate).
    expect(starts).toEqual([
      ['a', 12_000],
      ['b', 14_000],
      ['c', 16_000],
    ]);
    expect(budget.stats()).toMatchObject({ granted: 4, waited: 3, refused: 0 });
  });

  it('keeps a waiting call ahead of one that comes during a pause', async () => {
    const { clock, now, sleep, runTimers } = timerClock();
    const budget = new CallBudget({ ratePerSecond: 1, burst: 1, now, sleep });
    await budget.take(Infinity);
    const order: string[] = [];
    const first = budget.take(Infinity).then(() => order.push(`first ${clock.now}`));
    budget.throttled(1);
    const second = budget.take(Infinity).then(() => order.push(`second ${clock.now}`));
    await runTimers();
    await Promise.all([first, second]);
    // After the 1 s pause, one token every 2 s: the first in line first.
    expect(order).toEqual(['first 3000', 'second 5000']);
  });

  it('refuses a waiting call once a pause puts its token past its deadline', async () => {
    const { clock, now, sleep, runTimers } = timerClock();
    const budget = new CallBudget({ ratePerSecond: 1, burst: 1, now, sleep });
    await budget.take(Infinity);
    const refused = budget.take(5_000).catch((error: unknown) => error);
    budget.throttled(10);
    await runTimers();
    const error = await refused;
    expect(error).toBeInstanceOf(BudgetExhausted);
    // Woken at 1 s: 9 s of pause left, then 2 s for its token.
    expect((error as BudgetExhausted).retryAfterMs).toBeCloseTo(11_000);
    expect(budget.stats()).toMatchObject({ granted: 1, refused: 1 });
    // Its slot stays spent (given to the next call, that call and the one behind would go together).
    const next = budget.take(Infinity).then(() => clock.now);
    await runTimers();
    expect(await next).toBe(14_000);
  });

  it('re-paces the waiting calls at the slowed rate after a throttling answer without Retry-After', async () => {
    const { clock, now, sleep, runTimers } = timerClock();
    const budget = new CallBudget({ ratePerSecond: 1, burst: 1, now, sleep });
    await budget.take(Infinity);
    const starts: number[] = [];
    const waiting = [0, 1].map(() => budget.take(Infinity).then(() => starts.push(clock.now)));
    budget.throttled();
    await runTimers();
    await Promise.all(waiting);
    // Reserved for 1 and 2 s at 1 call/s; taken again at 0.5 call/s as they woke.
    expect(starts).toEqual([2_000, 4_000]);
  });

  it('refuses nonsense settings', () => {
    expect(() => new CallBudget({ ratePerSecond: 0, burst: 1 })).toThrow(RangeError);
    expect(() => new CallBudget({ ratePerSecond: 1, burst: 0 })).toThrow(RangeError);
  });
});

describe('call session with a budget', () => {
  const log = pino({ level: 'silent' });

  it('answers "retry later" without calling AWS when the budget has no token before the deadline', async () => {
    const budget = new CallBudget({ ratePerSecond: 1, burst: 1 });
    const session = new CallSession({ deadline: Date.now() + 1000, log, budget });
    const send = jest.fn(async () => 'ok');
    await expect(session.run('GetService', send)).resolves.toBe('ok');
    const refused = await session.run('GetService', send).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RetryLaterError);
    expect((refused as RetryLaterError).retryAfterSeconds).toBe(1);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('sends a throttled call again with the next token of a slowed budget, three attempts in all', async () => {
    const budget = new CallBudget({ ratePerSecond: 100, burst: 100 });
    const session = new CallSession({ deadline: Date.now() + 5000, log, budget });
    const send = jest.fn(async () => Promise.reject(throttling()));
    await expect(session.run('CreateRule', send)).rejects.toBeInstanceOf(RetryLaterError);
    expect(send).toHaveBeenCalledTimes(3);
    // Each throttling answer halves the rate; the saved-up burst is not spent on the retries.
    expect(budget.stats()).toMatchObject({ throttled: 3, ratePerSecond: 12.5, granted: 3, waited: 2 });
    await session.run('GetRule', async () => 'ok');
    expect(budget.stats().ratePerSecond).toBe(14.5);
    // One call each, as the hook's log and metrics count them.
    expect(session.calls).toEqual([
      { operation: 'CreateRule', ok: false },
      { operation: 'GetRule', ok: true },
    ]);
  });

  it("sends a throttled call again no sooner than the answer's Retry-After", async () => {
    const { clock, now, sleep } = fakeClock();
    const budget = new CallBudget({ ratePerSecond: 100, burst: 100, now, sleep });
    const session = new CallSession({ deadline: Date.now() + 60_000, log, budget });
    let attempts = 0;
    const send = async () => (++attempts === 1 ? Promise.reject(Object.assign(throttling(), { retryAfterSeconds: 3 })) : 'rule');
    await expect(session.run('GetRule', send)).resolves.toBe('rule');
    // The pause, then a token at the halved rate (50 calls/s).
    expect(clock.slept.map(Math.round)).toEqual([3020]);
  });

  it('answers a call throttled once from its second attempt', async () => {
    const budget = new CallBudget({ ratePerSecond: 100, burst: 100 });
    const session = new CallSession({ deadline: Date.now() + 5000, log, budget });
    let attempts = 0;
    const send = async () => (++attempts === 1 ? Promise.reject(throttling()) : 'rule');
    await expect(session.run('GetRule', send)).resolves.toBe('rule');
    expect(attempts).toBe(2);
    expect(session.calls).toEqual([{ operation: 'GetRule', ok: true }]);
  });

  it('answers "retry later" when the next attempt would get its token after the deadline', async () => {
    const budget = new CallBudget({ ratePerSecond: 2, burst: 2 });
    const session = new CallSession({ deadline: Date.now() + 600, log, budget });
    const send = jest.fn(async () => Promise.reject(throttling()));
    const error = await session.run('CreateRule', send).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryLaterError);
    // At 1 call/s after the throttle the next token is a second away, past the deadline.
    expect(send).toHaveBeenCalledTimes(1);
    expect(budget.stats()).toMatchObject({ throttled: 1, refused: 1 });
    // The attempt that reached AWS counts, as the hook's log and metrics count calls.
    expect(session.calls).toEqual([{ operation: 'CreateRule', ok: false }]);
  });
});
