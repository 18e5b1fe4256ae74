import type { FastifyRequest } from 'fastify';
import { translateFastifyError } from '../../../src/server/fastifyErrors';

const request = { routeOptions: { bodyLimit: 1024 } } as unknown as FastifyRequest;

describe('Fastify errors answered with our codes', () => {
  it('answers a body the client stopped sending (a stream error with a 4xx status) as invalid JSON, not as an internal error', () => {
    const aborted = Object.assign(new Error('aborted'), { code: 'ECONNRESET', statusCode: 400 });
    expect(translateFastifyError(aborted, request)).toEqual({
      code: 'LGW_HOOK_INVALID_JSON',
      message: 'request body could not be read',
      path: '/',
    });
  });

  it('leaves any other error to the internal-error answer', () => {
    expect(translateFastifyError(new Error('boom'), request)).toBeUndefined();
    expect(translateFastifyError(Object.assign(new Error('boom'), { statusCode: 503 }), request)).toBeUndefined();
    expect(translateFastifyError('not an error', request)).toBeUndefined();
  });
});
