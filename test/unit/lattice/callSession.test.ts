import pino from 'pino';
import { RetryLaterError } from '../../../src/errors';
import { CallSession } from '../../../src/lattice/callSession';

const log = pino({ level: 'silent' });
const session = () => new CallSession({ deadline: Date.now() + 5000, log });
const failWith = (error: unknown) => session().run('CreateRule', async () => Promise.reject(error));

describe('CallSession: which failures retry the hook later', () => {
  it('retries a connection lost mid-call (the call may have taken effect: the next pass finds out)', async () => {
    const reset = Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET' });
    expect(await failWith(reset).catch((e: unknown) => e)).toBeInstanceOf(RetryLaterError);
    expect(
      await failWith(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })).catch((e: unknown) => e),
    ).toBeInstanceOf(RetryLaterError);
  });

  it('recognises the same errors once the SDK has wrapped them (a rejection from another realm loses name and code)', async () => {
    for (const message of ['AWS SDK error wrapper for TimeoutError: socket hang up', 'AWS SDK error wrapper for Error: read ECONNRESET']) {
      const wrapped = Object.assign(new Error(message), { $metadata: { attempts: 3 } });
      const error = await failWith(wrapped).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RetryLaterError);
      expect((error as RetryLaterError).retryAfterSeconds).toBe(1);
    }
  });

  it('lets other errors through as they are', async () => {
    const other = new Error('AWS SDK error wrapper for [object Object]');
    expect(await failWith(other).catch((e: unknown) => e)).toBe(other);
    const validation = Object.assign(new Error('bad'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    expect(await failWith(validation).catch((e: unknown) => e)).toBe(validation);
  });
});
