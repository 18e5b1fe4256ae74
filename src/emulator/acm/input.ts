/**
 * ACM request bodies → typed inputs, with the AWS JSON framework's errors: a body that is not
 * JSON or has a member of the wrong JSON type is a SerializationException, a value outside the
 * model's constraints a ValidationException listing every problem.
 */
import { validationSummary, type Issue, type Schema } from '../validation';
import { AcmError } from './errors';

export function parseJsonBody(body: string): unknown {
  if (body.trim() === '') return {};
  try {
    return JSON.parse(body);
  } catch {
    throw new AcmError('SerializationException', 'The request body is not valid JSON');
  }
}

export function parseAcmInput<T>(schema: Schema<T>, value: unknown): T {
  const issues: Issue[] = [];
  const parsed = schema.parse(value, '', issues);
  const wrongType = issues.find((issue) => issue.kind === 'type');
  if (wrongType !== undefined) throw new AcmError('SerializationException', wrongType.message);
  if (issues.length > 0 || parsed === undefined) throw new AcmError('ValidationException', validationSummary(issues));
  return parsed;
}
