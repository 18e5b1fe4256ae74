/**
 * How an operation is declared: its HTTP binding from the model (method, URI, success code, query
 * members) plus a typed input schema and a handler. `defineOperation` erases the input type so
 * the router can hold every operation in one table.
 */
import type { ArnScope } from './ids';
import type { EmulatorSettings } from './settings';
import type { LatticeStore } from './state';
import { validate, type Schema } from './validation';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** How a query-string member is read: `list` collects repeated keys (`?tagKeys=a&tagKeys=b`). */
export type QueryBinding = 'string' | 'integer' | 'list';

export interface OperationContext {
  readonly store: LatticeStore;
  /** Clock time of the request (ms). */
  readonly now: number;
  /** Region (from the SigV4 credential scope) and account of the caller; new ARNs use them. */
  readonly scope: ArnScope;
  readonly settings: EmulatorSettings;
}

/** A JSON response body, or undefined for the model's empty (204) outputs. */
export type OperationOutput = object | undefined;

export interface OperationDefinition<I> {
  readonly name: string;
  readonly method: HttpMethod;
  /** The model's URI template, e.g. `/services/{serviceIdentifier}/listeners`. */
  readonly uri: string;
  readonly successCode: 200 | 201 | 204;
  readonly query?: Readonly<Record<string, QueryBinding>>;
  /** Validates path labels, query members and body members merged into one object. */
  readonly input: Schema<I>;
  readonly handle: (context: OperationContext, input: I) => OperationOutput;
}

export interface Operation {
  readonly name: string;
  readonly method: HttpMethod;
  readonly uri: string;
  readonly successCode: 200 | 201 | 204;
  readonly query: Readonly<Record<string, QueryBinding>>;
  run(context: OperationContext, rawInput: Readonly<Record<string, unknown>>): OperationOutput;
}

export function defineOperation<I>(definition: OperationDefinition<I>): Operation {
  const { name, method, uri, successCode, input, handle } = definition;
  return {
    name,
    method,
    uri,
    successCode,
    query: definition.query ?? {},
    run: (context, rawInput) => handle(context, validate(input, rawInput)),
  };
}
