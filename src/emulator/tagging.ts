/**
 * The Resource Groups Tagging API's GetResources over the emulator's Lattice resources, in the
 * awsJson1_1 wire (`X-Amz-Target: ResourceGroupsTaggingAPI_20170126.GetResources`). AWS's index
 * lags by seconds; here a resource joins it `taggingLagMs` after its creation (0 by default).
 * Admission as for ACM: counted,
 * signed, faults; not the Lattice throttle.
 */
import type { ServerResponse } from 'node:http';
import { admitCall, applyThenFail, callerRegion, unsigned, type RawRequest } from './admission';
import { LatticeApiError } from './errors';
import { sendAwsJson } from './http';
import { partitionOf } from './ids';
import type { EmulatorRuntime } from './runtime';
import type { TaggableRecord } from './state';

const TARGET_PREFIX = 'ResourceGroupsTaggingAPI_20170126.';
const MAX_PAGE = 100;

export const TAGGING_OPERATION_NAMES: readonly string[] = ['GetResources'];

export function isTaggingTarget(target: string): boolean {
  return target.startsWith(TARGET_PREFIX);
}

const TAGGING_ERROR_STATUS = {
  AccessDeniedException: 400,
  InternalServiceException: 500,
  InvalidParameterException: 400,
  PaginationTokenExpiredException: 400,
  ThrottledException: 400,
  UnknownOperationException: 400,
} as const;

type TaggingErrorType = keyof typeof TAGGING_ERROR_STATUS;

class TaggingError extends Error {
  constructor(
    readonly errorType: TaggingErrorType,
    message: string,
  ) {
    super(message);
  }
}

/** Errors of the shared admission path (auth, injected faults) in the tagging API's own shapes. */
function taggingErrorFrom(error: LatticeApiError): TaggingError {
  const type: TaggingErrorType =
    error.errorType === 'AccessDeniedException'
      ? 'AccessDeniedException'
      : error.errorType === 'ThrottlingException'
        ? 'ThrottledException'
        : error.status >= 500
          ? 'InternalServiceException'
          : 'InvalidParameterException';
  return new TaggingError(type, error.message);
}

interface TagFilter {
  key: string;
  /** Empty: any value of the key. */
  values: string[];
}

interface GetResourcesInput {
  tagFilters: TagFilter[];
  typeFilters: string[];
  arns: string[] | undefined;
  perPage: number;
  after: string | undefined;
}

function invalid(message: string): TaggingError {
  return new TaggingError('InvalidParameterException', message);
}

function stringList(value: unknown, member: string, max: number): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw invalid(`${member} must be a list of strings`);
  if (value.length > max) throw invalid(`${member} takes at most ${max} items`);
  return value as string[];
}

function parseInput(body: string): GetResourcesInput {
  let raw: Record<string, unknown>;
  try {
    raw = body.trim() === '' ? {} : (JSON.parse(body) as Record<string, unknown>);
  } catch {
    throw invalid('The request body is not valid JSON');
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw invalid('The request body must be a JSON object');
  const filters = raw.TagFilters ?? [];
  if (!Array.isArray(filters) || filters.length > 50) throw invalid('TagFilters must be a list of at most 50 filters');
  const tagFilters = filters.map((f: { Key?: unknown; Values?: unknown }) => {
    if (typeof f?.Key !== 'string' || f.Key.length < 1 || f.Key.length > 128)
      throw invalid('Each TagFilter needs a Key of 1-128 characters');
    return { key: f.Key, values: stringList(f.Values, 'TagFilter.Values', 20) ?? [] };
  });
  const typeFilters = stringList(raw.ResourceTypeFilters, 'ResourceTypeFilters', 100) ?? [];
  const arns = stringList(raw.ResourceARNList, 'ResourceARNList', 100);
  const perPage = raw.ResourcesPerPage ?? MAX_PAGE;
  if (typeof perPage !== 'number' || !Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PAGE)
    throw invalid(`ResourcesPerPage must be between 1 and ${MAX_PAGE}`);
  const token = raw.PaginationToken;
  if (token !== undefined && typeof token !== 'string') throw invalid('PaginationToken must be a string');
  if (arns !== undefined && (filters.length > 0 || typeFilters.length > 0 || raw.ResourcesPerPage !== undefined || token))
    throw invalid('ResourceARNList cannot be combined with TagFilters, ResourceTypeFilters or pagination parameters');
  return { tagFilters, typeFilters, arns, perPage, after: token ? decodeToken(token) : undefined };
}

// Pages continue after the last ARN answered (the order is by ARN), so they survive deletions.
function encodeToken(lastArn: string): string {
  return Buffer.from(lastArn, 'utf8').toString('base64url');
}

function decodeToken(token: string): string {
  const arn = Buffer.from(token, 'base64url').toString('utf8');
  if (!arn.startsWith('arn:'))
    throw new TaggingError('PaginationTokenExpiredException', 'The PaginationToken is not one this API returned');
  return arn;
}

/** `service:type` of a Lattice ARN: `…:targetgroup/tg-1` → `vpc-lattice:targetgroup`; nested ones join their types (`service/listener`). */
function resourceTypeOf(arn: string): string {
  const parts = arn.split(':');
  const path = parts.slice(5).join(':').split('/');
  return `${parts[2]}:${path.filter((_, i) => i % 2 === 0).join('/')}`;
}

function matches(record: TaggableRecord, input: GetResourcesInput, regionPrefix: string, indexedBefore: number): boolean {
  // AWS's index holds resources that carry or carried tags; the emulator knows only the present ones.
  if (!record.arn.startsWith(regionPrefix) || Object.keys(record.tags).length === 0) return false;
  if (record.createdAt > indexedBefore) return false;
  if (input.arns !== undefined) return input.arns.includes(record.arn);
  const type = resourceTypeOf(record.arn);
  if (input.typeFilters.length > 0 && !input.typeFilters.some((f) => type === f || type.startsWith(`${f}:`))) return false;
  return input.tagFilters.every(
    (f) =>
      Object.prototype.hasOwnProperty.call(record.tags, f.key) && (f.values.length === 0 || f.values.includes(record.tags[f.key] ?? '')),
  );
}

function getResources(runtime: EmulatorRuntime, request: RawRequest, input: GetResourcesInput): object {
  const region = callerRegion(runtime, request);
  // The caller's own resources in its region, as AWS answers.
  const regionPrefix = `arn:${partitionOf(region)}:vpc-lattice:${region}:${runtime.callerAccountId}:`;
  const found = [...runtime.store.taggable()]
    .filter((record) => matches(record, input, regionPrefix, runtime.clock() - runtime.settings.taggingLagMs))
    .sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
  const from = input.after === undefined ? 0 : found.findIndex((r) => r.arn > (input.after as string));
  const page = from === -1 ? [] : found.slice(from, from + input.perPage);
  const more = from !== -1 && from + input.perPage < found.length;
  return {
    PaginationToken: more ? encodeToken(page[page.length - 1]?.arn ?? '') : '',
    ResourceTagMappingList: page.map((r) => ({ ResourceARN: r.arn, Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })) })),
  };
}

export async function handleTagging(
  runtime: EmulatorRuntime,
  request: RawRequest,
  target: string,
  response: ServerResponse,
): Promise<void> {
  const { requestId } = request;
  try {
    const name = target.slice(TARGET_PREFIX.length);
    if (!TAGGING_OPERATION_NAMES.includes(name)) {
      if (request.authorization === undefined) throw unsigned();
      throw new TaggingError('UnknownOperationException', `The emulator serves no operation ${target}`);
    }
    const committed = await admitCall(runtime, request, name, false);
    runtime.store.sweep(runtime.clock());
    const output = applyThenFail(committed, () => getResources(runtime, request, parseInput(request.body)));
    sendAwsJson(response, 200, output, requestId);
    runtime.logger.debug({ requestId, operation: name, status: 200 }, 'tagging call');
  } catch (caught) {
    const error = caught instanceof LatticeApiError ? taggingErrorFrom(caught) : caught;
    if (!(error instanceof TaggingError)) throw error;
    runtime.logger.debug({ requestId, target, errorType: error.errorType, message: error.message }, 'tagging call failed');
    sendAwsJson(response, TAGGING_ERROR_STATUS[error.errorType], { __type: error.errorType, Message: error.message }, requestId);
  }
}
