/**
 * A small typed schema language for the model's constraints (length, range, pattern, enum,
 * required, union), so each operation declares its input once and gets both the checks and the
 * TypeScript type. Problems are collected, not thrown, so one response lists every bad field,
 * with AWS's "Value … at '…' failed to satisfy constraint: …" wording.
 */
import { ValidationError, type ValidationField } from './errors';

export interface Issue {
  readonly path: string;
  readonly message: string;
  /** `type`: the JSON value has the wrong type (reported as cannotParse). */
  readonly kind: 'type' | 'constraint';
}

export interface Schema<T> {
  readonly kind: 'schema';
  /** Returns the parsed value, or undefined after recording issues. `value` is never undefined/null. */
  parse(value: unknown, path: string, issues: Issue[]): T | undefined;
}

export interface RequiredField<T> {
  readonly kind: 'required';
  readonly schema: Schema<T>;
}

type Field = Schema<unknown> | RequiredField<unknown>;
type Shape = Readonly<Record<string, Field>>;
type FieldType<F> = F extends RequiredField<infer T> ? T : F extends Schema<infer T> ? T : never;
type RequiredKeys<S extends Shape> = { [K in keyof S]: S[K] extends RequiredField<unknown> ? K : never }[keyof S];
type Simplify<T> = { [K in keyof T]: T[K] } & {};

export type StructOf<S extends Shape> = Simplify<
  { [K in RequiredKeys<S>]: FieldType<S[K]> } & { [K in Exclude<keyof S, RequiredKeys<S>>]?: FieldType<S[K]> }
>;

export type Infer<S> = S extends Schema<infer T> ? T : never;

function schema<T>(parse: Schema<T>['parse']): Schema<T> {
  return { kind: 'schema', parse };
}

export function required<T>(inner: Schema<T>): RequiredField<T> {
  return { kind: 'required', schema: inner };
}

function show(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

function constraint(issues: Issue[], path: string, value: unknown, rule: string): undefined {
  issues.push({ path, kind: 'constraint', message: `Value '${show(value)}' at '${path}' failed to satisfy constraint: ${rule}` });
  return undefined;
}

function wrongType(issues: Issue[], path: string, value: unknown, expected: string): undefined {
  issues.push({ path, kind: 'type', message: `Value '${show(value)}' at '${path}' cannot be parsed: expected ${expected}` });
  return undefined;
}

interface LengthLimits {
  readonly min?: number;
  readonly max?: number;
}

function checkLength(issues: Issue[], path: string, value: unknown, length: number, limits: LengthLimits): boolean {
  if (limits.min !== undefined && length < limits.min) {
    constraint(issues, path, value, `Member must have length greater than or equal to ${limits.min}`);
    return false;
  }
  if (limits.max !== undefined && length > limits.max) {
    constraint(issues, path, value, `Member must have length less than or equal to ${limits.max}`);
    return false;
  }
  return true;
}

export interface StringConstraints extends LengthLimits {
  /** Smithy semantics: the pattern must match somewhere; the model's patterns carry their own anchors. */
  readonly pattern?: string;
}

export function str(constraints: StringConstraints = {}): Schema<string> {
  const pattern = constraints.pattern === undefined ? undefined : new RegExp(constraints.pattern);
  return schema((value, path, issues) => {
    if (typeof value !== 'string') return wrongType(issues, path, value, 'a string');
    // Smithy lengths count Unicode code points, not UTF-16 units.
    if (!checkLength(issues, path, value, [...value].length, constraints)) return undefined;
    if (pattern !== undefined && !pattern.test(value)) {
      return constraint(issues, path, value, `Member must satisfy regular expression pattern: ${constraints.pattern}`);
    }
    return value;
  });
}

export function int(limits: { readonly min?: number; readonly max?: number } = {}): Schema<number> {
  return schema((value, path, issues) => {
    if (typeof value !== 'number' || !Number.isInteger(value)) return wrongType(issues, path, value, 'an integer');
    if (limits.min !== undefined && value < limits.min) {
      return constraint(issues, path, value, `Member must have value greater than or equal to ${limits.min}`);
    }
    if (limits.max !== undefined && value > limits.max) {
      return constraint(issues, path, value, `Member must have value less than or equal to ${limits.max}`);
    }
    return value;
  });
}

export function bool(): Schema<boolean> {
  return schema((value, path, issues) => (typeof value === 'boolean' ? value : wrongType(issues, path, value, 'a boolean')));
}

export function enumOf<const V extends readonly string[]>(values: V): Schema<V[number]> {
  return schema((value, path, issues) => {
    if (typeof value !== 'string') return wrongType(issues, path, value, 'a string');
    if (!values.includes(value)) {
      return constraint(issues, path, value, `Member must satisfy enum value set: [${values.join(', ')}]`);
    }
    return value as V[number];
  });
}

export function list<T>(item: Schema<T>, limits: LengthLimits = {}): Schema<T[]> {
  return schema((value, path, issues) => {
    if (!Array.isArray(value)) return wrongType(issues, path, value, 'a list');
    if (!checkLength(issues, path, value, value.length, limits)) return undefined;
    const before = issues.length;
    const items = value.map((element: unknown, index) => {
      const itemPath = `${path}[${index}]`;
      if (element === null || element === undefined) return constraint(issues, itemPath, element, 'Member must not be null');
      return item.parse(element, itemPath, issues);
    });
    return issues.length === before ? (items as T[]) : undefined;
  });
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function map<V>(key: Schema<string>, item: Schema<V>, limits: LengthLimits = {}): Schema<Record<string, V>> {
  return schema((value, path, issues) => {
    if (!isPlainObject(value)) return wrongType(issues, path, value, 'a map');
    const entries = Object.entries(value);
    if (!checkLength(issues, path, value, entries.length, limits)) return undefined;
    const before = issues.length;
    const result: Record<string, V> = {};
    for (const [k, v] of entries) {
      key.parse(k, `${path}.key`, issues);
      if (v === null || v === undefined) {
        constraint(issues, `${path}.${k}`, v, 'Member must not be null');
        continue;
      }
      const parsed = item.parse(v, `${path}.${k}`, issues);
      if (parsed !== undefined) result[k] = parsed;
    }
    return issues.length === before ? result : undefined;
  });
}

function memberPath(path: string, member: string): string {
  return path === '' ? member : `${path}.${member}`;
}

/** Members absent or JSON null are unset (restJson1); unknown members are ignored, as AWS does. */
export function struct<S extends Shape>(shape: S): Schema<StructOf<S>> {
  return schema((value, path, issues) => {
    if (!isPlainObject(value)) return wrongType(issues, path, value, 'a structure');
    const before = issues.length;
    const result: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(shape)) {
      const child = value[name];
      const childPath = memberPath(path, name);
      if (child === undefined || child === null) {
        if (field.kind === 'required') constraint(issues, childPath, child, 'Member must not be null');
        continue;
      }
      const parsed = (field.kind === 'required' ? field.schema : field).parse(child, childPath, issues);
      if (parsed !== undefined) result[name] = parsed;
    }
    return issues.length === before ? (result as StructOf<S>) : undefined;
  });
}

/** A Smithy union: a JSON object with exactly one member set. */
export function union<S extends Readonly<Record<string, Schema<unknown>>>>(members: S): Schema<{ [K in keyof S]?: Infer<S[K]> }> {
  const names = Object.keys(members);
  return schema((value, path, issues) => {
    if (!isPlainObject(value)) return wrongType(issues, path, value, 'a union');
    const set = names.filter((name) => value[name] !== undefined && value[name] !== null);
    const only = set[0];
    if (set.length !== 1 || only === undefined) {
      return constraint(issues, path, value, `Member must have exactly one of [${names.join(', ')}] set`);
    }
    const parsed = members[only]?.parse(value[only], memberPath(path, only), issues);
    return parsed === undefined ? undefined : ({ [only]: parsed } as { [K in keyof S]?: Infer<S[K]> });
  });
}

/** AWS's one-line summary: `N validation error(s) detected: <message>; <message>…`. */
export function validationSummary(issues: readonly Issue[]): string {
  const count = issues.length;
  return `${count} validation error${count === 1 ? '' : 's'} detected: ${issues.map((i) => i.message).join('; ')}`;
}

function toValidationError(issues: readonly Issue[]): ValidationError {
  const fieldList: ValidationField[] = issues.map((issue) => ({ name: issue.path, message: issue.message }));
  const reason = issues.some((issue) => issue.kind === 'type') ? 'cannotParse' : 'fieldValidationFailed';
  return new ValidationError(reason, validationSummary(issues), fieldList);
}

/** Parses `value` against `root` or throws one ValidationException listing every problem. */
export function validate<T>(root: Schema<T>, value: unknown): T {
  const issues: Issue[] = [];
  const parsed = root.parse(value, '', issues);
  if (issues.length > 0 || parsed === undefined) throw toValidationError(issues);
  return parsed;
}
