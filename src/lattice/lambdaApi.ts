import { AddPermissionCommand, GetFunctionCommand, GetPolicyCommand, LambdaClient, RemovePermissionCommand } from '@aws-sdk/client-lambda';
import type { CallSession } from './callSession';

/** The Lambda operations Lambda backends use (the IAM policy is derived from this list too). */
export class LambdaApi {
  readonly #client: LambdaClient;
  readonly #session: CallSession;

  constructor(client: LambdaClient, session: CallSession) {
    this.#client = client;
    this.#session = session;
  }

  /** Lambda's throttling is its own quota's: its client retries it, and the Lattice budget is not slowed. */
  #run<T>(operation: string, send: (options: { abortSignal: AbortSignal }) => Promise<T>): Promise<T> {
    return this.#session.run(operation, send, 'other');
  }

  /** `functionName`: a function ARN, qualified or not. */
  getFunction(functionName: string) {
    return this.#run('GetFunction', (o) => this.#client.send(new GetFunctionCommand({ FunctionName: functionName }), o));
  }

  getPolicy(functionName: string) {
    return this.#run('GetPolicy', (o) => this.#client.send(new GetPolicyCommand({ FunctionName: functionName }), o));
  }

  /** Lets VPC Lattice invoke the function, from one target group (`sourceArn`) only. */
  addInvokePermission(functionName: string, statementId: string, sourceArn: string) {
    return this.#run('AddPermission', (o) =>
      this.#client.send(
        new AddPermissionCommand({
          FunctionName: functionName,
          StatementId: statementId,
          Action: 'lambda:InvokeFunction',
          Principal: 'vpc-lattice.amazonaws.com',
          SourceArn: sourceArn,
        }),
        o,
      ),
    );
  }

  removePermission(functionName: string, statementId: string) {
    return this.#run('RemovePermission', (o) =>
      this.#client.send(new RemovePermissionCommand({ FunctionName: functionName, StatementId: statementId }), o),
    );
  }
}
