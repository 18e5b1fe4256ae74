import type { HookContext, HookController } from '../controllers/types';
import { parseCompositeHookRequest, parseCustomizeHookRequest, parseDecoratorHookRequest } from '../metacontroller/envelope';
import type { HookName, KubeObject } from '../metacontroller/types';

type DecoratorHandlers = Extract<HookController, { wiring: { kind: 'DecoratorController' } }>['handlers'];
type CompositeHandlers = Extract<HookController, { wiring: { kind: 'CompositeController' } }>['handlers'];

/** The object a hook request is about, for log lines; read before the envelope is validated. */
export function rootObjectOf(body: unknown, hook: HookName): KubeObject | undefined {
  const b = body as Record<string, unknown> | undefined;
  return (hook === 'customize' ? b?.parent : (b?.object ?? b?.parent)) as KubeObject | undefined;
}

/** Validates the body as the request of `hook` and hands it to the controller's handler. */
export async function dispatch(controller: HookController, hook: HookName, body: unknown, ctx: HookContext): Promise<unknown> {
  if (hook === 'customize') {
    const request = parseCustomizeHookRequest(controller.wiring.kind, body);
    return controller.handlers.customize?.(request, ctx);
  }
  if (controller.wiring.kind === 'DecoratorController') {
    const handlers = controller.handlers as DecoratorHandlers;
    const request = parseDecoratorHookRequest(hook, body);
    return hook === 'finalize' && handlers.finalize ? handlers.finalize(request, ctx) : handlers.sync(request, ctx);
  }
  const handlers = controller.handlers as CompositeHandlers;
  const request = parseCompositeHookRequest(hook, body);
  return hook === 'finalize' && handlers.finalize ? handlers.finalize(request, ctx) : handlers.sync(request, ctx);
}
