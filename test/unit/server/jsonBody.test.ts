import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { parseJsonAsItArrives } from '../../../src/server/jsonBody';

/** A server that answers with the body it parsed. */
async function echo(): Promise<FastifyInstance> {
  const app = Fastify({ bodyLimit: 16 * 1024 * 1024 });
  parseJsonAsItArrives(app);
  app.post('/echo', async (request) => ({ parsed: request.body }));
  await app.ready();
  return app;
}

/** `bytes` sent in chunks of `size` bytes, so a multi-byte character can straddle two of them. */
function inChunks(bytes: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts);
}

describe('JSON request bodies', () => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await echo();
  });
  afterEach(async () => app.close());

  const post = (payload: Buffer | Readable, length: number) =>
    app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json', 'content-length': String(length) },
      payload,
    });

  it('reads a plain ASCII body', async () => {
    const body = Buffer.from(JSON.stringify({ name: 'shop', ports: [80, 443], note: 'a\\u00e9b' }));
    const res = await post(inChunks(body, 7), body.length);
    expect(res.json()).toEqual({ parsed: { name: 'shop', ports: [80, 443], note: 'a\\u00e9b' } });
  });

  it('decodes UTF-8 outside ASCII, also a character split across chunks', async () => {
    const value = { owner: 'José Müller', team: '配送', icon: '🚀' };
    const body = Buffer.from(JSON.stringify(value));
    for (const size of [1, 2, 3, 5, body.length]) expect((await post(inChunks(body, size), body.length)).json()).toEqual({ parsed: value });
  });

  it('reads each body as sent while its bytes are decoded in a buffer shared between requests', async () => {
    const long = { padding: 'x'.repeat(100_000), owner: 'José' };
    const short = { a: 1 };
    const asBytes = (value: unknown) => Buffer.from(JSON.stringify(value));
    // A short body after a long one: nothing of the long one is read with it.
    // Past 8 MiB a body is not decoded in the shared buffer: the same answers.
    const huge = { padding: 'y'.repeat(9 * 1024 * 1024) };
    for (const value of [long, short, long, { b: '配送' }, short, huge, short]) {
      const body = asBytes(value);
      expect((await post(inChunks(body, 4096), body.length)).json()).toEqual({ parsed: value });
    }
    // Bodies arriving at once, chunk by chunk.
    const values = [long, short, { c: 'x'.repeat(50_000) }, { d: '🚀' }];
    const answers = await Promise.all(values.map((value) => post(inChunks(asBytes(value), 1000), asBytes(value).length)));
    expect(answers.map((answer) => answer.json())).toEqual(values.map((parsed) => ({ parsed })));
  });

  it('skips a byte order mark, and refuses an empty, truncated or invalid body with Fastify’s codes', async () => {
    const json = Buffer.from('{"a":1}');
    const withMark = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json]);
    expect((await post(withMark, withMark.length)).json()).toEqual({ parsed: { a: 1 } });
    expect((await post(Buffer.from(''), 0)).json()).toMatchObject({ code: 'FST_ERR_CTP_EMPTY_JSON_BODY' });
    expect((await post(Buffer.from('{"a":'), 5)).json()).toMatchObject({ code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
    expect((await post(inChunks(json, 3), json.length + 4)).json()).toMatchObject({ code: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' });
  });
});
