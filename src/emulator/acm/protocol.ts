/**
 * The awsJson1_1 wire of ACM: `POST /` with `X-Amz-Target: CertificateManager.<Operation>` and a
 * JSON body; answers are JSON, errors `{"__type": <name>, "message": …}` with the model's status.
 */
import type { ServerResponse } from 'node:http';
import { sendAwsJson } from '../http';
import type { AcmError } from './errors';
import { ACM_OPERATIONS, type AcmOperation } from './operations';

const TARGET_PREFIX = 'CertificateManager.';

export const ACM_OPERATION_NAMES: readonly string[] = [...ACM_OPERATIONS.keys()];

/**
 * JSON-RPC calls are the only ones that name their operation in X-Amz-Target: restJson1 (Lattice)
 * routes by path and awsQuery (STS) by the form's `Action`.
 */
export function isJsonRpcRequest(method: string, path: string, target: string | string[] | undefined): target is string {
  return method === 'POST' && path === '/' && typeof target === 'string';
}

/** The ACM operation an X-Amz-Target names, if the emulator serves it. */
export function acmOperation(target: string): AcmOperation | undefined {
  return target.startsWith(TARGET_PREFIX) ? ACM_OPERATIONS.get(target.slice(TARGET_PREFIX.length)) : undefined;
}

export function sendAcmResult(response: ServerResponse, output: object, requestId: string): void {
  sendAwsJson(response, 200, output, requestId);
}

/** AccessDeniedException's message member is `Message` in ACM's model; every other shape's is `message`. */
export function sendAcmError(response: ServerResponse, error: AcmError, requestId: string): void {
  const messageMember = error.errorType === 'AccessDeniedException' ? 'Message' : 'message';
  sendAwsJson(response, error.status, { __type: error.errorType, [messageMember]: error.message }, requestId);
}
