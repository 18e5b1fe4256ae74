import { createServer, request, Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RoundRobin {
  /** `http://127.0.0.1:<port>`: where the driver sends its hook calls. */
  url: string;
  /** Requests sent to each server, in the order the servers were given. */
  served(): number[];
  close(): Promise<void>;
}

/**
 * Several hook servers behind one address, each request to the next server in turn: the replicas
 * of a Deployment behind its Service. Metacontroller's workers hold several connections and
 * kube-proxy picks a pod per connection, so consecutive passes of one object land on any replica;
 * taking turns per request is that spread without its randomness, so that runs compare.
 */
export async function startRoundRobin(servers: readonly string[]): Promise<RoundRobin> {
  if (servers.length === 0) throw new Error('a round robin needs at least one server');
  const agent = new Agent({ keepAlive: true });
  const counts = servers.map(() => 0);
  let next = 0;
  const forward = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const turn = next;
    next = (next + 1) % servers.length;
    counts[turn] = (counts[turn] ?? 0) + 1;
    const target = new URL(incoming.url ?? '/', servers[turn]);
    const upstream = request(target, { method: incoming.method, headers: incoming.headers, agent }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    upstream.on('error', (error) => {
      if (!outgoing.headersSent) outgoing.writeHead(502, { 'content-type': 'text/plain' });
      outgoing.end(`round robin: ${servers[turn]} failed: ${error.message}`);
    });
    incoming.pipe(upstream);
  };
  const server = createServer({ keepAliveTimeout: 90_000 }, forward);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    served: () => [...counts],
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
