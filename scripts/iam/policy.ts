import type { DerivedAction } from './derive';
import { DEPENDENT_STATEMENTS, dependentPermissionsFor, type DependentStatementId, type StatementScope } from './dependentPermissions';

/** The policy file, relative to the repository root. */
export const POLICY_FILE = 'docs/iam-policy.json';
export const REGENERATE_COMMAND = 'npm run iam-policy';

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

interface Placement extends StatementScope {
  sid: string;
}

/**
 * Where the actions the code calls go. VPC Lattice ARNs are not known before the resources
 * exist, and RAM-shared service networks live in other accounts, so Lattice actions apply to
 * "*". ListCertificates and GetCallerIdentity have no resource-level permissions. Lambda calls
 * (reading functions, adding and removing our invoke statement) name functions only. The tagging
 * API's GetResources has no resource-level permissions either.
 */
const BY_SERVICE: Readonly<Record<string, Placement>> = {
  'vpc-lattice': { sid: 'VpcLattice', resource: '*' },
  acm: { sid: 'AcmListCertificates', resource: '*' },
  sts: { sid: 'StsGetCallerIdentity', resource: '*' },
  lambda: { sid: 'LambdaBackends', resource: 'arn:aws:lambda:*:*:function:*' },
  tag: { sid: 'FindResourcesByTags', resource: '*' },
};

/** Actions that can be scoped more narrowly than their service's statement. */
const CERTIFICATES = 'arn:aws:acm:*:*:certificate/*';
const BY_ACTION: Readonly<Record<string, Placement>> = {
  'acm:DescribeCertificate': { sid: 'AcmDescribeCertificate', resource: CERTIFICATES },
  'acm:ListTagsForCertificate': { sid: 'AcmDescribeCertificate', resource: CERTIFICATES },
  // Listener certificates imported from Secrets (re-imported on rotation, deleted when unused).
  'acm:ImportCertificate': { sid: 'AcmImportCertificates', resource: CERTIFICATES },
  'acm:DeleteCertificate': { sid: 'AcmImportCertificates', resource: CERTIFICATES },
};

const DERIVED_ORDER = [
  'VpcLattice',
  'AcmListCertificates',
  'AcmDescribeCertificate',
  'AcmImportCertificates',
  'LambdaBackends',
  'FindResourcesByTags',
  'StsGetCallerIdentity',
];

function placementOf(action: string): Placement {
  const placement = BY_ACTION[action] ?? BY_SERVICE[action.slice(0, action.indexOf(':'))];
  if (!placement) throw new Error(`no IAM statement for ${action}: add its service to BY_SERVICE in scripts/iam/policy.ts`);
  return placement;
}

function addTo(statements: Map<string, PolicyStatement>, sid: string, scope: StatementScope, action: string): void {
  const statement = statements.get(sid) ?? {
    Sid: sid,
    Effect: 'Allow' as const,
    Action: [],
    Resource: scope.resource,
    ...(scope.condition ? { Condition: scope.condition } : {}),
  };
  if (!statement.Action.includes(action)) statement.Action.push(action);
  statements.set(sid, statement);
}

/** Every action the policy must allow: what the code calls, plus the documented dependent permissions. */
export function requiredActions(derived: readonly DerivedAction[]): Set<string> {
  const called = new Set(derived.map((d) => d.action));
  return new Set([...called, ...dependentPermissionsFor(called).map((p) => p.action)]);
}

/** The least-privilege policy for the derived actions: deterministic, so the file diffs cleanly. */
export function buildPolicy(derived: readonly DerivedAction[]): PolicyDocument {
  const statements = new Map<string, PolicyStatement>();
  for (const { action } of [...derived].sort((a, b) => a.action.localeCompare(b.action))) {
    const placement = placementOf(action);
    addTo(statements, placement.sid, placement, action);
  }
  const called = new Set(derived.map((d) => d.action));
  const dependent = dependentPermissionsFor(called);
  // Statement order follows DEPENDENT_STATEMENTS, not the order permissions are listed in.
  for (const sid of Object.keys(DEPENDENT_STATEMENTS) as DependentStatementId[]) {
    for (const permission of dependent.filter((p) => p.statement === sid).sort((a, b) => a.action.localeCompare(b.action))) {
      addTo(statements, sid, DEPENDENT_STATEMENTS[sid], permission.action);
    }
  }
  // Derived statements first, in DERIVED_ORDER; the dependent ones keep their order after them (stable sort).
  const rank = (sid: string) => (DERIVED_ORDER.includes(sid) ? DERIVED_ORDER.indexOf(sid) : DERIVED_ORDER.length);
  const sorted = [...statements.values()].sort((a, b) => rank(a.Sid) - rank(b.Sid));
  return { Version: '2012-10-17', Statement: sorted };
}

export function renderPolicy(policy: PolicyDocument): string {
  return `${JSON.stringify(policy, null, 2)}\n`;
}

/** The actions a policy file allows, whatever its statements look like. */
export function actionsInPolicy(parsed: unknown): Set<string> {
  const statements = (parsed as { Statement?: unknown } | null)?.Statement;
  if (!Array.isArray(statements)) throw new Error(`${POLICY_FILE} has no Statement list`);
  const actions = new Set<string>();
  for (const statement of statements) {
    const action = (statement as { Action?: unknown } | null)?.Action;
    for (const name of Array.isArray(action) ? action : [action]) {
      if (typeof name !== 'string') throw new Error(`${POLICY_FILE}: a statement's Action is not a string or a list of strings`);
      actions.add(name);
    }
  }
  return actions;
}

export interface ActionDiff {
  /** Needed by the code, not in the file. */
  missing: string[];
  /** In the file, not needed by the code. */
  extra: string[];
}

export function diffActions(required: ReadonlySet<string>, documented: ReadonlySet<string>): ActionDiff {
  return {
    missing: [...required].filter((a) => !documented.has(a)).sort(),
    extra: [...documented].filter((a) => !required.has(a)).sort(),
  };
}

/** A failure message naming each missing or extra action (and where a missing one is called). */
export function describeDiff(diff: ActionDiff, derived: readonly DerivedAction[]): string {
  const calledAt = new Map(derived.map((d) => [d.action, d.calledAt]));
  const lines: string[] = [];
  for (const action of diff.missing) {
    const where = calledAt.get(action);
    lines.push(`  missing: ${action}${where ? ` (called at ${where.join(', ')})` : ' (a documented dependent permission)'}`);
  }
  for (const action of diff.extra) lines.push(`  extra:   ${action} (no code calls it)`);
  return `${POLICY_FILE} does not match the AWS calls of the code:\n${lines.join('\n')}\nRun \`${REGENERATE_COMMAND}\` to regenerate it.`;
}
