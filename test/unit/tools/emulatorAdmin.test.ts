import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AdminApi } from '../../../tools/emulatorAdmin';

/** A server that drops the connection of its first request unanswered (a kept-alive connection closed under the caller), then answers. */
async function droppingFirst(): Promise<{ server: Server; endpoint: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    if (seen.length === 1) {
      request.socket.destroy();
      return;
    }
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ total: 0, byOperation: {} }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('AdminApi', () => {
  let world: Awaited<ReturnType<typeof droppingFirst>>;
  beforeEach(async () => {
    world = await droppingFirst();
  });
  afterEach(async () => {
    world.server.closeAllConnections();
    await new Promise((resolve) => world.server.close(resolve));
  });

  it('sends a read again once when its connection is dropped', async () => {
    await expect(new AdminApi(world.endpoint).calls()).resolves.toEqual({ total: 0, byOperation: {} });
    expect(world.seen).toEqual(['GET /_emulator/calls', 'GET /_emulator/calls']);
  });

  it('never sends a write twice', async () => {
    await expect(new AdminApi(world.endpoint).config({ throttle: null })).rejects.toThrow('fetch failed');
    expect(world.seen).toEqual(['POST /_emulator/config']);
  });
});
