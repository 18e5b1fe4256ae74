import { SyncQueue } from '../../../tools/metacontroller/syncQueue';

describe("the driver's sync queue", () => {
  it('forgets the retry of an object that is gone, so the world can be stable again', () => {
    const queue = new SyncQueue();
    queue.failed('route|gone');
    queue.retryAfter('route|throttled', 1000);
    // Three quiet resyncs in a row: only polling is left for it.
    for (let i = 0; i < 3; i++) queue.succeeded('route|kept', { fingerprint: 'a', wrote: false, byResync: true, resyncAfterMs: 1000 });
    expect(queue.isStable()).toBe(false);

    queue.retainOnly(new Set(['route|kept']));

    expect(queue.isStable()).toBe(true);
    expect(queue.isIdle()).toBe(false);
    expect(queue.needsSync('route|kept', 'a', 0).changed).toBe(false);
    expect(queue.needsSync('route|gone', 'a', Number.MAX_SAFE_INTEGER)).toEqual({ due: false, changed: true });
  });
});
