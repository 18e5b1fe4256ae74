import { createHash } from 'node:crypto';
import { stringify } from 'yaml';

/**
 * A small interpreter of the Go text/template subset the chart uses, with Helm's and Sprig's
 * semantics for the functions it knows: enough to render the chart in tests without a helm binary.
 * Anything outside the subset (an unknown function, keyword or syntax) throws, so the chart cannot
 * silently use a form these tests do not understand. Semantics that differ from JavaScript are
 * kept: values from YAML are float64 (large numbers print as 1.6777216e+07 unless converted with
 * int/int64), missing values print as "", field access on nil fails, map ranges are key-sorted.
 * toYaml lays out keys and lists differently from Helm's but produces the same values.
 */

export class TemplateError extends Error {}

/** A Go integer (from a literal, len, int, int64, add, …): prints without exponent. */
class GoInt {
  constructor(readonly value: number) {}
}

type Value = unknown;

// ---------------------------------------------------------------------------------------------
// Lexing of the template text into text and actions

interface Action {
  code: string;
  /** Position in the source, for messages. */
  at: string;
}

type Segment = { text: string } | { action: Action };

function lineOf(source: string, index: number): number {
  return source.slice(0, index).split('\n').length;
}

function segments(source: string, name: string): Segment[] {
  const out: Segment[] = [];
  let pos = 0;
  while (pos < source.length) {
    const open = source.indexOf('{{', pos);
    if (open === -1) {
      out.push({ text: source.slice(pos) });
      break;
    }
    let text = source.slice(pos, open);
    let start = open + 2;
    if (source.startsWith('- ', start) || source.startsWith('-\n', start)) {
      text = text.replace(/\s+$/, '');
      start += 1;
    }
    // Find the closing braces outside string literals.
    let i = start;
    let quote: string | undefined;
    while (i < source.length) {
      const c = source[i];
      if (quote) {
        if (c === '\\' && quote === '"') i++;
        else if (c === quote) quote = undefined;
      } else if (c === '"' || c === '`') quote = c;
      else if (source.startsWith('}}', i)) break;
      i++;
    }
    if (i >= source.length) throw new TemplateError(`${name}:${lineOf(source, open)}: unclosed action`);
    let end = i;
    let trimRight = false;
    if (source[end - 1] === '-' && /\s/.test(source[end - 2] ?? '')) {
      trimRight = true;
      end -= 1;
    }
    out.push({ text });
    const code = source.slice(start, end).trim();
    if (!(code.startsWith('/*') && code.endsWith('*/'))) out.push({ action: { code, at: `${name}:${lineOf(source, open)}` } });
    pos = i + 2;
    if (trimRight) {
      const rest = /^\s*/.exec(source.slice(pos));
      pos += rest?.[0].length ?? 0;
    }
  }
  return out.filter((s) => !('text' in s) || s.text !== '');
}

// ---------------------------------------------------------------------------------------------
// Expressions

type Token =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: Value }
  | { kind: 'field'; path: string[] }
  | { kind: 'variable'; name: string; path: string[] }
  | { kind: 'ident'; name: string }
  | { kind: 'punct'; value: '(' | ')' | '|' | ',' | ':=' | '=' };

function tokenize(code: string, at: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (message: string) => new TemplateError(`${at}: ${message} in "${code}"`);
  while (i < code.length) {
    const rest = code.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    if (rest.startsWith(':=')) {
      tokens.push({ kind: 'punct', value: ':=' });
      i += 2;
      continue;
    }
    const c = rest[0] as string;
    if ('()|,='.includes(c)) {
      tokens.push({ kind: 'punct', value: c as '(' | ')' | '|' | ',' | '=' });
      i += 1;
      continue;
    }
    if (c === '"') {
      const match = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
      if (!match) throw fail('unterminated string');
      tokens.push({ kind: 'string', value: JSON.parse(match[0]) as string });
      i += match[0].length;
      continue;
    }
    if (c === '`') {
      const end = rest.indexOf('`', 1);
      if (end === -1) throw fail('unterminated raw string');
      tokens.push({ kind: 'string', value: rest.slice(1, end) });
      i += end + 1;
      continue;
    }
    const number = /^-?\d+(\.\d+)?/.exec(rest);
    if (number) {
      tokens.push({ kind: 'number', value: number[1] ? Number(number[0]) : new GoInt(Number(number[0])) });
      i += number[0].length;
      continue;
    }
    const field = /^(\.[A-Za-z_][A-Za-z0-9_]*)+|^\./.exec(rest);
    if (field) {
      tokens.push({ kind: 'field', path: field[0] === '.' ? [] : field[0].slice(1).split('.') });
      i += field[0].length;
      continue;
    }
    const variable = /^\$([A-Za-z_][A-Za-z0-9_]*)?((\.[A-Za-z_][A-Za-z0-9_]*)*)/.exec(rest);
    if (variable) {
      tokens.push({ kind: 'variable', name: `$${variable[1] ?? ''}`, path: variable[2] ? variable[2].slice(1).split('.') : [] });
      i += variable[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (ident) {
      tokens.push({ kind: 'ident', name: ident[0] });
      i += ident[0].length;
      continue;
    }
    throw fail(`unexpected "${c}"`);
  }
  return tokens;
}

type Operand =
  | { kind: 'literal'; value: Value }
  | { kind: 'field'; path: string[] }
  | { kind: 'variable'; name: string; path: string[] }
  | { kind: 'function'; name: string }
  | { kind: 'pipeline'; pipeline: Pipeline };

type Command = Operand[];

interface Pipeline {
  commands: Command[];
  /** `$x := …` declares, `$x = …` assigns. */
  variable?: { name: string; declare: boolean };
  at: string;
}

class Parser {
  private pos = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly at: string,
  ) {}

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private isPunct(value: string): boolean {
    const token = this.peek();
    return token?.kind === 'punct' && token.value === value;
  }

  done(): boolean {
    return this.pos >= this.tokens.length;
  }

  fail(message: string): TemplateError {
    return new TemplateError(`${this.at}: ${message}`);
  }

  /** `$k, $v :=` of a range, when present. */
  rangeVariables(): string[] {
    const names: string[] = [];
    const start = this.pos;
    while (this.peek()?.kind === 'variable') {
      const token = this.tokens[this.pos] as { name: string; path: string[] };
      if (token.path.length > 0) break;
      names.push(token.name);
      this.pos++;
      if (this.isPunct(',')) {
        this.pos++;
        continue;
      }
      if (this.isPunct(':=')) {
        this.pos++;
        return names;
      }
      break;
    }
    this.pos = start;
    return [];
  }

  pipeline(): Pipeline {
    let variable: Pipeline['variable'];
    const first = this.peek();
    const next = this.tokens[this.pos + 1];
    if (first?.kind === 'variable' && first.path.length === 0 && next?.kind === 'punct' && (next.value === ':=' || next.value === '=')) {
      variable = { name: first.name, declare: next.value === ':=' };
      this.pos += 2;
    }
    const commands: Command[] = [this.command()];
    while (this.isPunct('|')) {
      this.pos++;
      commands.push(this.command());
    }
    return { commands, ...(variable ? { variable } : {}), at: this.at };
  }

  private command(): Command {
    const operands: Operand[] = [];
    for (;;) {
      const token = this.peek();
      if (token === undefined || (token.kind === 'punct' && (token.value === ')' || token.value === '|'))) break;
      operands.push(this.operand());
    }
    if (operands.length === 0) throw this.fail('empty command');
    return operands;
  }

  private operand(): Operand {
    const token = this.tokens[this.pos++];
    if (token === undefined) throw this.fail('missing operand');
    switch (token.kind) {
      case 'string':
      case 'number':
        return { kind: 'literal', value: token.value };
      case 'field':
        return { kind: 'field', path: token.path };
      case 'variable':
        return { kind: 'variable', name: token.name, path: token.path };
      case 'ident':
        if (token.name === 'true' || token.name === 'false') return { kind: 'literal', value: token.name === 'true' };
        if (token.name === 'nil') return { kind: 'literal', value: null };
        return { kind: 'function', name: token.name };
      case 'punct':
        if (token.value !== '(') throw this.fail(`unexpected "${token.value}"`);
        {
          const pipeline = this.pipeline();
          if (!this.isPunct(')')) throw this.fail('missing )');
          this.pos++;
          return { kind: 'pipeline', pipeline };
        }
    }
  }
}

function parsePipeline(code: string, at: string): Pipeline {
  const parser = new Parser(tokenize(code, at), at);
  const pipeline = parser.pipeline();
  if (!parser.done()) throw parser.fail(`unexpected input in "${code}"`);
  return pipeline;
}

// ---------------------------------------------------------------------------------------------
// Tree

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'print'; pipeline: Pipeline }
  | { kind: 'if'; branches: { condition: Pipeline; body: Node[] }[]; otherwise: Node[] }
  | { kind: 'with'; pipeline: Pipeline; body: Node[]; otherwise: Node[] }
  | { kind: 'range'; variables: string[]; pipeline: Pipeline; body: Node[]; otherwise: Node[] }
  | { kind: 'template'; name: string; pipeline?: Pipeline; at: string };

const KEYWORD = /^(if|else|end|with|range|define|template|block|break|continue)\b\s*/;

class TreeBuilder {
  private pos = 0;

  constructor(
    private readonly items: Segment[],
    private readonly defines: Map<string, Node[]>,
  ) {}

  /** Nodes up to a closing keyword (`end`, `else`), which is returned too. */
  list(): { nodes: Node[]; closing?: Action & { keyword: string; rest: string } } {
    const nodes: Node[] = [];
    while (this.pos < this.items.length) {
      const item = this.items[this.pos++] as Segment;
      if ('text' in item) {
        nodes.push({ kind: 'text', text: item.text });
        continue;
      }
      const { code, at } = item.action;
      const keyword = KEYWORD.exec(code);
      if (!keyword) {
        nodes.push({ kind: 'print', pipeline: parsePipeline(code, at) });
        continue;
      }
      const name = keyword[1] as string;
      const rest = code.slice(keyword[0].length);
      switch (name) {
        case 'end':
        case 'else':
          return { nodes, closing: { code, at, keyword: name, rest } };
        case 'if':
          nodes.push(this.ifNode(rest, at));
          break;
        case 'with': {
          const body = this.list();
          const otherwise = this.elseBody(body.closing, at);
          nodes.push({ kind: 'with', pipeline: parsePipeline(rest, at), body: body.nodes, otherwise });
          break;
        }
        case 'range': {
          const parser = new Parser(tokenize(rest, at), at);
          const variables = parser.rangeVariables();
          const pipeline = parser.pipeline();
          const body = this.list();
          const otherwise = this.elseBody(body.closing, at);
          nodes.push({ kind: 'range', variables, pipeline, body: body.nodes, otherwise });
          break;
        }
        case 'define': {
          const defined = /^"([^"]+)"$/.exec(rest.trim());
          if (!defined) throw new TemplateError(`${at}: define needs a quoted name`);
          const body = this.list();
          if (body.closing?.keyword !== 'end') throw new TemplateError(`${at}: define without end`);
          this.defines.set(defined[1] as string, body.nodes);
          break;
        }
        case 'template': {
          const call = /^"([^"]+)"\s*(.*)$/.exec(rest.trim());
          if (!call) throw new TemplateError(`${at}: template needs a quoted name`);
          const argument = (call[2] as string).trim();
          nodes.push({ kind: 'template', name: call[1] as string, at, ...(argument ? { pipeline: parsePipeline(argument, at) } : {}) });
          break;
        }
        default:
          throw new TemplateError(`${at}: "${name}" is not supported by this renderer`);
      }
    }
    return { nodes };
  }

  private elseBody(closing: { keyword: string; rest: string } | undefined, at: string): Node[] {
    if (closing === undefined) throw new TemplateError(`${at}: missing end`);
    if (closing.keyword === 'end') return [];
    if (closing.rest.trim() !== '') throw new TemplateError(`${at}: only if supports "else <condition>"`);
    const otherwise = this.list();
    if (otherwise.closing?.keyword !== 'end') throw new TemplateError(`${at}: missing end`);
    return otherwise.nodes;
  }

  private ifNode(condition: string, at: string): Node {
    const branches: { condition: Pipeline; body: Node[] }[] = [];
    let current = condition;
    for (;;) {
      const body = this.list();
      branches.push({ condition: parsePipeline(current, at), body: body.nodes });
      const closing = body.closing;
      if (closing === undefined) throw new TemplateError(`${at}: if without end`);
      if (closing.keyword === 'end') return { kind: 'if', branches, otherwise: [] };
      const elseIf = /^if\b\s*(.*)$/.exec(closing.rest.trim());
      if (elseIf) {
        current = elseIf[1] as string;
        continue;
      }
      const otherwise = this.list();
      if (otherwise.closing?.keyword !== 'end') throw new TemplateError(`${at}: if without end`);
      return { kind: 'if', branches, otherwise: otherwise.nodes };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Values

function isMap(value: Value): value is Record<string, Value> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof GoInt);
}

function truth(value: Value): boolean {
  if (value === undefined || value === null || value === false || value === '') return false;
  if (typeof value === 'number') return value !== 0;
  if (value instanceof GoInt) return value.value !== 0;
  if (Array.isArray(value)) return value.length > 0;
  if (isMap(value)) return Object.keys(value).length > 0;
  return true;
}

/**
 * Go's %v of a float64 (checked against helm): the shortest digits, in exponent form when the
 * decimal exponent is below -4 or at least 6 — so 16777216 from a values file prints 1.6777216e+07.
 */
function formatFloat(value: number): string {
  if (value === 0) return '0';
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent >= -4 && exponent < 6) return String(value);
  return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

/** How a value prints (Sprig's strval, Go's %v). */
function text(value: Value, at: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (value instanceof GoInt) return String(value.value);
  if (typeof value === 'number') return formatFloat(value);
  throw new TemplateError(`${at}: printing a ${Array.isArray(value) ? 'list' : 'map'} as text (use toYaml)`);
}

function toInt(value: Value, at: string): number {
  if (value instanceof GoInt) return value.value;
  if (typeof value === 'number') return Math.trunc(value);
  if (typeof value === 'string') return /^-?\d+$/.test(value) ? Number(value) : 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === undefined || value === null) return 0;
  throw new TemplateError(`${at}: cannot convert a ${typeof value} to int`);
}

function plain(value: Value): Value {
  if (value instanceof GoInt) return value.value;
  if (Array.isArray(value)) return value.map(plain);
  if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

function comparable(value: Value, at: string): string | number | boolean {
  if (value instanceof GoInt) return value.value;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  throw new TemplateError(`${at}: cannot compare ${value === null || value === undefined ? 'nil' : typeof value}`);
}

function indent(spaces: number, value: string): string {
  const pad = ' '.repeat(spaces);
  return pad + value.replaceAll('\n', `\n${pad}`);
}

// ---------------------------------------------------------------------------------------------
// Rendering

interface Scope {
  dot: Value;
  variables: Map<string, Value>[];
}

export interface RenderedFile {
  name: string;
  output: string;
}

type Fn = (args: Value[], at: string) => Value;

export class TemplateSet {
  private readonly defines = new Map<string, Node[]>();
  private readonly files = new Map<string, Node[]>();
  private readonly functions: Record<string, Fn>;

  constructor() {
    const arity = (name: string, args: Value[], count: number, at: string) => {
      if (args.length !== count) throw new TemplateError(`${at}: ${name} wants ${count} arguments, got ${args.length}`);
    };
    const str = (value: Value, at: string) => text(value, at);
    this.functions = {
      include: (args, at) => {
        arity('include', args, 2, at);
        return this.execute(str(args[0], at), args[1], at);
      },
      quote: (args, at) =>
        args
          .filter((a) => a !== undefined && a !== null)
          .map((a) => JSON.stringify(str(a, at)))
          .join(' '),
      toYaml: (args, at) => {
        arity('toYaml', args, 1, at);
        const value = args[0] === undefined ? null : plain(args[0]);
        return stringify(value, { lineWidth: 0 }).replace(/\n$/, '');
      },
      indent: (args, at) => {
        arity('indent', args, 2, at);
        return indent(toInt(args[0], at), str(args[1], at));
      },
      nindent: (args, at) => {
        arity('nindent', args, 2, at);
        return `\n${indent(toInt(args[0], at), str(args[1], at))}`;
      },
      default: (args, at) => {
        arity('default', args, 2, at);
        return truth(args[1]) ? args[1] : args[0];
      },
      required: (args, at) => {
        arity('required', args, 2, at);
        if (args[1] === undefined || args[1] === null || args[1] === '') throw new TemplateError(str(args[0], at));
        return args[1];
      },
      fail: (args, at) => {
        throw new TemplateError(str(args[0], at));
      },
      printf: (args, at) => {
        const [format, ...rest] = args;
        let index = 0;
        return str(format, at).replace(/%([svd%])/g, (_m, verb: string) => {
          if (verb === '%') return '%';
          const value = rest[index++];
          return verb === 'd' ? String(toInt(value, at)) : str(value, at);
        });
      },
      ternary: (args, at) => {
        arity('ternary', args, 3, at);
        if (typeof args[2] !== 'boolean') throw new TemplateError(`${at}: ternary wants a bool`);
        return args[2] ? args[0] : args[1];
      },
      not: (args, at) => {
        arity('not', args, 1, at);
        return !truth(args[0]);
      },
      eq: (args, at) => {
        const [first, ...others] = args.map((a) => comparable(a, at));
        return others.some((other) => other === first);
      },
      ne: (args, at) => comparable(args[0], at) !== comparable(args[1], at),
      lt: (args, at) => comparable(args[0], at) < comparable(args[1], at),
      le: (args, at) => comparable(args[0], at) <= comparable(args[1], at),
      gt: (args, at) => comparable(args[0], at) > comparable(args[1], at),
      ge: (args, at) => comparable(args[0], at) >= comparable(args[1], at),
      add: (args, at) => new GoInt(args.reduce<number>((sum, a) => sum + toInt(a, at), 0)),
      mul: (args, at) => new GoInt(args.reduce<number>((product, a) => product * toInt(a, at), 1)),
      sub: (args, at) => new GoInt(toInt(args[0], at) - toInt(args[1], at)),
      div: (args, at) => new GoInt(Math.trunc(toInt(args[0], at) / toInt(args[1], at))),
      int: (args, at) => new GoInt(toInt(args[0], at)),
      int64: (args, at) => new GoInt(toInt(args[0], at)),
      len: (args, at) => {
        const value = args[0];
        if (typeof value === 'string' || Array.isArray(value)) return new GoInt(value.length);
        if (isMap(value)) return new GoInt(Object.keys(value).length);
        throw new TemplateError(`${at}: len of ${value === null || value === undefined ? 'nil' : typeof value}`);
      },
      empty: (args) => !truth(args[0]),
      upper: (args, at) => str(args[0], at).toUpperCase(),
      trunc: (args, at) => {
        const count = toInt(args[0], at);
        const value = str(args[1], at);
        return count >= 0 ? value.slice(0, count) : value.slice(count);
      },
      trimSuffix: (args, at) => {
        const suffix = str(args[0], at);
        const value = str(args[1], at);
        return suffix !== '' && value.endsWith(suffix) ? value.slice(0, -suffix.length) : value;
      },
      replace: (args, at) => str(args[2], at).replaceAll(str(args[0], at), str(args[1], at)),
      sha256sum: (args, at) => createHash('sha256').update(str(args[0], at)).digest('hex'),
      b64enc: (args, at) => Buffer.from(str(args[0], at)).toString('base64'),
      toString: (args: Value[], at: string) => str(args[0], at),
    };
  }

  /** Adds a file: its defines become available to every file; `name` is used in messages. */
  add(name: string, source: string): void {
    const builder = new TreeBuilder(segments(source, name), this.defines);
    const { nodes, closing } = builder.list();
    if (closing) throw new TemplateError(`${closing.at}: unexpected {{ ${closing.code} }}`);
    this.files.set(name, nodes);
  }

  render(name: string, data: Value): string {
    const nodes = this.files.get(name);
    if (!nodes) throw new TemplateError(`no template file ${name}`);
    const out: string[] = [];
    this.walk(nodes, { dot: data, variables: [new Map([['$', data]])] }, out);
    return out.join('');
  }

  private execute(name: string, data: Value, at: string): string {
    const nodes = this.defines.get(name);
    if (!nodes) throw new TemplateError(`${at}: no template "${name}"`);
    const out: string[] = [];
    // In an invoked template, both `.` and `$` are its argument.
    this.walk(nodes, { dot: data, variables: [new Map([['$', data]])] }, out);
    return out.join('');
  }

  private walk(nodes: Node[], scope: Scope, out: string[]): void {
    for (const node of nodes) {
      switch (node.kind) {
        case 'text':
          out.push(node.text);
          break;
        case 'print': {
          const value = this.pipeline(node.pipeline, scope);
          if (!node.pipeline.variable) out.push(text(value, node.pipeline.at));
          break;
        }
        case 'if': {
          const branch = node.branches.find((b) => truth(this.pipeline(b.condition, scope)));
          this.block(branch ? branch.body : node.otherwise, scope, scope.dot, out);
          break;
        }
        case 'with': {
          const value = this.pipeline(node.pipeline, scope);
          if (truth(value)) this.block(node.body, scope, value, out);
          else this.block(node.otherwise, scope, scope.dot, out);
          break;
        }
        case 'range':
          this.range(node, scope, out);
          break;
        case 'template':
          out.push(this.execute(node.name, node.pipeline ? this.pipeline(node.pipeline, scope) : null, node.at));
          break;
      }
    }
  }

  private block(nodes: Node[], scope: Scope, dot: Value, out: string[], bound: Map<string, Value> = new Map()): void {
    this.walk(nodes, { dot, variables: [...scope.variables, bound] }, out);
  }

  private range(node: Extract<Node, { kind: 'range' }>, scope: Scope, out: string[]): void {
    const value = this.pipeline(node.pipeline, scope);
    const entries: [Value, Value][] = Array.isArray(value)
      ? value.map((v, i) => [new GoInt(i), v])
      : isMap(value)
        ? Object.keys(value)
            .sort()
            .map((k) => [k, value[k]])
        : value === undefined || value === null
          ? []
          : (() => {
              throw new TemplateError(`${node.pipeline.at}: range over ${typeof value}`);
            })();
    if (entries.length === 0) {
      this.block(node.otherwise, scope, scope.dot, out);
      return;
    }
    for (const [key, element] of entries) {
      const bound = new Map<string, Value>();
      if (node.variables.length === 1) bound.set(node.variables[0] as string, element);
      if (node.variables.length === 2) {
        bound.set(node.variables[0] as string, key);
        bound.set(node.variables[1] as string, element);
      }
      this.block(node.body, scope, element, out, bound);
    }
  }

  private lookup(scope: Scope, name: string, at: string): Value {
    for (let i = scope.variables.length - 1; i >= 0; i--) {
      const frame = scope.variables[i] as Map<string, Value>;
      if (frame.has(name)) return frame.get(name);
    }
    throw new TemplateError(`${at}: undefined variable ${name}`);
  }

  private pipeline(pipeline: Pipeline, scope: Scope): Value {
    let value: Value;
    let piped = false;
    for (const command of pipeline.commands) {
      value = this.command(command, scope, piped ? [value] : [], pipeline.at);
      piped = true;
    }
    if (pipeline.variable) {
      const frames = scope.variables;
      const frame = pipeline.variable.declare
        ? (frames[frames.length - 1] as Map<string, Value>)
        : frames
            .slice()
            .reverse()
            .find((f) => f.has(pipeline.variable?.name ?? ''));
      if (!frame) throw new TemplateError(`${pipeline.at}: undefined variable ${pipeline.variable.name}`);
      frame.set(pipeline.variable.name, value);
    }
    return value;
  }

  private command(command: Command, scope: Scope, piped: Value[], at: string): Value {
    const [head, ...rest] = command as [Operand, ...Operand[]];
    if (head.kind === 'function') {
      // and/or evaluate lazily and return the deciding operand, as Go's do.
      if (head.name === 'and' || head.name === 'or') {
        const operands: (() => Value)[] = [...rest.map((o) => () => this.operand(o, scope, at)), ...piped.map((p) => () => p)];
        let last: Value = undefined;
        for (const operand of operands) {
          last = operand();
          if (head.name === 'and' ? !truth(last) : truth(last)) return last;
        }
        return last;
      }
      const fn = Object.hasOwn(this.functions, head.name) ? this.functions[head.name] : undefined;
      if (!fn) throw new TemplateError(`${at}: function "${head.name}" is not supported by this renderer`);
      return fn([...rest.map((o) => this.operand(o, scope, at)), ...piped], at);
    }
    if (rest.length > 0 || piped.length > 0) throw new TemplateError(`${at}: can't give arguments to a non-function`);
    return this.operand(head, scope, at);
  }

  private operand(operand: Operand, scope: Scope, at: string): Value {
    switch (operand.kind) {
      case 'literal':
        return operand.value;
      case 'field':
        return this.fields(scope.dot, operand.path, at);
      case 'variable':
        return this.fields(this.lookup(scope, operand.name, at), operand.path, at);
      case 'function':
        return this.command([operand], scope, [], at);
      case 'pipeline':
        return this.pipeline(operand.pipeline, scope);
    }
  }

  private fields(start: Value, path: string[], at: string): Value {
    let value = start;
    for (const key of path) {
      if (value === undefined || value === null) throw new TemplateError(`${at}: nil pointer evaluating interface {}.${key}`);
      if (!isMap(value)) throw new TemplateError(`${at}: can't evaluate field ${key} in ${typeof value}`);
      value = Object.hasOwn(value, key) ? value[key] : undefined;
    }
    return value;
  }
}
