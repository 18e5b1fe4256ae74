import * as ts from 'typescript';

/** One AWS SDK v3 operation the code sends, and where. */
export interface SdkCommandUse {
  /** The client package the command is imported from, e.g. `@aws-sdk/client-vpc-lattice`. */
  module: string;
  /** The operation, e.g. `CreateService` (from `CreateServiceCommand` or `paginateCreateService`). */
  operation: string;
  file: string;
  line: number;
}

const CLIENT_MODULE = /^@aws-sdk\/client-[a-z0-9-]+$/;

interface ImportedName {
  module: string;
  exported: string;
}

/** Value imports from AWS SDK client packages: local name → what it is. Type-only imports send nothing. */
function sdkImports(source: ts.SourceFile): { named: Map<string, ImportedName>; namespaces: Map<string, string> } {
  const named = new Map<string, ImportedName>();
  const namespaces = new Map<string, string>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const module = statement.moduleSpecifier.text;
    const clause = statement.importClause;
    if (!CLIENT_MODULE.test(module) || !clause || clause.isTypeOnly) continue;
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) namespaces.set(bindings.name.text, module);
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) {
        if (!element.isTypeOnly) named.set(element.name.text, { module, exported: (element.propertyName ?? element.name).text });
      }
    }
  }
  return { named, namespaces };
}

/** `XxxCommand` → `Xxx`; `paginateXxx` → `Xxx` (a paginator sends the Xxx operation). */
function operationOf(exported: string, usage: 'new' | 'call'): string | undefined {
  if (usage === 'new' && /^[A-Z][A-Za-z0-9]*Command$/.test(exported)) return exported.slice(0, -'Command'.length);
  if (usage === 'call' && /^paginate[A-Z][A-Za-z0-9]*$/.test(exported)) return exported.slice('paginate'.length);
  return undefined;
}

/**
 * The SDK operations one TypeScript file sends: every `new XxxCommand(…)` and `paginateXxx(…)`
 * whose name is imported from an `@aws-sdk/client-*` package (named, renamed or namespace
 * imports), attributed to the package it is imported from — never guessed from the name.
 */
export function sdkCommandsIn(file: string, text: string): SdkCommandUse[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const { named, namespaces } = sdkImports(source);
  const uses: SdkCommandUse[] = [];

  const resolve = (callee: ts.Expression): ImportedName | undefined => {
    if (ts.isIdentifier(callee)) return named.get(callee.text);
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
      const module = namespaces.get(callee.expression.text);
      return module === undefined ? undefined : { module, exported: callee.name.text };
    }
    return undefined;
  };
  const record = (node: ts.Node, callee: ts.Expression, usage: 'new' | 'call') => {
    const imported = resolve(callee);
    const operation = imported && operationOf(imported.exported, usage);
    if (imported && operation) {
      uses.push({ module: imported.module, operation, file, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isNewExpression(node)) record(node, node.expression, 'new');
    else if (ts.isCallExpression(node)) record(node, node.expression, 'call');
    ts.forEachChild(node, visit);
  };
  visit(source);
  return uses;
}
