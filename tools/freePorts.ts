import { createServer, type AddressInfo } from 'node:net';

/**
 * `count` loopback ports free now, for servers that must know their own address before they
 * listen (a replica's REPLICA_ADDRESS). All are held open until each is known, so they differ.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
    return servers.map((server) => (server.address() as AddressInfo).port);
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

/** The REPLICA_* variables of `ports.length` replicas on loopback, the i-th listening on `ports[i]`. */
export function replicaEnvs(ports: readonly number[]): Record<string, string>[] {
  const addresses = ports.map((port) => `127.0.0.1:${port}`);
  return ports.map((port, i) => ({
    PORT: String(port),
    REPLICA_ADDRESS: addresses[i] as string,
    REPLICA_PEERS: addresses.join(','),
  }));
}
