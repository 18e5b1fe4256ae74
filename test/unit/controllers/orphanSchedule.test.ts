import { SweepSchedule } from '../../../src/controllers/orphans';

describe('when a sweep is due', () => {
  it('is due at the first check of a process, then once per period', () => {
    const schedule = new SweepSchedule();
    expect(schedule.due(0, 600, undefined)).toBe(true);
    schedule.completed(1_000, undefined);
    expect(schedule.due(1_000 + 599_999, 600, undefined)).toBe(false);
    expect(schedule.due(1_000 + 600_000, 600, undefined)).toBe(true);
  });

  it('is due at once when a new sweep request is set, once per request value', () => {
    const schedule = new SweepSchedule();
    schedule.completed(0, undefined);
    expect(schedule.due(10, 600, 'monday')).toBe(true);
    schedule.completed(10, 'monday');
    expect(schedule.due(20, 600, 'monday')).toBe(false);
    // Removing the request asks for nothing.
    expect(schedule.due(20, 600, undefined)).toBe(false);
    expect(schedule.due(20, 600, 'tuesday')).toBe(true);
  });

  it('lets a sweep due by its period wait for a free budget while it is less than a period late', () => {
    const schedule = new SweepSchedule();
    schedule.completed(1_000, undefined);
    // Next due at 601 s: it may wait until 1,201 s.
    expect(schedule.due(601_000, 600, undefined)).toBe(true);
    expect(schedule.mayWait(601_000, 600, undefined)).toBe(true);
    expect(schedule.mayWait(601_000 + 599_999, 600, undefined)).toBe(true);
    expect(schedule.mayWait(601_000 + 600_000, 600, undefined)).toBe(false);
  });

  it('never lets wait the first sweep of a process, a sweep asked for, or one under way', () => {
    // A process restarted more often than the period would never sweep.
    const fresh = new SweepSchedule();
    for (const at of [0, 10_000, 20_000]) expect(fresh.due(at, 600, undefined)).toBe(true);
    expect(fresh.mayWait(20_000, 600, undefined)).toBe(false);

    const schedule = new SweepSchedule();
    schedule.completed(0, undefined);
    expect(schedule.mayWait(600_000, 600, 'now')).toBe(false);
    // A pass that left work: its next passes finish the sweep, busy budget or not, until it completes.
    schedule.continuing();
    expect(schedule.mayWait(610_000, 600, undefined)).toBe(false);
    schedule.completed(620_000, undefined);
    expect(schedule.mayWait(1_220_000, 600, undefined)).toBe(true);
  });
});
