import { createServer, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface Relay {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  close(): Promise<void>;
}

/**
 * An HTTP relay to `target` (http or https; a test server's certificate is not checked) that adds
 * `headers` to every request: a driver that speaks HTTP reaches a TLS server through it, and a
 * request can be made to look handed over by another replica.
 */
export async function startRelay(target: string, headers: Record<string, string> = {}): Promise<Relay> {
  const https = new URL(target).protocol === 'https:';
  const server = createServer((incoming, outgoing) => {
    const options = {
      method: incoming.method,
      headers: { ...incoming.headers, ...headers },
      ...(https ? { rejectUnauthorized: false } : {}),
    };
    const url = new URL(incoming.url ?? '/', target);
    const upstream = (https ? httpsRequest : httpRequest)(url, options, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    upstream.on('error', () => outgoing.writeHead(502).end());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
