import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { HookRequestError } from '../errors';
import type {
  CompositeHookRequest,
  ControllerKind,
  CustomizeHookRequest,
  DecoratorHookRequest,
  HookName,
  ObjectMap,
} from './types';

/**
 * Envelope validation: the request must have the shape Metacontroller sends, down to each
 * object's apiVersion/kind/metadata.name, so that later code can rely on those fields. The
 * contents of spec and status are the business of the typed views, not of the envelope.
 */

const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;

const kubeObject = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata'],
  properties: {
    apiVersion: { type: 'string', minLength: 1 },
    kind: { type: 'string', minLength: 1 },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 1 },
        namespace: { type: 'string' },
        // Cache keys and client tokens are built from it (names are checked with each kind's
        // shape): a forged request must not make it megabytes long, or empty and shared by all.
        uid: { type: 'string', minLength: 1, maxLength: 128 },
        generation: { type: 'integer', minimum: 0 },
        resourceVersion: { type: 'string' },
        creationTimestamp: { type: 'string' },
        deletionTimestamp: { type: 'string' },
        labels: stringMap,
        annotations: stringMap,
        finalizers: { type: 'array', items: { type: 'string' } },
        ownerReferences: { type: 'array', items: { type: 'object' } },
      },
    },
  },
} as const;

const objectMap = {
  type: 'object',
  additionalProperties: { type: 'object', additionalProperties: { $ref: '#/$defs/kubeObject' } },
} as const;

const controllerObject = {
  type: 'object',
  required: ['kind'],
  properties: { kind: { type: 'string' }, spec: { type: 'object' } },
} as const;

function envelope(rootField: 'object' | 'parent', mapFields: readonly string[], withFinalizing: boolean) {
  const properties: Record<string, unknown> = {
    controller: controllerObject,
    [rootField]: { $ref: '#/$defs/kubeObject' },
  };
  for (const field of mapFields) properties[field] = objectMap;
  if (withFinalizing) properties.finalizing = { type: 'boolean' };
  return {
    $defs: { kubeObject },
    type: 'object',
    required: ['controller', rootField],
    properties,
  };
}

const ajv = new Ajv({ allErrors: false, ownProperties: true, strict: true });

const validators: Record<ControllerKind, Record<HookName, ValidateFunction>> = {
  DecoratorController: {
    sync: ajv.compile(envelope('object', ['attachments', 'related'], true)),
    finalize: ajv.compile(envelope('object', ['attachments', 'related'], true)),
    customize: ajv.compile(envelope('parent', [], false)),
  },
  CompositeController: {
    sync: ajv.compile(envelope('parent', ['children', 'related'], true)),
    finalize: ajv.compile(envelope('parent', ['children', 'related'], true)),
    customize: ajv.compile(envelope('parent', [], false)),
  },
};

function describe(error: ErrorObject): { path: string; message: string } {
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    const path = `${error.instancePath}/${missing}`;
    return { path, message: `${path} is required` };
  }
  const path = error.instancePath === '' ? '/' : error.instancePath;
  return { path, message: `${path} ${error.message ?? 'is invalid'}` };
}

function check(kind: ControllerKind, hook: HookName, body: unknown): void {
  const validate = validators[kind][hook];
  if (!validate(body)) {
    const first = validate.errors?.[0];
    const { path, message } = first ? describe(first) : { path: '/', message: 'invalid request' };
    throw new HookRequestError('LGW_HOOK_INVALID_ENVELOPE', `invalid ${hook} request: ${message}`, path);
  }
}

type Body = Record<string, unknown>;

function mapOrEmpty(body: Body, field: string): ObjectMap {
  return (body[field] as ObjectMap | undefined) ?? {};
}

export function parseDecoratorHookRequest(hook: 'sync' | 'finalize', body: unknown): DecoratorHookRequest {
  check('DecoratorController', hook, body);
  const b = body as Body;
  return {
    controller: b.controller as DecoratorHookRequest['controller'],
    object: b.object as DecoratorHookRequest['object'],
    attachments: mapOrEmpty(b, 'attachments'),
    related: mapOrEmpty(b, 'related'),
    finalizing: b.finalizing === true || hook === 'finalize',
  };
}

export function parseCompositeHookRequest(hook: 'sync' | 'finalize', body: unknown): CompositeHookRequest {
  check('CompositeController', hook, body);
  const b = body as Body;
  return {
    controller: b.controller as CompositeHookRequest['controller'],
    parent: b.parent as CompositeHookRequest['parent'],
    children: mapOrEmpty(b, 'children'),
    related: mapOrEmpty(b, 'related'),
    finalizing: b.finalizing === true || hook === 'finalize',
  };
}

export function parseCustomizeHookRequest(kind: ControllerKind, body: unknown): CustomizeHookRequest {
  check(kind, 'customize', body);
  const b = body as Body;
  return { controller: b.controller as CustomizeHookRequest['controller'], parent: b.parent as CustomizeHookRequest['parent'] };
}
