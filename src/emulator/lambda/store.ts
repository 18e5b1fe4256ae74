/**
 * The emulator's Lambda functions: versions, aliases and one resource policy per qualifier
 * (unqualified, a version or an alias), as Lambda keeps them. Code and role are accepted and ignored.
 */

export interface PolicyStatementRecord {
  Sid: string;
  Effect: 'Allow';
  Principal: { Service: string } | { AWS: string };
  Action: string;
  Resource: string;
  Condition?: { ArnLike?: Record<string, string>; StringEquals?: Record<string, string> };
}

export interface FunctionRecord {
  readonly name: string;
  /** Unqualified. */
  readonly arn: string;
  readonly region: string;
  readonly runtime: string | undefined;
  readonly role: string;
  readonly handler: string | undefined;
  readonly createdAt: number;
  /** `$LATEST` and published numbers. */
  readonly versions: string[];
  /** Alias name → version. */
  readonly aliases: Map<string, string>;
  /** Qualifier (`''` for the unqualified function) → statements in insertion order. */
  readonly policies: Map<string, PolicyStatementRecord[]>;
  revisionId: string;
}

export class LambdaStore {
  /** Keyed by `<region>/<name>`. */
  readonly functions = new Map<string, FunctionRecord>();

  get(region: string, name: string): FunctionRecord | undefined {
    return this.functions.get(`${region}/${name}`);
  }

  add(record: FunctionRecord): void {
    this.functions.set(`${record.region}/${record.name}`, record);
  }

  delete(record: FunctionRecord): void {
    this.functions.delete(`${record.region}/${record.name}`);
  }
}

export function policyDocument(statements: readonly PolicyStatementRecord[]): string {
  return JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements });
}

/** `GET /_emulator/state`: every function with its versions, aliases and policies. */
export function lambdaSnapshot(store: LambdaStore) {
  return [...store.functions.values()].map((f) => ({
    functionName: f.name,
    functionArn: f.arn,
    versions: [...f.versions],
    aliases: Object.fromEntries(f.aliases),
    policies: Object.fromEntries(
      [...f.policies]
        .filter(([, statements]) => statements.length > 0)
        .map(([qualifier, statements]) => [qualifier || '$unqualified', statements]),
    ),
  }));
}
