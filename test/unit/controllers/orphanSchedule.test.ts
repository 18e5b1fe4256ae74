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
    // The first sweep of a process is due at its first check.
    expect(schedule.due(0, 600, undefined)).toBe(true);
    expect(schedule.mayWait(599_999, 600, undefined)).toBe(true);
    expect(schedule.mayWait(600_000, 600, undefined)).toBe(false);
    schedule.completed(1_000, undefined);
    // Next due at 601 s: it may wait until 1,201 s.
    expect(schedule.mayWait(601_000 + 599_999, 600, undefined)).toBe(true);
    expect(schedule.mayWait(601_000 + 600_000, 600, undefined)).toBe(false);
    // A sweep asked for never waits.
    expect(schedule.mayWait(601_000, 600, 'now')).toBe(false);
  });
});
