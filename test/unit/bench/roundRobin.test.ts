import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { startRoundRobin, type RoundRobin } from '../../../bench/roundRobin';

async function echoServer(name: string): Promise<{ server: Server; url: string }> {
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      outgoing.writeHead(201, { 'content-type': 'text/plain', 'server-timing': `hook;dur=1.5`, 'x-server': name });
      outgoing.end(`${name} ${incoming.method} ${incoming.url} ${incoming.headers['content-type']} ${Buffer.concat(chunks).toString()}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('the round robin in front of several bench servers', () => {
  let servers: { server: Server; url: string }[];
  let front: RoundRobin;

  beforeEach(async () => {
    servers = [await echoServer('a'), await echoServer('b')];
  });
  afterEach(async () => {
    await front?.close();
    for (const { server } of servers) if (server.listening) await new Promise((resolve) => server.close(resolve));
  });

  it('sends each request to the next server in turn, passing method, path, headers, body and answer through', async () => {
    front = await startRoundRobin(servers.map((s) => s.url));
    const answers: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await request(`${front.url}/hooks/x/sync`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"n":${i}}`,
      });
      expect(response.statusCode).toBe(201);
      expect(response.headers['server-timing']).toBe('hook;dur=1.5');
      answers.push(await response.body.text());
    }
    expect(answers).toEqual([
      'a POST /hooks/x/sync application/json {"n":0}',
      'b POST /hooks/x/sync application/json {"n":1}',
      'a POST /hooks/x/sync application/json {"n":2}',
    ]);
    expect(front.served()).toEqual([2, 1]);
  });

  it('answers 502 naming the server when one is gone', async () => {
    const gone = servers[1] as { server: Server; url: string };
    await new Promise((resolve) => gone.server.close(resolve));
    front = await startRoundRobin(servers.map((s) => s.url));
    await (await request(`${front.url}/x`)).body.text();
    const response = await request(`${front.url}/x`);
    expect(response.statusCode).toBe(502);
    expect(await response.body.text()).toContain(gone.url);
  });

  it('needs a server', async () => {
    await expect(startRoundRobin([])).rejects.toThrow(/at least one server/);
  });
});
