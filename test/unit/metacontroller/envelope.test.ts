import { HookRequestError } from '../../../src/errors';
import { parseCompositeHookRequest, parseCustomizeHookRequest, parseDecoratorHookRequest } from '../../../src/metacontroller/envelope';

const controller = { apiVersion: 'metacontroller.k8s.io/v1alpha1', kind: 'DecoratorController', metadata: { name: 'x' }, spec: {} };
const object = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'edge', namespace: 'infra', generation: 2 } };

function pathOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof HookRequestError) {
      expect(error.statusCode).toBe(400);
      expect(error.code).toBe('LGW_HOOK_INVALID_ENVELOPE');
      expect(error.message).toContain(error.path);
      return error.path;
    }
    throw error;
  }
  throw new Error('expected a HookRequestError');
}

describe('hook envelopes', () => {
  it('accepts a decorator sync request and fills absent maps', () => {
    const request = parseDecoratorHookRequest('sync', { controller, object });
    expect(request).toEqual({ controller, object, attachments: {}, related: {}, finalizing: false });
  });

  it('marks finalize requests as finalizing even without the flag', () => {
    expect(parseDecoratorHookRequest('finalize', { controller, object }).finalizing).toBe(true);
    expect(parseCompositeHookRequest('finalize', { controller, parent: object, children: {} }).finalizing).toBe(true);
  });

  it.each([
    [{ object }, '/controller'],
    [{ controller }, '/object'],
    [{ controller, object: { ...object, metadata: { namespace: 'x' } } }, '/object/metadata/name'],
    [{ controller, object: { ...object, kind: 3 } }, '/object/kind'],
    [{ controller, object: { ...object, metadata: { ...object.metadata, labels: { a: 1 } } } }, '/object/metadata/labels/a'],
    [{ controller, object: { ...object, metadata: { ...object.metadata, generation: -1 } } }, '/object/metadata/generation'],
    [{ controller, object, related: { 'Service.v1': { 'a/b': { kind: 'Service', metadata: { name: 'b' } } } } }, '/related/Service.v1/a~1b/apiVersion'],
    [{ controller, object, related: [] }, '/related'],
    [{ controller, object, finalizing: 'yes' }, '/finalizing'],
    // Cache keys and client tokens are built from the uid: never empty, never megabytes.
    [{ controller, object: { ...object, metadata: { ...object.metadata, uid: '' } } }, '/object/metadata/uid'],
    [{ controller, object: { ...object, metadata: { ...object.metadata, uid: 'u'.repeat(129) } } }, '/object/metadata/uid'],
  ])('names the offending field of %j', (body, path) => {
    expect(pathOf(() => parseDecoratorHookRequest('sync', body))).toBe(path);
  });

  it('refuses a body that is not an object', () => {
    expect(pathOf(() => parseDecoratorHookRequest('sync', [1]))).toBe('/');
    expect(pathOf(() => parseDecoratorHookRequest('sync', null))).toBe('/');
  });

  it('wants `parent` for composite sync and for every customize request', () => {
    expect(pathOf(() => parseCompositeHookRequest('sync', { controller, object }))).toBe('/parent');
    expect(pathOf(() => parseCustomizeHookRequest('DecoratorController', { controller, object }))).toBe('/parent');
    expect(parseCustomizeHookRequest('DecoratorController', { controller, parent: object }).parent).toBe(object);
  });
});
