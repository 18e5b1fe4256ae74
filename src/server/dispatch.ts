import type { HookContext, HookController } from '../controllers/types';
import { parseCompositeHookRequest, parseCustomizeHookRequest, parseDecoratorHookRequest } from '../metacontroller/envelope';
import { checkObjectShape } from '../gatewayapi/objectShapes';
import type { HookName, KubeObject, ObjectMap } from '../metacontroller/types';

type DecoratorHandlers = Extract<HookController, { wiring: { kind: 'DecoratorController' } }>['handlers'];
type CompositeHandlers = Extract<HookController, { wiring: { kind: 'CompositeController' } }>['handlers'];

/** The object a hook request is about, for log lines; read before the envelope is validated. */
export function rootObjectOf(body: unknown, hook: HookName): KubeObject | undefined {
  const b = body as Record<string, unknown> | undefined;
  return (hook === 'customize' ? b?.parent : (b?.object ?? b?.parent)) as KubeObject | undefined;
}

const pointer = (part: string) => part.replaceAll('~', '~0').replaceAll('/', '~1');

/** Every object of the request with its JSON pointer, checked for the shapes the readers rely on. */
function checkShapes(rootField: 'object' | 'parent', root: KubeObject, maps: Record<string, ObjectMap>): void {
  checkObjectShape(root, `/${rootField}`);
  for (const [field, map] of Object.entries(maps)) {
    for (const [group, objects] of Object.entries(map)) {
      for (const [key, object] of Object.entries(objects)) checkObjectShape(object, `/${field}/${pointer(group)}/${pointer(key)}`);
    }
  }
}

/** Validates the body as the request of `hook` and hands it to the controller's handler. */
export async function dispatch(controller: HookController, hook: HookName, body: unknown, ctx: HookContext): Promise<unknown> {
  if (hook === 'customize') {
    const request = parseCustomizeHookRequest(controller.wiring.kind, body);
    checkShapes('parent', request.parent, {});
    return controller.handlers.customize?.(request, ctx);
  }
  if (controller.wiring.kind === 'DecoratorController') {
    const handlers = controller.handlers as DecoratorHandlers;
    const request = parseDecoratorHookRequest(hook, body);
    checkShapes('object', request.object, { attachments: request.attachments, related: request.related });
    return hook === 'finalize' && handlers.finalize ? handlers.finalize(request, ctx) : handlers.sync(request, ctx);
  }
  const handlers = controller.handlers as CompositeHandlers;
  const request = parseCompositeHookRequest(hook, body);
  checkShapes('parent', request.parent, { children: request.children, related: request.related });
  return hook === 'finalize' && handlers.finalize ? handlers.finalize(request, ctx) : handlers.sync(request, ctx);
}
