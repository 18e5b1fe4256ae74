import { buildDirectory } from '../../../src/directory/model';
import { CSV_HEADER, renderCsv, renderTable } from '../../../src/directory/render';
import { forwardListener, networkWith, observed, service, targetGroup, THIS_CLUSTER } from './fixtures';

describe('directory model and renderings', () => {
  const directory = buildDirectory(
    observed({
      networks: [networkWith('sn-1', ['svc-a'], { name: 'prod, "east"' })],
      services: [
        service('svc-a', {
          name: 'web',
          listeners: [
            forwardListener('l-1', ['tg-1', 'tg-2'], {
              rules: [
                {
                  id: 'r-2',
                  name: 'k8s-0123456789abcdef',
                  priority: 7,
                  isDefault: false,
                  match: 'prefix /',
                  action: {
                    type: 'forward',
                    targetGroups: [
                      { targetGroupId: 'tg-1', targetGroupName: null, weight: 90 },
                      { targetGroupId: 'tg-2', targetGroupName: null, weight: 10 },
                    ],
                  },
                },
                {
                  id: 'r-1',
                  name: 'k8s-0123456789abcdee',
                  priority: 3,
                  isDefault: false,
                  match: 'exact /a',
                  action: { type: 'forward', targetGroups: [{ targetGroupId: 'tg-2', targetGroupName: null, weight: 1 }] },
                },
              ],
            }),
          ],
        }),
        service('svc-b', { name: 'shared-in', arn: 'arn:aws:vpc-lattice:us-west-2:999988887777:service/svc-b', tags: {} }),
      ],
      targetGroups: [
        targetGroup('tg-1'),
        targetGroup('tg-2', {
          targets: [
            { id: 'x', port: 80, status: 'UNHEALTHY', reasonCode: null },
            { id: 'y', port: 80, status: 'HEALTHY', reasonCode: null },
          ],
        }),
      ],
    }),
    { thisCluster: THIS_CLUSTER, rulesPerListener: 10 },
  );

  it('orders rules by priority with the default action last, names target groups, and rolls up health', () => {
    const web = directory.services.find((s) => s.name === 'web');
    expect(web?.listeners[0]?.rules.map((r) => r.priority)).toEqual([3, 7, null]);
    expect(web?.listeners[0]?.rules[1]?.action).toEqual({
      type: 'forward',
      targetGroups: [
        { targetGroupId: 'tg-1', targetGroupName: 'k8s-tg-1-0123456789ab', weight: 90 },
        { targetGroupId: 'tg-2', targetGroupName: 'k8s-tg-2-0123456789ab', weight: 10 },
      ],
    });
    expect(web?.health).toBe('degraded');
    expect(web?.targetGroupIds).toEqual(['tg-1', 'tg-2']);
    expect(directory.services.find((s) => s.name === 'shared-in')).toMatchObject({
      shared: true,
      health: 'no-targets',
      owner: { manager: 'none' },
    });
    expect(directory.summary).toMatchObject({
      services: 2,
      targets: 3,
      healthyTargets: 2,
      servicesByManager: { 'lattice-gateway-hooks': 1, none: 1, 'aws-gateway-api-controller': 0, 'gateway-api-controller': 0 },
    });
  });

  it('quotes CSV cells that need it', () => {
    const lines = renderCsv(directory).split('\r\n');
    expect(lines[0]).toBe(CSV_HEADER.join(','));
    expect(lines.find((l) => l.startsWith('web,'))).toContain(',"prod, ""east""",');
    expect(lines.at(-1)).toBe('');
  });

  it('prints a table with the summary, a line per service and the findings', () => {
    const table = renderTable(directory);
    expect(table).toContain('Service directory of account 111122223333, read 2026-12-05T05:00:00.000Z (0 AWS calls)');
    expect(table).toMatch(
      /^web\s+lattice-gateway-hooks \(this cluster\): HTTPRoute ns\/svc-a\s+prod, "east"\s+NONE\s+network\s+degraded\s+-/m,
    );
    expect(table).toMatch(
      /^shared-in\s+nobody, shared by account 999988887777\s+-\s+NONE\s+none\s+no-targets\s+SERVICE_NO_ACCESS_LOGS,SERVICE_NOT_IN_NETWORK,SERVICE_UNMANAGED/m,
    );
  });
});
