import type { FunctionLookup } from '../model/lambdaTargets';
import { awsErrorMessage, isAccessDenied, isNotFound } from './awsErrors';
import type { LambdaApi } from './lambdaApi';

/** Whether a function (qualified ARN: that alias or version) exists, as Lambda's GetFunction says. */
export async function lookUpFunction(lambda: LambdaApi, functionArn: string): Promise<FunctionLookup & { state?: string }> {
  try {
    const output = await lambda.getFunction(functionArn);
    const state = output.Configuration?.State;
    return { exists: true, ...(state ? { state } : {}) };
  } catch (error) {
    if (isNotFound(error)) return { exists: false, message: 'not found' };
    if (isAccessDenied(error)) return { exists: false, message: `cannot be read (${awsErrorMessage(error)})` };
    throw error;
  }
}

export async function lookUpFunctions(lambda: LambdaApi, functionArns: Iterable<string>): Promise<Map<string, FunctionLookup>> {
  const found = new Map<string, FunctionLookup>();
  for (const arn of new Set(functionArns)) found.set(arn, await lookUpFunction(lambda, arn));
  return found;
}
