import { CreateAliasCommand, CreateFunctionCommand, GetPolicyCommand, type LambdaClient } from '@aws-sdk/client-lambda';

/** The demo's function: what a user would make with `aws lambda create-function` and `create-alias`. */
export const DEMO_FUNCTION = 'thumbnails';
export const DEMO_ALIAS = 'live';

export async function createDemoFunction(lambda: LambdaClient, accountId: string): Promise<string> {
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: DEMO_FUNCTION,
      Role: `arn:aws:iam::${accountId}:role/thumbnails`,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Code: { ZipFile: new Uint8Array([0x50, 0x4b, 0x05, 0x06]) },
      Publish: true,
    }),
  );
  const alias = await lambda.send(new CreateAliasCommand({ FunctionName: DEMO_FUNCTION, Name: DEMO_ALIAS, FunctionVersion: '1' }));
  return alias.AliasArn ?? '';
}

export interface InvokeStatementView {
  functionArn: string;
  sid: string;
  principal: string;
  sourceArn: string;
}

/** The statements of a function's (qualified) resource policy, as `aws lambda get-policy` shows them. */
export async function invokeStatements(lambda: LambdaClient, functionArn: string): Promise<InvokeStatementView[]> {
  try {
    const policy = await lambda.send(new GetPolicyCommand({ FunctionName: functionArn }));
    const statements =
      (
        JSON.parse(policy.Policy ?? '{}') as {
          Statement?: { Sid?: string; Principal?: { Service?: string }; Condition?: { ArnLike?: Record<string, string> } }[];
        }
      ).Statement ?? [];
    return statements.map((s) => ({
      functionArn,
      sid: s.Sid ?? '',
      principal: s.Principal?.Service ?? '',
      sourceArn: s.Condition?.ArnLike?.['AWS:SourceArn'] ?? '',
    }));
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return [];
    throw error;
  }
}
