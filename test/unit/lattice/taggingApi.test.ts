import type { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { RetryLaterError } from '../../../src/errors';
import { createLogger } from '../../../src/log';
import { CallBudget } from '../../../src/lattice/callBudget';
import { CallSession } from '../../../src/lattice/callSession';
import { TaggingApi, TaggingAvailability } from '../../../src/lattice/taggingApi';
import { logSink } from '../../support/app';

type Input = { PaginationToken?: string; TagFilters?: unknown; ResourceTypeFilters?: string[] };
type Answer = (input: Input, signal: AbortSignal) => Promise<unknown>;

/** A tagging client whose answers the test writes; records each request's input. */
function client(answer: Answer) {
  const inputs: Input[] = [];
  const fake = {
    send: (command: { input: Input }, options: { abortSignal: AbortSignal }) => {
      inputs.push(command.input);
      return answer(command.input, options.abortSignal);
    },
  } as unknown as ResourceGroupsTaggingAPIClient;
  return { fake, inputs };
}

function tagging(answer: Answer, options: { deadlineMs?: number; budget?: CallBudget; availability?: TaggingAvailability } = {}) {
  const sink = logSink();
  const log = createLogger('debug', sink.stream);
  const session = new CallSession({
    deadline: Date.now() + (options.deadlineMs ?? 5000),
    log,
    ...(options.budget ? { budget: options.budget } : {}),
  });
  const { fake, inputs } = client(answer);
  const availability = options.availability ?? new TaggingAvailability();
  return { api: new TaggingApi(fake, session, availability, log), inputs, logs: sink.lines, availability };
}

const awsError = (name: string, message = name) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
const arn = (n: number) => `arn:aws:vpc-lattice:us-west-2:123456789012:targetgroup/tg-${n}`;

describe('TaggingApi.resourcesTagged', () => {
  it('asks by every tag and the resource type, and pages until the empty token AWS ends with', async () => {
    const t = tagging(async (input) =>
      input.PaginationToken === undefined
        ? { ResourceTagMappingList: [{ ResourceARN: arn(1), Tags: [{ Key: 'owner', Value: 'me' }] }], PaginationToken: 'next' }
        : { ResourceTagMappingList: [{ ResourceARN: arn(2), Tags: [] }, { Tags: [] }], PaginationToken: '' },
    );
    expect(await t.api.resourcesTagged('vpc-lattice:targetgroup', { owner: 'me', route: 'shop' })).toEqual([
      { arn: arn(1), tags: { owner: 'me' } },
      { arn: arn(2), tags: {} },
    ]);
    expect(t.inputs).toHaveLength(2);
    expect(t.inputs[0]).toMatchObject({
      TagFilters: [
        { Key: 'owner', Values: ['me'] },
        { Key: 'route', Values: ['shop'] },
      ],
      ResourceTypeFilters: ['vpc-lattice:targetgroup'],
    });
    expect(t.inputs[1]?.PaginationToken).toBe('next');
  });

  it.each([
    ['denied', awsError('AccessDeniedException', 'not authorized to perform tag:GetResources')],
    ['unknown to the endpoint it reached', awsError('UnrecognizedClientException')],
    ['unreachable', Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' })],
  ])('answers undefined when the API is %s, says so once, and is not asked again for a while', async (_, error) => {
    const availability = new TaggingAvailability(60_000);
    const t = tagging(() => Promise.reject(error), { availability });
    expect(await t.api.resourcesTagged('vpc-lattice:targetgroup', { owner: 'me' })).toBeUndefined();
    expect(await t.api.resourcesTagged('vpc-lattice:targetgroup', { owner: 'me' })).toBeUndefined();
    expect(t.inputs).toHaveLength(1);
    const warnings = t.logs.filter((l) => l.level === 'warn' && String(l.msg).includes('Tagging API'));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.msg)).toContain('DISABLE_TAGGING_SERVICE_API');
    expect(availability.usable(Date.now() + 61_000)).toBe(true);
  });

  const hang: Answer = (_, signal) =>
    new Promise((_resolve, reject) =>
      signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))),
    );

  it('pauses after an endpoint that never answered cost the hook its deadline', async () => {
    const t = tagging(hang, { deadlineMs: 2500 });
    expect(await t.api.resourcesTagged('vpc-lattice:targetgroup', { owner: 'me' })).toBeUndefined();
    expect(t.availability.usable(Date.now())).toBe(false);
  }, 10_000);

  it('throws, and keeps the API in use, when the deadline cut a call off soon after it was sent', async () => {
    const t = tagging(hang, { deadlineMs: 400 });
    const error = await t.api.resourcesTagged('vpc-lattice:targetgroup', { owner: 'me' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryLaterError);
    expect(t.availability.usable(Date.now())).toBe(true);
  });

  it('answers undefined on throttling, this time only, and leaves the Lattice call budget as it was (another quota)', async () => {
    const budget = new CallBudget({ ratePerSecond: 20, burst: 20 });
    let calls = 0;
    const t = tagging(
      async () => {
        calls += 1;
        if (calls === 1) throw awsError('ThrottledException', 'Rate exceeded');
        return { ResourceTagMappingList: [{ ResourceARN: arn(1), Tags: [] }], PaginationToken: '' };
      },
      { budget },
    );
    // The SDK client retried it already (it keeps the standard retries); the session sends it once.
    expect(await t.api.resourcesTagged('vpc-lattice:targetgroup', { owner: 'me' })).toBeUndefined();
    expect(calls).toBe(1);
    expect(budget.stats()).toMatchObject({ ratePerSecond: 20, throttled: 0 });
    expect(await t.api.resourcesTagged('vpc-lattice:targetgroup', { owner: 'me' })).toEqual([{ arn: arn(1), tags: {} }]);
    expect(t.logs.filter((l) => l.level === 'warn' && String(l.msg).includes('Tagging API'))).toEqual([]);
  });

  it('throws when the call budget has no token before the deadline, and keeps the API in use', async () => {
    const budget = new CallBudget({ ratePerSecond: 1, burst: 1 });
    await budget.take(Date.now() + 1000);
    const t = tagging(async () => ({ ResourceTagMappingList: [] }), { budget, deadlineMs: 300 });
    const error = await t.api.resourcesTagged('vpc-lattice:targetgroup', { owner: 'me' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryLaterError);
    expect([t.inputs.length, t.availability.usable(Date.now())]).toEqual([0, true]);
  });
});
