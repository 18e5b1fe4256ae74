import type { FastifyRequest } from 'fastify';
import type { HookName } from '../metacontroller/types';

/** Where the hook routes live. */
export const HOOKS_PREFIX = '/hooks';

/** The route config of a hook route: which controller and hook it serves. */
export interface HookRouteConfig {
  controller: string;
  hook: HookName;
}

/** The controller and hook a request was routed to; none outside the hook routes (404s, bad URLs). */
export function hookRouteOf(request: FastifyRequest): Partial<HookRouteConfig> {
  const config = request.routeOptions.config as Partial<HookRouteConfig> | undefined;
  return { controller: config?.controller, hook: config?.hook };
}
