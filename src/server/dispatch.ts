import type { ControllerWiring, HookContext, HookController } from '../controllers/types';
import { parseCompositeHookRequest, parseCustomizeHookRequest, parseDecoratorHookRequest } from '../metacontroller/envelope';
import { checkObjectShape, hasCanonicalSpelling } from '../gatewayapi/objectShapes';
import { HookRequestError } from '../errors';
import type { HookName, KubeObject, ObjectMap } from '../metacontroller/types';

type DecoratorHandlers = Extract<HookController, { wiring: { kind: 'DecoratorController' } }>['handlers'];
type CompositeHandlers = Extract<HookController, { wiring: { kind: 'CompositeController' } }>['handlers'];

/** The object a hook request is about, for log lines; read before the envelope is validated. */
export function rootObjectOf(body: unknown, hook: HookName): KubeObject | undefined {
  const b = body as Record<string, unknown> | undefined;
  return (hook === 'customize' ? b?.parent : (b?.object ?? b?.parent)) as KubeObject | undefined;
}

const pointer = (part: string) => part.replaceAll('~', '~0').replaceAll('/', '~1');

/** The Kubernetes plural of a kind (`Gateway` → gateways, `GatewayClass` → gatewayclasses, `…Policy` → …policies). */
function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return lower.endsWith('s') ? `${lower}es` : `${lower}s`;
}

/**
 * The object a hook is about must be of a kind the controller watches: its shape is checked by
 * its kind, so a kind that lies would reach the controller's readers unchecked.
 */
function checkRootKind(wiring: ControllerWiring, root: KubeObject, where: string): void {
  const watched = wiring.kind === 'DecoratorController' ? wiring.resources.map((r) => r.resource) : [wiring.parentResource.resource];
  // Spelled exactly: a kind checked by shape under one spelling must not reach the readers under another.
  if (typeof root.kind === 'string' && watched.includes(pluralOf(root.kind)) && hasCanonicalSpelling(root.kind)) return;
  throw new HookRequestError(
    'LGW_HOOK_INVALID_OBJECT',
    `${where}/kind: ${JSON.stringify(root.kind)} is not a kind the ${wiring.name} hooks serve (${watched.join(', ')})`,
    `${where}/kind`,
  );
}

/** Every object of the request with its JSON pointer, checked for the shapes the readers rely on. */
function checkShapes(wiring: ControllerWiring, rootField: 'object' | 'parent', root: KubeObject, maps: Record<string, ObjectMap>): void {
  checkRootKind(wiring, root, `/${rootField}`);
  checkObjectShape(root, `/${rootField}`);
  for (const [field, map] of Object.entries(maps)) {
    for (const [group, objects] of Object.entries(map)) {
      for (const key of Object.keys(objects))
        checkObjectShape(objects[key] as KubeObject, () => `/${field}/${pointer(group)}/${pointer(key)}`);
    }
  }
}

/** Validates the body as the request of `hook` and hands it to the controller's handler. */
export async function dispatch(controller: HookController, hook: HookName, body: unknown, ctx: HookContext): Promise<unknown> {
  if (hook === 'customize') {
    const request = parseCustomizeHookRequest(controller.wiring.kind, body);
    checkShapes(controller.wiring, 'parent', request.parent, {});
    return controller.handlers.customize?.(request, ctx);
  }
  if (controller.wiring.kind === 'DecoratorController') {
    const handlers = controller.handlers as DecoratorHandlers;
    const request = parseDecoratorHookRequest(hook, body);
    checkShapes(controller.wiring, 'object', request.object, { attachments: request.attachments, related: request.related });
    return hook === 'finalize' && handlers.finalize ? handlers.finalize(request, ctx) : handlers.sync(request, ctx);
  }
  const handlers = controller.handlers as CompositeHandlers;
  const request = parseCompositeHookRequest(hook, body);
  checkShapes(controller.wiring, 'parent', request.parent, { children: request.children, related: request.related });
  return hook === 'finalize' && handlers.finalize ? handlers.finalize(request, ctx) : handlers.sync(request, ctx);
}
