import { CallBudget } from '../../../src/lattice/callBudget';
import { DirectoryApi } from '../../../src/lattice/directoryApi';
import { progressBar, progressLine } from '../../../src/directory/progress';
import { describeMatch, toAction } from '../../../src/directory/shapes';

/** A stand-in for VPCLatticeClient: answers each command by its name, records the inputs. */
function fakeClient(answer: (name: string, input: Record<string, unknown>) => unknown) {
  const sent: { name: string; input: Record<string, unknown> }[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name.replace(/Command$/, '');
      sent.push({ name, input: command.input });
      return answer(name, command.input);
    },
  };
  return { client: client as never, sent };
}

describe('the directory reads', () => {
  it('follow nextToken to the last page, one budget token per page', async () => {
    const pages: Record<string, { items: { id: string }[]; nextToken?: string }> = {
      first: { items: [{ id: 'svc-1' }, { id: 'svc-2' }], nextToken: 'p2' },
      p2: { items: [{ id: 'svc-3' }], nextToken: 'p3' },
      p3: { items: [] },
    };
    const { client, sent } = fakeClient((_name, input) => pages[(input.nextToken as string | undefined) ?? 'first']);
    const budget = new CallBudget({ ratePerSecond: 100, burst: 100 });
    const api = new DirectoryApi(client, budget);
    expect((await api.listServices()).map((s) => s.id)).toEqual(['svc-1', 'svc-2', 'svc-3']);
    expect(sent.map((s) => s.input.nextToken)).toEqual([undefined, 'p2', 'p3']);
    expect(budget.stats().granted).toBe(3);
    expect(api.calls).toBe(3);
  });

  it('wait for the call budget, and tell it about throttling', async () => {
    const slept: number[] = [];
    let now = 0;
    const budget = new CallBudget({ ratePerSecond: 2, burst: 1, now: () => now, sleep: async (ms) => void slept.push(ms) });
    let throttle = false;
    const { client } = fakeClient(() => {
      if (throttle) throw Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
      return { tags: {} };
    });
    const api = new DirectoryApi(client, budget);
    await api.listTags('arn:1');
    await api.listTags('arn:2');
    expect(slept).toEqual([500]);
    throttle = true;
    now = 10_000;
    // Three attempts, each with its token of a budget that every throttling answer slows.
    await expect(api.listTags('arn:3')).rejects.toThrow('slow down');
    expect(budget.stats()).toMatchObject({ throttled: 3, ratePerSecond: 0.25 });
    // Counted once per call, as the directory's figures count them.
    expect(api.calls).toBe(3);
  });
});

describe('Lattice shapes in words', () => {
  it('describes matches', () => {
    expect(describeMatch(undefined)).toBe('anything');
    expect(
      describeMatch({
        httpMatch: {
          method: 'GET',
          pathMatch: { match: { exact: '/cart' } },
          headerMatches: [
            { name: 'x-canary', match: { exact: 'true' } },
            { name: 'ua', match: { contains: 'bot' } },
          ],
        },
      }),
    ).toBe('GET exact /cart, header x-canary=true, header ua contains bot');
    expect(describeMatch({ httpMatch: { pathMatch: { match: { prefix: '/' } } } })).toBe('prefix /');
  });

  it('keeps target group ids from ids or ARNs, with weights', () => {
    expect(
      toAction({
        forward: {
          targetGroups: [
            { targetGroupIdentifier: 'arn:aws:vpc-lattice:us-west-2:111122223333:targetgroup/tg-1', weight: 90 },
            { targetGroupIdentifier: 'tg-2', weight: 10 },
          ],
        },
      }),
    ).toEqual({
      type: 'forward',
      targetGroups: [
        { targetGroupId: 'tg-1', targetGroupName: null, weight: 90 },
        { targetGroupId: 'tg-2', targetGroupName: null, weight: 10 },
      ],
    });
    expect(toAction({ fixedResponse: { statusCode: 404 } })).toEqual({ type: 'fixed-response', statusCode: 404 });
  });
});

describe('the progress bar', () => {
  it('draws counts in place on a terminal and clears itself', () => {
    expect(progressLine(5, 20, 10)).toBe('reading Lattice [###.......] 5/20 resources');
    const written: string[] = [];
    const bar = progressBar({ isTTY: true, write: (t) => written.push(t) });
    bar.update(0, 2);
    bar.update(2, 2);
    bar.end();
    expect(written[0]).toMatch(/^\rreading Lattice \[\.+\] 0\/2 resources$/);
    expect(written[1]).toMatch(/^\rreading Lattice \[#+\] 2\/2 resources$/);
    expect(written[2]).toMatch(/^\r +\r$/);
  });

  it('draws nothing when the stream is not a terminal', () => {
    const written: string[] = [];
    const bar = progressBar({ isTTY: false, write: (t) => written.push(t) });
    bar.update(1, 2);
    bar.end();
    expect(written).toEqual([]);
  });
});
