import { TransientRetryStrategy } from '../../../src/lattice/retryStrategy';

describe('the SDK clients retry strategy', () => {
  const strategy = new TransientRetryStrategy(3, () => 1);

  it('retries transient errors, up to three attempts, with a doubling backoff', async () => {
    const first = await strategy.acquireInitialRetryToken();
    const second = await strategy.refreshRetryTokenForRetry(first, { errorType: 'TRANSIENT' });
    expect([second.getRetryCount(), second.getRetryDelay()]).toEqual([1, 100]);
    const third = await strategy.refreshRetryTokenForRetry(second, { errorType: 'TRANSIENT' });
    expect([third.getRetryCount(), third.getRetryDelay()]).toEqual([2, 200]);
    await expect(strategy.refreshRetryTokenForRetry(third, { errorType: 'TRANSIENT' })).rejects.toThrow();
  });

  it('leaves throttling to the call budget, and retries neither client errors nor other server errors (as standard mode)', async () => {
    const first = await strategy.acquireInitialRetryToken();
    for (const errorType of ['THROTTLING', 'CLIENT_ERROR', 'SERVER_ERROR'] as const)
      await expect(strategy.refreshRetryTokenForRetry(first, { errorType })).rejects.toThrow();
  });

  it('waits for a Retry-After longer than its backoff, by at most five seconds more', async () => {
    const first = await strategy.acquireInitialRetryToken();
    const hinted = (seconds: number) =>
      strategy.refreshRetryTokenForRetry(first, { errorType: 'TRANSIENT', retryAfterHint: new Date(Date.now() + seconds * 1000) });
    expect((await hinted(2)).getRetryDelay()).toBeGreaterThan(1900);
    expect((await hinted(60)).getRetryDelay()).toBe(5100);
    expect((await hinted(-1)).getRetryDelay()).toBe(100);
  });

  it('jitters the backoff over the whole interval', async () => {
    const jittered = new TransientRetryStrategy(3, () => 0.25);
    const token = await jittered.refreshRetryTokenForRetry(await jittered.acquireInitialRetryToken(), { errorType: 'TRANSIENT' });
    expect(token.getRetryDelay()).toBe(25);
  });
});
