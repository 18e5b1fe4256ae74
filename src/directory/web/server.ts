import { isIPv4, isIPv6 } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Logger } from '../../log';
import type { ErrorCode } from '../../errors';
import { bearerTokenMatches } from '../../server/auth';
import type { Refresher } from './refresher';

/** The page's files, served as they are: no build step, no framework, nothing fetched from elsewhere. */
const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/topology.js': { file: 'topology.js', type: 'text/javascript; charset=utf-8' },
  '/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

export const ASSETS_DIR = join(__dirname, 'assets');

export interface DirectoryPageOptions {
  refresher: Refresher;
  refreshSeconds: number;
  /** When set, /api/ answers only requests with `Authorization: Bearer <token>`. */
  authToken?: string;
  logger: Logger;
  now?: () => number;
}

/**
 * The directory's read-only web page: static files (the page asks for the token, when one is
 * needed, and sends it on its API calls), `GET /api/directory` (the latest directory, its age and
 * the last refresh error) and `GET /healthz`. Nothing here writes to AWS.
 */
export async function buildDirectoryPage(options: DirectoryPageOptions): Promise<FastifyInstance> {
  const now = options.now ?? Date.now;
  const app = Fastify({
    loggerInstance: options.logger.child({ component: 'directory-page' }),
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: true,
  }) as unknown as FastifyInstance;
  const files = new Map(
    Object.entries(ASSETS).map(([path, asset]) => [path, { body: readFileSync(join(ASSETS_DIR, asset.file), 'utf8'), type: asset.type }]),
  );
  const securityHeaders = {
    'content-security-policy':
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  };

  if (options.authToken === undefined) {
    app.addHook('onRequest', async (request, reply) => {
      if (namesNoDomain(request.headers.host, request.raw.url)) return;
      await reply
        .code(421)
        .headers(securityHeaders)
        .send({
          code: 'LGW_DIRECTORY_HOST_REFUSED' satisfies ErrorCode,
          message: 'without DIRECTORY_AUTH_TOKEN this page answers only requests to localhost or an IP address',
        });
    });
  }

  for (const [path, file] of files) {
    app.get(path, async (_request, reply) => reply.headers(securityHeaders).type(file.type).send(file.body));
  }
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/api/directory', async (request, reply) => {
    reply.headers(securityHeaders);
    if (options.authToken !== undefined && !bearerTokenMatches(request.headers.authorization, options.authToken)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ code: 'LGW_DIRECTORY_UNAUTHORIZED' satisfies ErrorCode, message: 'missing or wrong bearer token (DIRECTORY_AUTH_TOKEN)' });
    }
    const snapshot = options.refresher.snapshot();
    const ageSeconds = snapshot.refreshedAt === null ? null : Math.max(0, Math.round((now() - Date.parse(snapshot.refreshedAt)) / 1000));
    return { ...snapshot, ageSeconds, refreshSeconds: options.refreshSeconds };
  });
  return app;
}

/** A Host header's host and port: a name, an IPv4 address, or an IPv6 address in brackets. */
const HOST_HEADER = /^(?:\[([0-9a-f:.]+)\]|([^:[\]]+))(?::\d*)?$/i;

/**
 * Whether a request names no domain: its Host is `localhost` or an IP address, and its target is a
 * path (not a URL naming another authority). Without a token the page answers nothing else: a web
 * page could otherwise rebind its own domain name to an address that reaches this one (loopback, a
 * `kubectl port-forward`, the pod's IP) and read the directory from the browser of whoever opens it
 * (DNS rebinding). A rebinding request always names the attacker's domain.
 */
export function namesNoDomain(hostHeader: string | undefined, target: string | undefined): boolean {
  if (!target?.startsWith('/')) return false;
  const match = HOST_HEADER.exec((hostHeader ?? '').trim());
  if (!match) return false;
  if (match[1] !== undefined) return isIPv6(match[1]);
  const name = (match[2] ?? '').toLowerCase();
  return name === 'localhost' || isIPv4(name);
}
