import { describeAction, describeMatch } from '../../../demo/latticeReport';
import { statusLines } from '../../../demo/statusReport';
import { table, wrapList } from '../../../demo/table';

describe('demo report formatting', () => {
  it('aligns table columns and leaves no trailing spaces', () => {
    expect(
      table(
        ['NAME', 'STATUS', 'MESSAGE'],
        [
          ['a-long-name', 'True', ''],
          ['b', 'False', 'why'],
        ],
      ),
    ).toEqual(['  NAME         STATUS  MESSAGE', '  a-long-name  True', '  b            False   why']);
  });

  it('describes matches and actions in words', () => {
    expect(describeMatch({ method: 'POST', path: { type: 'prefix', value: '/api/' }, headers: [{ name: 'x-env', value: 'dev' }] })).toBe(
      'POST and prefix /api/ and header x-env=dev',
    );
    expect(describeMatch({ headers: [] })).toBe('any request');
    const names = new Map([
      ['tg-1', 'ns/a:80'],
      ['tg-2', 'ns/b:80'],
    ]);
    expect(
      describeAction(
        {
          forward: [
            { targetGroupId: 'tg-1', weight: 3 },
            { targetGroupId: 'tg-2', weight: 1 },
          ],
        },
        names,
      ),
    ).toBe('forward to ns/a:80 75%, ns/b:80 25%');
    expect(describeAction({ forward: [{ targetGroupId: 'tg-1', weight: 1 }] }, names)).toBe('forward to ns/a:80');
    expect(describeAction({ fixedResponse: 500 }, names)).toBe('fixed response 500');
  });

  it('shows route conditions per parent, and nothing for objects without status', () => {
    const route = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'r', namespace: 'apps' },
      status: {
        parents: [
          {
            parentRef: { name: 'gw', namespace: 'infra' },
            conditions: [{ type: 'Accepted', status: 'False', reason: 'NotAllowedByListeners', message: 'no' }],
          },
        ],
      },
    };
    expect(statusLines(route)).toEqual([
      'HTTPRoute apps/r',
      '  parent Gateway infra/gw',
      '    CONDITION  STATUS  REASON                 MESSAGE',
      '    Accepted   False   NotAllowedByListeners  no',
    ]);
    expect(statusLines({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'apps' } })).toEqual([]);
  });
});

describe('wrapList', () => {
  it('fills lines up to the width, comma-separated', () => {
    expect(wrapList(['Service a/one', 'Service a/two', 'Service a/three'], 34)).toEqual([
      '    Service a/one, Service a/two,',
      '    Service a/three',
    ]);
    expect(wrapList([], 20)).toEqual([]);
  });
});
