import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AdminApi } from '../../../tools/emulatorAdmin';

/**
 * A server that drops the connection of its first `drops` requests unanswered (a kept-alive
 * connection closed under the caller), then answers `answer`.
 */
async function dropping(drops: number, answer = JSON.stringify({ total: 0, byOperation: {} })) {
  const seen: string[] = [];
  const server: Server = createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    if (seen.length <= drops) {
      request.socket.destroy();
      return;
    }
    response.setHeader('content-type', 'application/json');
    response.end(answer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return { admin: new AdminApi(`http://127.0.0.1:${(server.address() as AddressInfo).port}`), seen, close };
}

describe('AdminApi', () => {
  const worlds: { close(): Promise<void> }[] = [];
  const world = async (drops: number, answer?: string) => {
    const made = await dropping(drops, answer);
    worlds.push(made);
    return made;
  };
  afterEach(async () => {
    for (const made of worlds.splice(0)) await made.close();
  });

  it('sends a read again once when its connection is dropped', async () => {
    const { admin, seen } = await world(1);
    await expect(admin.calls()).resolves.toEqual({ total: 0, byOperation: {} });
    expect(seen).toEqual(['GET /_emulator/calls', 'GET /_emulator/calls']);
  });

  it('sends a read twice at most', async () => {
    const { admin, seen } = await world(Infinity);
    await expect(admin.calls()).rejects.toThrow('fetch failed');
    expect(seen).toEqual(['GET /_emulator/calls', 'GET /_emulator/calls']);
  });

  it('does not send a read again for an answer it cannot read', async () => {
    const { admin, seen } = await world(0, 'not json');
    await expect(admin.calls()).rejects.toThrow(SyntaxError);
    expect(seen).toEqual(['GET /_emulator/calls']);
  });

  it('never sends a write twice', async () => {
    const { admin, seen } = await world(Infinity);
    await expect(admin.config({ throttle: null })).rejects.toThrow('fetch failed');
    await expect(admin.resetCalls()).rejects.toThrow('fetch failed');
    expect(seen).toEqual(['POST /_emulator/config', 'DELETE /_emulator/calls']);
  });
});
