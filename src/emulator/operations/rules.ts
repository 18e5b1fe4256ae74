import { ConflictError, LatticeApiError, ValidationError } from '../errors';
import { createIdempotently } from '../idempotency';
import { childArn, newId } from '../ids';
import { findListener, findRule } from '../lookup';
import { defineOperation, type Operation, type OperationContext } from '../operation';
import { listOutput, PAGING_QUERY } from '../pagination';
import { enforceQuota } from '../quotas';
import {
  clientToken,
  listenerIdentifier,
  paging,
  ruleAction,
  ruleIdentifier,
  ruleMatch,
  ruleName,
  rulePriority,
  serviceIdentifier,
  tags,
  type RuleMatchInput,
} from '../shapes';
import type { ListenerRecord, RuleAction, RuleRecord } from '../state';
import { list, required, struct, type Infer } from '../validation';
import { pick, ruleView } from '../views';
import { resolveAction } from './actions';
import { ensureNameFree, newRecordFields } from './common';

const listenerScope = { serviceIdentifier: required(serviceIdentifier), listenerIdentifier: required(listenerIdentifier) };
const identified = { ...listenerScope, ruleIdentifier: required(ruleIdentifier) };
/** What UpdateRule and each BatchUpdateRule entry may change. */
const ruleChanges = { match: ruleMatch, priority: rulePriority, action: ruleAction };
const ruleUpdate = struct({ ruleIdentifier: required(ruleIdentifier), ...ruleChanges });

const CREATE_FIELDS = ['arn', 'id', 'name', 'match', 'priority', 'action'] as const;
const WRITE_FIELDS = [...CREATE_FIELDS, 'isDefault'] as const;

function writeResponse(rule: RuleRecord) {
  return pick(ruleView(rule), WRITE_FIELDS);
}

function customRulesOf(context: OperationContext, listener: ListenerRecord): RuleRecord[] {
  return context.store.rulesOf(listener.id).filter((rule) => !rule.isDefault);
}

/**
 * Priorities are unique per listener. `changes` are the priorities rules are about to take (keyed
 * by rule id, or any new key for a rule being created); the error names the rule holding it.
 */
function ensurePrioritiesUnique(rules: readonly RuleRecord[], changes: ReadonlyMap<string, number>): void {
  const holders = new Map<number, string>();
  for (const rule of rules) {
    if (rule.priority !== undefined && !changes.has(rule.id)) holders.set(rule.priority, rule.id);
  }
  for (const [ruleId, priority] of changes) {
    const holder = holders.get(priority);
    if (holder !== undefined) {
      throw new ConflictError('RULE', holder, `Priority ${priority} is already used by rule ${holder} in this listener`);
    }
    holders.set(priority, ruleId);
  }
}

/** The default rule changes only through UpdateListener and is never deleted. */
function ensureNotDefault(rule: RuleRecord, attempted: string): void {
  if (rule.isDefault) {
    throw new ConflictError('RULE', rule.id, `Cannot ${attempted} the default rule ${rule.id}; use UpdateListener`);
  }
}

const createRule = defineOperation({
  name: 'CreateRule',
  method: 'POST',
  uri: '/services/{serviceIdentifier}/listeners/{listenerIdentifier}/rules',
  successCode: 201,
  input: struct({
    ...listenerScope,
    name: required(ruleName),
    match: required(ruleMatch),
    priority: required(rulePriority),
    action: required(ruleAction),
    clientToken,
    tags,
  }),
  handle: (context, input) => {
    const { store } = context;
    const listener = findListener(store, input.serviceIdentifier, input.listenerIdentifier);
    return createIdempotently(context, {
      operation: 'CreateRule',
      clientToken: input.clientToken,
      input,
      resourceType: 'RULE',
      replay: (id) => {
        const rule = store.rules.get(id);
        return rule && pick(ruleView(rule), CREATE_FIELDS);
      },
      create: () => {
        if (listener.protocol === 'TLS_PASSTHROUGH') {
          throw ValidationError.field('listenerIdentifier', 'A TLS_PASSTHROUGH listener has only its default rule');
        }
        const siblings = customRulesOf(context, listener);
        ensureNameFree(siblings, input.name, 'RULE', `in listener ${listener.id}`);
        ensurePrioritiesUnique(siblings, new Map([['new rule', input.priority]]));
        enforceQuota(context.settings.quotas, 'rulesPerListener', siblings.length, 1, listener.id);
        const action = resolveAction(context, input.action, { listener, path: 'action' });
        const id = newId('rule');
        const rule: RuleRecord = {
          ...newRecordFields(context, id, childArn(listener.arn, 'rule', id), input.tags),
          serviceId: listener.serviceId,
          listenerId: listener.id,
          name: input.name,
          isDefault: false,
          priority: input.priority,
          match: input.match,
          action,
        };
        store.rules.set(id, rule);
        return { resourceId: id, response: pick(ruleView(rule), CREATE_FIELDS) };
      },
    });
  },
});

const getRule = defineOperation({
  name: 'GetRule',
  method: 'GET',
  uri: '/services/{serviceIdentifier}/listeners/{listenerIdentifier}/rules/{ruleIdentifier}',
  successCode: 200,
  input: struct(identified),
  handle: (context, input) => {
    const listener = findListener(context.store, input.serviceIdentifier, input.listenerIdentifier);
    return ruleView(findRule(context.store, listener, input.ruleIdentifier));
  },
});

const listRules = defineOperation({
  name: 'ListRules',
  method: 'GET',
  uri: '/services/{serviceIdentifier}/listeners/{listenerIdentifier}/rules',
  successCode: 200,
  query: PAGING_QUERY,
  input: struct({ ...listenerScope, ...paging }),
  handle: (context, input) => {
    const listener = findListener(context.store, input.serviceIdentifier, input.listenerIdentifier);
    return listOutput(context.store.rulesOf(listener.id), input, context.settings.defaultPageSize, (rule) =>
      pick(ruleView(rule), ['arn', 'id', 'name', 'isDefault', 'priority', 'createdAt', 'lastUpdatedAt']),
    );
  },
});

interface PreparedUpdate {
  readonly rule: RuleRecord;
  readonly match: RuleMatchInput | undefined;
  readonly priority: number | undefined;
  readonly action: RuleAction | undefined;
}

/** Checks one update against the current state without applying it. */
function prepareUpdate(
  context: OperationContext,
  listener: ListenerRecord,
  update: Infer<typeof ruleUpdate>,
  path: string,
): PreparedUpdate {
  const rule = findRule(context.store, listener, update.ruleIdentifier);
  ensureNotDefault(rule, 'update');
  const action =
    update.action === undefined
      ? undefined
      : resolveAction(context, update.action, { listener, replacingRuleId: rule.id, path: `${path}action` });
  return { rule, match: update.match, priority: update.priority, action };
}

function applyUpdate(context: OperationContext, update: PreparedUpdate): RuleRecord {
  const { rule } = update;
  if (update.match !== undefined) rule.match = update.match;
  if (update.priority !== undefined) rule.priority = update.priority;
  if (update.action !== undefined) rule.action = update.action;
  rule.lastUpdatedAt = context.now;
  return rule;
}

function priorityChanges(updates: readonly PreparedUpdate[]): Map<string, number> {
  return new Map(updates.flatMap((u) => (u.priority === undefined ? [] : [[u.rule.id, u.priority] as const])));
}

const updateRule = defineOperation({
  name: 'UpdateRule',
  method: 'PATCH',
  uri: '/services/{serviceIdentifier}/listeners/{listenerIdentifier}/rules/{ruleIdentifier}',
  successCode: 200,
  input: struct({ ...identified, ...ruleChanges }),
  handle: (context, input) => {
    const listener = findListener(context.store, input.serviceIdentifier, input.listenerIdentifier);
    const update = prepareUpdate(context, listener, input, '');
    ensurePrioritiesUnique(customRulesOf(context, listener), priorityChanges([update]));
    return writeResponse(applyUpdate(context, update));
  },
});

/**
 * Updates up to 10 rules at once; priorities are checked on the final state, so two rules can swap
 * priorities. A rule that cannot be updated is reported in `unsuccessful` and the others proceed.
 */
const batchUpdateRule = defineOperation({
  name: 'BatchUpdateRule',
  method: 'PATCH',
  uri: '/services/{serviceIdentifier}/listeners/{listenerIdentifier}/rules',
  successCode: 200,
  input: struct({
    ...listenerScope,
    rules: required(list(ruleUpdate, { min: 1, max: 10 })),
  }),
  handle: (context, input) => {
    const listener = findListener(context.store, input.serviceIdentifier, input.listenerIdentifier);
    const prepared: PreparedUpdate[] = [];
    const unsuccessful: { ruleIdentifier: string; failureCode: string; failureMessage: string }[] = [];
    input.rules.forEach((update, index) => {
      try {
        prepared.push(prepareUpdate(context, listener, update, `rules[${index}].`));
      } catch (error) {
        if (!(error instanceof LatticeApiError)) throw error;
        unsuccessful.push({ ruleIdentifier: update.ruleIdentifier, failureCode: error.errorType, failureMessage: error.message });
      }
    });
    const ids = prepared.map((update) => update.rule.id);
    if (new Set(ids).size !== ids.length) {
      throw ValidationError.field('rules', 'A rule may appear only once in a BatchUpdateRule request');
    }
    ensurePrioritiesUnique(customRulesOf(context, listener), priorityChanges(prepared));
    return { successful: prepared.map((update) => writeResponse(applyUpdate(context, update))), unsuccessful };
  },
});

const deleteRule = defineOperation({
  name: 'DeleteRule',
  method: 'DELETE',
  uri: '/services/{serviceIdentifier}/listeners/{listenerIdentifier}/rules/{ruleIdentifier}',
  successCode: 204,
  input: struct(identified),
  handle: (context, input) => {
    const listener = findListener(context.store, input.serviceIdentifier, input.listenerIdentifier);
    const rule = findRule(context.store, listener, input.ruleIdentifier);
    ensureNotDefault(rule, 'delete');
    context.store.rules.delete(rule.id);
    return undefined;
  },
});

export const ruleOperations: readonly Operation[] = [createRule, getRule, listRules, updateRule, batchUpdateRule, deleteRule];
