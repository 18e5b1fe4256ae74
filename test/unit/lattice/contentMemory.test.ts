import { ContentMemory, createRuleMemory, MIN_RULE_AGE_MS } from '../../../src/lattice/contentMemory';

const MAX_AGE_MS = 60_000;

const ARN =
  'arn:aws:vpc-lattice:us-west-2:111122223333:service/svc-0123456789abcdef0/listener/listener-0123456789abcdef0/rule/rule-0123456789abcdef0';
const ID = 'rule-0123456789abcdef0';
const at = (ms: number) => new Date(ms);

function memoryAt(clock: { now: number }, maxEntries = 10) {
  return new ContentMemory<{ priority: number }>({ maxEntries, maxAgeMs: MAX_AGE_MS, now: () => clock.now });
}

describe('ContentMemory', () => {
  it('gives back what a Get read while the list shows the same lastUpdatedAt, and nothing once it moved', () => {
    const clock = { now: 0 };
    const memory = memoryAt(clock);
    memory.rememberRead(ARN, at(5_000), { priority: 1 });
    expect(memory.recall(ARN, { createdAt: at(1_000), lastUpdatedAt: at(5_000) })).toEqual({ priority: 1 });
    // Named by id, as updates may name it.
    expect(memory.recall(ID, { createdAt: at(1_000), lastUpdatedAt: at(5_000) })).toEqual({ priority: 1 });
    expect(memory.recall(ARN, { createdAt: at(1_000), lastUpdatedAt: at(5_001) })).toBeUndefined();
    expect(memory.recall(ARN, { createdAt: at(1_000) })).toBeUndefined();
  });

  it("gives back a create's answer only while the resource was never updated", () => {
    const clock = { now: 0 };
    const memory = memoryAt(clock);
    memory.rememberCreated(ARN, { priority: 2 });
    expect(memory.recall(ARN, { createdAt: at(7_000), lastUpdatedAt: at(7_000) })).toEqual({ priority: 2 });
    expect(memory.recall(ARN, { createdAt: at(7_000), lastUpdatedAt: at(9_000) })).toBeUndefined();
    expect(memory.recall(ARN, { lastUpdatedAt: at(7_000) })).toBeUndefined();
  });

  it('forgets on request, by id or ARN, and remembers nothing of a Get without a timestamp', () => {
    const clock = { now: 0 };
    const memory = memoryAt(clock);
    memory.rememberRead(ARN, at(5_000), { priority: 1 });
    memory.forget(ID);
    expect(memory.recall(ARN, { lastUpdatedAt: at(5_000) })).toBeUndefined();
    memory.rememberCreated(ARN, { priority: 1 });
    memory.rememberRead(ARN, undefined, { priority: 3 });
    expect(memory.recall(ARN, { createdAt: at(1), lastUpdatedAt: at(1) })).toBeUndefined();
    expect(memory.size).toBe(0);
  });

  it('trusts an entry for its maximum age at most, and not across a clock stepped back', () => {
    const clock = { now: 1_000_000 };
    const memory = memoryAt(clock);
    const unchanged = { lastUpdatedAt: at(5_000) };
    memory.rememberRead(ARN, at(5_000), { priority: 1 });
    clock.now += MAX_AGE_MS - 1;
    expect(memory.recall(ARN, unchanged)).toEqual({ priority: 1 });
    clock.now += 1;
    expect(memory.recall(ARN, unchanged)).toBeUndefined();
    memory.rememberRead(ARN, at(5_000), { priority: 1 });
    clock.now -= 1;
    expect(memory.recall(ARN, unchanged)).toBeUndefined();
  });

  it('trusts a remembered rule for three drift windows, and 30 minutes at least', () => {
    const rule = { name: 'r', priority: 1 };
    const unchanged = { lastUpdatedAt: at(5_000) };
    const trustedFor = (driftCheckSeconds: number) => {
      const clock = { now: 0 };
      const memory = createRuleMemory(driftCheckSeconds, () => clock.now);
      memory.rememberRead(ARN, at(5_000), rule);
      clock.now = 3 * 3_600_000 - 1;
      const threeHoursLess1 = memory.recall(ARN, unchanged) !== undefined;
      memory.rememberRead(ARN, at(5_000), rule);
      clock.now += MIN_RULE_AGE_MS - 1;
      const halfHourLess1 = memory.recall(ARN, unchanged) !== undefined;
      clock.now += 1;
      return { threeHoursLess1, halfHourLess1, halfHour: memory.recall(ARN, unchanged) !== undefined };
    };
    // DRIFT_CHECK_SECONDS=3600: verifications up to an hour (two when deferred) apart still find it.
    expect(trustedFor(3600)).toEqual({ threeHoursLess1: true, halfHourLess1: true, halfHour: true });
    expect(trustedFor(600)).toEqual({ threeHoursLess1: false, halfHourLess1: true, halfHour: false });
    expect(trustedFor(0)).toEqual({ threeHoursLess1: false, halfHourLess1: true, halfHour: false });
  });

  it('hands out copies: a caller changing what it got changes nothing remembered', () => {
    const memory = memoryAt({ now: 0 });
    const read = { priority: 1 };
    memory.rememberRead(ARN, at(5_000), read);
    read.priority = 9;
    const first = memory.recall(ARN, { lastUpdatedAt: at(5_000) });
    if (first) first.priority = 8;
    expect(memory.recall(ARN, { lastUpdatedAt: at(5_000) })).toEqual({ priority: 1 });
  });

  it('lets the entry remembered first go first when full', () => {
    const memory = memoryAt({ now: 0 }, 2);
    const arn = (n: number) => ARN.replace(ID, `rule-${String(n).padStart(17, '0')}`);
    memory.rememberRead(arn(1), at(1), { priority: 1 });
    memory.rememberRead(arn(2), at(1), { priority: 2 });
    memory.rememberRead(arn(1), at(2), { priority: 1 });
    memory.rememberRead(arn(3), at(1), { priority: 3 });
    expect(memory.size).toBe(2);
    expect(memory.recall(arn(2), { lastUpdatedAt: at(1) })).toBeUndefined();
    expect(memory.recall(arn(1), { lastUpdatedAt: at(2) })).toEqual({ priority: 1 });
    expect(memory.recall(arn(3), { lastUpdatedAt: at(1) })).toEqual({ priority: 3 });
  });
});
