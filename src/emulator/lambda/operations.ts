/**
 * The Lambda operations the project and its tests use: CreateFunction, CreateAlias, DeleteFunction,
 * GetFunction, AddPermission, RemovePermission, GetPolicy — the shapes and messages Lambda answers.
 */
import { createHash, randomUUID } from 'node:crypto';
import { LambdaError } from './errors';
import { functionArn, parseFunctionName, type FunctionRef } from './functionNames';
import { policyDocument, type FunctionRecord, type LambdaStore, type PolicyStatementRecord } from './store';

export interface LambdaContext {
  store: LambdaStore;
  region: string;
  accountId: string;
  now: number;
}

export interface LambdaCall {
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

export interface LambdaOperation {
  name: string;
  method: string;
  /** Path template under the API version prefix; `{Label}` captures one segment. */
  path: string;
  successCode: number;
  run(context: LambdaContext, call: LambdaCall): object | undefined;
}

const STATEMENT_ID = /^[a-zA-Z0-9-_.]{1,100}$/;

function text(body: Record<string, unknown>, member: string, required: boolean): string | undefined {
  const value = body[member];
  if (value === undefined || value === null) {
    if (required)
      throw new LambdaError(
        'InvalidParameterValueException',
        `1 validation error detected: Value null at '${member.charAt(0).toLowerCase()}${member.slice(1)}' failed to satisfy constraint: Member must not be null`,
      );
    return undefined;
  }
  if (typeof value !== 'string') throw new LambdaError('InvalidParameterValueException', `${member} must be a string`);
  return value;
}

function refOf(context: LambdaContext, call: LambdaCall): FunctionRef {
  return parseFunctionName(call.params.FunctionName ?? '', call.query.get('Qualifier'), context);
}

/** The function, and the qualifier (version or alias) that must exist on it. */
function find(context: LambdaContext, ref: FunctionRef): FunctionRecord {
  const record = ref.accountId === context.accountId ? context.store.get(ref.region, ref.name) : undefined;
  const arn = functionArn(ref, ref.name, ref.qualifier);
  if (!record) throw new LambdaError('ResourceNotFoundException', `Function not found: ${arn}`);
  if (ref.qualifier !== undefined && !record.versions.includes(ref.qualifier) && !record.aliases.has(ref.qualifier)) {
    throw new LambdaError('ResourceNotFoundException', `Function not found: ${arn}`);
  }
  return record;
}

function configuration(record: FunctionRecord, qualifier: string | undefined) {
  const version = qualifier === undefined ? '$LATEST' : (record.aliases.get(qualifier) ?? qualifier);
  return {
    FunctionName: record.name,
    FunctionArn: qualifier === undefined ? record.arn : `${record.arn}:${qualifier}`,
    ...(record.runtime ? { Runtime: record.runtime } : {}),
    Role: record.role,
    ...(record.handler ? { Handler: record.handler } : {}),
    CodeSize: 0,
    Description: '',
    Timeout: 3,
    MemorySize: 128,
    LastModified: new Date(record.createdAt).toISOString().replace('Z', '+0000'),
    CodeSha256: createHash('sha256').update(record.name).digest('base64'),
    Version: version,
    RevisionId: record.revisionId,
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: ['x86_64'],
  };
}

const createFunction: LambdaOperation = {
  name: 'CreateFunction',
  method: 'POST',
  path: '/functions',
  successCode: 201,
  run(context, { body }) {
    const name = text(body, 'FunctionName', true) ?? '';
    const role = text(body, 'Role', true) ?? '';
    if (body.Code === undefined) text(body, 'Code', true);
    const ref = parseFunctionName(name, null, context);
    if (ref.qualifier !== undefined)
      throw new LambdaError('InvalidParameterValueException', 'A function name cannot be qualified when the function is created.');
    if (context.store.get(ref.region, ref.name)) throw new LambdaError('ResourceConflictException', `Function already exist: ${ref.name}`);
    const record: FunctionRecord = {
      name: ref.name,
      arn: functionArn(ref, ref.name),
      region: ref.region,
      runtime: text(body, 'Runtime', false),
      role,
      handler: text(body, 'Handler', false),
      createdAt: context.now,
      versions: body.Publish === true ? ['$LATEST', '1'] : ['$LATEST'],
      aliases: new Map(),
      policies: new Map(),
      revisionId: randomUUID(),
    };
    context.store.add(record);
    return configuration(record, undefined);
  },
};

const createAlias: LambdaOperation = {
  name: 'CreateAlias',
  method: 'POST',
  path: '/functions/{FunctionName}/aliases',
  successCode: 201,
  run(context, call) {
    const record = find(context, { ...refOf(context, call), qualifier: undefined });
    const name = text(call.body, 'Name', true) ?? '';
    const version = text(call.body, 'FunctionVersion', true) ?? '';
    const aliasArn = `${record.arn}:${name}`;
    if (!/^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$/.test(name))
      throw new LambdaError('InvalidParameterValueException', `Invalid alias name: ${name}`);
    if (record.aliases.has(name)) throw new LambdaError('ResourceConflictException', `Alias already exists: ${aliasArn}`);
    if (!record.versions.includes(version))
      throw new LambdaError('ResourceNotFoundException', `Function not found: ${record.arn}:${version}`);
    record.aliases.set(name, version);
    return {
      AliasArn: aliasArn,
      Name: name,
      FunctionVersion: version,
      Description: text(call.body, 'Description', false) ?? '',
      RevisionId: randomUUID(),
    };
  },
};

/** Unqualified: the whole function with its versions, aliases and policies; qualified: one published version. */
const deleteFunction: LambdaOperation = {
  name: 'DeleteFunction',
  method: 'DELETE',
  path: '/functions/{FunctionName}',
  successCode: 204,
  run(context, call) {
    const ref = refOf(context, call);
    const record = find(context, ref);
    if (ref.qualifier === undefined) {
      context.store.delete(record);
      return undefined;
    }
    if (ref.qualifier === '$LATEST' || record.aliases.has(ref.qualifier)) {
      throw new LambdaError(
        'InvalidParameterValueException',
        `Deletion of $LATEST or of an alias is not supported with DeleteFunction: ${ref.qualifier}`,
      );
    }
    record.versions.splice(record.versions.indexOf(ref.qualifier), 1);
    record.policies.delete(ref.qualifier);
    return undefined;
  },
};

const getFunction: LambdaOperation = {
  name: 'GetFunction',
  method: 'GET',
  path: '/functions/{FunctionName}',
  successCode: 200,
  run(context, call) {
    const ref = refOf(context, call);
    const record = find(context, ref);
    return {
      Configuration: configuration(record, ref.qualifier),
      Code: {
        RepositoryType: 'S3',
        Location: `https://awslambda-${record.region}-tasks.s3.${record.region}.amazonaws.com/snapshots/${context.accountId}/${record.name}`,
      },
    };
  },
};

const addPermission: LambdaOperation = {
  name: 'AddPermission',
  method: 'POST',
  path: '/functions/{FunctionName}/policy',
  successCode: 201,
  run(context, call) {
    const ref = refOf(context, call);
    const record = find(context, ref);
    const sid = text(call.body, 'StatementId', true) ?? '';
    const action = text(call.body, 'Action', true) ?? '';
    const principal = text(call.body, 'Principal', true) ?? '';
    const sourceArn = text(call.body, 'SourceArn', false);
    const sourceAccount = text(call.body, 'SourceAccount', false);
    if (!STATEMENT_ID.test(sid))
      throw new LambdaError(
        'InvalidParameterValueException',
        `1 validation error detected: Value '${sid}' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_.]+)`,
      );
    if (!/^lambda:[A-Za-z*]+$/.test(action))
      throw new LambdaError('InvalidParameterValueException', `Action ${action} is not a Lambda action`);
    const key = ref.qualifier ?? '';
    const statements = record.policies.get(key) ?? [];
    if (statements.some((s) => s.Sid === sid)) {
      throw new LambdaError(
        'ResourceConflictException',
        `The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
      );
    }
    const condition: PolicyStatementRecord['Condition'] = {
      ...(sourceAccount ? { StringEquals: { 'AWS:SourceAccount': sourceAccount } } : {}),
      ...(sourceArn ? { ArnLike: { 'AWS:SourceArn': sourceArn } } : {}),
    };
    const statement: PolicyStatementRecord = {
      Sid: sid,
      Effect: 'Allow',
      Principal: principal.includes('.')
        ? { Service: principal }
        : { AWS: /^\d{12}$/.test(principal) ? `arn:aws:iam::${principal}:root` : principal },
      Action: action,
      Resource: ref.qualifier === undefined ? record.arn : `${record.arn}:${ref.qualifier}`,
      ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
    };
    record.policies.set(key, [...statements, statement]);
    record.revisionId = randomUUID();
    return { Statement: JSON.stringify(statement) };
  },
};

const getPolicy: LambdaOperation = {
  name: 'GetPolicy',
  method: 'GET',
  path: '/functions/{FunctionName}/policy',
  successCode: 200,
  run(context, call) {
    const ref = refOf(context, call);
    const record = find(context, ref);
    const statements = record.policies.get(ref.qualifier ?? '') ?? [];
    if (statements.length === 0) throw new LambdaError('ResourceNotFoundException', 'The resource you requested does not exist.');
    return { Policy: policyDocument(statements), RevisionId: record.revisionId };
  },
};

const removePermission: LambdaOperation = {
  name: 'RemovePermission',
  method: 'DELETE',
  path: '/functions/{FunctionName}/policy/{StatementId}',
  successCode: 204,
  run(context, call) {
    const ref = refOf(context, call);
    const record = find(context, ref);
    const sid = call.params.StatementId ?? '';
    const key = ref.qualifier ?? '';
    const statements = record.policies.get(key) ?? [];
    if (!statements.some((s) => s.Sid === sid))
      throw new LambdaError('ResourceNotFoundException', `Statement ${sid} is not found in resource policy.`);
    record.policies.set(
      key,
      statements.filter((s) => s.Sid !== sid),
    );
    record.revisionId = randomUUID();
    return undefined;
  },
};

export const LAMBDA_OPERATIONS: readonly LambdaOperation[] = [
  createFunction,
  createAlias,
  deleteFunction,
  getFunction,
  addPermission,
  getPolicy,
  removePermission,
];
