import type { RouteModelOptions } from '../../model/routeModel';
import type { HookContext } from '../types';

/** The model options every route hook builds with: this installation's identity and Lattice quotas. */
export function routeModelOptionsOf(ctx: HookContext): RouteModelOptions & { controllerName: string } {
  return {
    identity: ctx.aws.identity,
    maxRulesPerListener: ctx.config.rulesPerListener,
    maxListenersPerService: ctx.config.listenersPerService,
    controllerName: ctx.config.controllerName,
  };
}
