import { ConflictError, ValidationError } from '../errors';
import { createIdempotently } from '../idempotency';
import { childArn, newId } from '../ids';
import { findListener, findService } from '../lookup';
import { defineOperation, type Operation, type OperationContext } from '../operation';
import { listOutput, PAGING_QUERY } from '../pagination';
import { enforceQuota } from '../quotas';
import {
  clientToken,
  LISTENER_PROTOCOLS,
  listenerIdentifier,
  listenerName,
  paging,
  port,
  ruleAction,
  serviceIdentifier,
  tags,
  type ListenerProtocol,
} from '../shapes';
import type { ListenerRecord } from '../state';
import { enumOf, required, struct } from '../validation';
import { listenerView, pick } from '../views';
import { resolveAction } from './actions';
import { ensureNameFree, ensureStatus, newRecordFields } from './common';

const identified = { serviceIdentifier: required(serviceIdentifier), listenerIdentifier: required(listenerIdentifier) };

/** AWS does not document the default rule's name; the emulator calls it `default`. */
const DEFAULT_RULE_NAME = 'default';

const WRITE_FIELDS = ['arn', 'id', 'name', 'protocol', 'port', 'serviceArn', 'serviceId', 'defaultAction'] as const;

function writeResponse(context: OperationContext, listener: ListenerRecord) {
  return pick(listenerView(context.store, listener), WRITE_FIELDS);
}

function defaultPort(protocol: ListenerProtocol): number {
  return protocol === 'HTTP' ? 80 : 443;
}

const createListener = defineOperation({
  name: 'CreateListener',
  method: 'POST',
  uri: '/services/{serviceIdentifier}/listeners',
  successCode: 201,
  input: struct({
    serviceIdentifier: required(serviceIdentifier),
    name: required(listenerName),
    protocol: required(enumOf(LISTENER_PROTOCOLS)),
    port,
    defaultAction: required(ruleAction),
    clientToken,
    tags,
  }),
  handle: (context, input) => {
    const { store } = context;
    const service = findService(store, input.serviceIdentifier);
    return createIdempotently(context, {
      operation: 'CreateListener',
      clientToken: input.clientToken,
      input,
      resourceType: 'LISTENER',
      replay: (id) => {
        const listener = store.listeners.get(id);
        return listener && writeResponse(context, listener);
      },
      create: () => {
        ensureStatus(service, context, ['CREATE_IN_PROGRESS', 'ACTIVE'], 'SERVICE', 'create a listener');
        const siblings = store.listenersOf(service.id);
        ensureNameFree(siblings, input.name, 'LISTENER', `in service ${service.id}`);
        const listenerPort = input.port ?? defaultPort(input.protocol);
        const samePort = siblings.find((listener) => listener.port === listenerPort);
        if (samePort !== undefined) {
          throw new ConflictError('LISTENER', samePort.id, `Port ${listenerPort} is already used by listener ${samePort.id}`);
        }
        enforceQuota(context.settings.quotas, 'listenersPerService', siblings.length, 1, service.id);
        if (input.protocol === 'TLS_PASSTHROUGH' && service.customDomainName === undefined) {
          throw ValidationError.field('protocol', 'A TLS_PASSTHROUGH listener requires a service with a custom domain name');
        }
        const id = newId('listener');
        const listener: ListenerRecord = {
          ...newRecordFields(context, id, childArn(service.arn, 'listener', id), input.tags),
          serviceId: service.id,
          name: input.name,
          protocol: input.protocol,
          port: listenerPort,
        };
        const action = resolveAction(context, input.defaultAction, { listener, path: 'defaultAction' });
        const ruleId = newId('rule');
        store.listeners.set(id, listener);
        store.rules.set(ruleId, {
          ...newRecordFields(context, ruleId, childArn(listener.arn, 'rule', ruleId), undefined),
          serviceId: service.id,
          listenerId: id,
          name: DEFAULT_RULE_NAME,
          isDefault: true,
          priority: undefined,
          match: undefined,
          action,
        });
        return { resourceId: id, response: writeResponse(context, listener) };
      },
    });
  },
});

const getListener = defineOperation({
  name: 'GetListener',
  method: 'GET',
  uri: '/services/{serviceIdentifier}/listeners/{listenerIdentifier}',
  successCode: 200,
  input: struct(identified),
  handle: (context, input) => listenerView(context.store, findListener(context.store, input.serviceIdentifier, input.listenerIdentifier)),
});

const listListeners = defineOperation({
  name: 'ListListeners',
  method: 'GET',
  uri: '/services/{serviceIdentifier}/listeners',
  successCode: 200,
  query: PAGING_QUERY,
  input: struct({ serviceIdentifier: required(serviceIdentifier), ...paging }),
  handle: (context, input) => {
    const service = findService(context.store, input.serviceIdentifier);
    return listOutput(context.store.listenersOf(service.id), input, context.settings.defaultPageSize, (listener) =>
      pick(listenerView(context.store, listener), ['arn', 'id', 'name', 'protocol', 'port', 'createdAt', 'lastUpdatedAt']),
    );
  },
});

/** The default action lives on the listener's default rule, which only this operation changes. */
const updateListener = defineOperation({
  name: 'UpdateListener',
  method: 'PATCH',
  uri: '/services/{serviceIdentifier}/listeners/{listenerIdentifier}',
  successCode: 200,
  input: struct({ ...identified, defaultAction: required(ruleAction) }),
  handle: (context, input) => {
    const listener = findListener(context.store, input.serviceIdentifier, input.listenerIdentifier);
    const defaultRule = context.store.defaultRuleOf(listener.id);
    defaultRule.action = resolveAction(context, input.defaultAction, {
      listener,
      replacingRuleId: defaultRule.id,
      path: 'defaultAction',
    });
    defaultRule.lastUpdatedAt = context.now;
    listener.lastUpdatedAt = context.now;
    return writeResponse(context, listener);
  },
});

const deleteListener = defineOperation({
  name: 'DeleteListener',
  method: 'DELETE',
  uri: '/services/{serviceIdentifier}/listeners/{listenerIdentifier}',
  successCode: 204,
  input: struct(identified),
  handle: (context, input) => {
    const listener = findListener(context.store, input.serviceIdentifier, input.listenerIdentifier);
    context.store.removeListener(listener.id);
    return undefined;
  },
});

export const listenerOperations: readonly Operation[] = [createListener, getListener, listListeners, updateListener, deleteListener];
