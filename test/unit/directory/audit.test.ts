import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { failsAt, FINDING_CODES } from '../../../src/directory/audit';
import { buildDirectory } from '../../../src/directory/model';
import type { Directory } from '../../../src/directory/types';
import { forwardListener, network, networkWith, observed, service, targetGroup, THIS_CLUSTER } from './fixtures';
import type { Observed } from '../../../src/directory/observed';

const build = (o: Partial<Observed>, rulesPerListener = 10): Directory =>
  buildDirectory(observed(o), { thisCluster: THIS_CLUSTER, rulesPerListener });
const codes = (d: Directory, id: string) =>
  d.findings
    .filter((f) => f.resourceId === id)
    .map((f) => f.code)
    .sort();

/** A service of ours in an IAM network with logs, forwarding to a healthy target group: nothing to say. */
const clean = () => ({
  networks: [networkWith('sn-1', ['svc-1'])],
  services: [service('svc-1', { listeners: [forwardListener('l-1', ['tg-1'])] })],
  targetGroups: [targetGroup('tg-1')],
});

describe('directory audit findings', () => {
  it('finds nothing in a clean account', () => {
    expect(build(clean()).findings).toEqual([]);
  });

  it('SERVICE_UNAUTHENTICATED (high) only when the service and every one of its networks have auth NONE', () => {
    const open = build({ ...clean(), networks: [networkWith('sn-1', ['svc-1'], { authType: 'NONE' })] });
    expect(open.findings).toEqual([
      {
        code: 'SERVICE_UNAUTHENTICATED',
        severity: 'high',
        resourceType: 'service',
        resourceId: 'svc-1',
        resourceName: 'svc-1',
        reason: 'auth type NONE on the service and on its network sn-1: reachable without authentication',
      },
    ]);
    const oneIamNetwork = build({
      ...clean(),
      networks: [networkWith('sn-1', ['svc-1'], { authType: 'NONE' }), networkWith('sn-2', ['svc-1'])],
    });
    expect(codes(oneIamNetwork, 'svc-1')).toEqual([]);
    const iamService = build({
      ...clean(),
      networks: [networkWith('sn-1', ['svc-1'], { authType: 'NONE' })],
      services: [service('svc-1', { authType: 'AWS_IAM', authPolicy: true, listeners: [forwardListener('l-1', ['tg-1'])] })],
    });
    expect(codes(iamService, 'svc-1')).toEqual([]);
  });

  it('SERVICE_NOT_IN_NETWORK instead of unauthenticated for a service in no network', () => {
    const d = build({ ...clean(), networks: [] });
    expect(codes(d, 'svc-1')).toEqual(['SERVICE_NOT_IN_NETWORK', 'SERVICE_NO_ACCESS_LOGS']);
  });

  it('SERVICE_NO_ACCESS_LOGS unless the service or one of its networks has a subscription', () => {
    expect(codes(build({ ...clean(), networks: [networkWith('sn-1', ['svc-1'], { accessLogDestinations: [] })] }), 'svc-1')).toEqual([
      'SERVICE_NO_ACCESS_LOGS',
    ]);
    const onService = build({
      ...clean(),
      networks: [networkWith('sn-1', ['svc-1'], { accessLogDestinations: [] })],
      services: [service('svc-1', { accessLogDestinations: ['arn:aws:s3:::b'], listeners: [forwardListener('l-1', ['tg-1'])] })],
    });
    expect(codes(onService, 'svc-1')).toEqual([]);
  });

  it('SERVICE_IAM_WITHOUT_POLICY and SERVICE_NOT_ACTIVE', () => {
    const d = build({
      ...clean(),
      services: [
        service('svc-1', {
          authType: 'AWS_IAM',
          authPolicy: false,
          status: 'CREATE_FAILED',
          listeners: [forwardListener('l-1', ['tg-1'])],
        }),
      ],
    });
    expect(codes(d, 'svc-1')).toEqual(['SERVICE_IAM_WITHOUT_POLICY', 'SERVICE_NOT_ACTIVE']);
  });

  it('TARGET_GROUP_NO_TARGETS and TARGET_GROUP_NO_HEALTHY_TARGETS (high, for a group in use)', () => {
    expect(codes(build({ ...clean(), targetGroups: [targetGroup('tg-1', { targets: [] })] }), 'tg-1')).toEqual(['TARGET_GROUP_NO_TARGETS']);
    const down = build({
      ...clean(),
      targetGroups: [
        targetGroup('tg-1', {
          targets: [
            { id: 'a', port: 80, status: 'UNHEALTHY', reasonCode: 'HealthCheckFailed' },
            { id: 'b', port: 80, status: 'DRAINING', reasonCode: null },
          ],
        }),
      ],
    });
    expect(down.findings.find((f) => f.resourceId === 'tg-1')).toMatchObject({
      code: 'TARGET_GROUP_NO_HEALTHY_TARGETS',
      severity: 'high',
      reason: 'none of its 2 targets is healthy (DRAINING, UNHEALTHY)',
    });
    const checksOff = build({
      ...clean(),
      targetGroups: [targetGroup('tg-1', { targets: [{ id: 'a', port: 80, status: 'UNAVAILABLE', reasonCode: null }] })],
    });
    expect(codes(checksOff, 'tg-1')).toEqual([]);
  });

  it('TARGET_GROUP_UNUSED for a group of ours no rule uses (a leak), not for exports nor for foreign groups', () => {
    const leak = targetGroup('tg-leak');
    const exported = targetGroup('tg-export', {
      tags: {
        'application-networking.k8s.aws/ManagedBy': THIS_CLUSTER,
        'application-networking.k8s.aws/SourceTypeKey': 'ServiceExport',
        'application-networking.k8s.aws/ServiceName': 'api',
        'application-networking.k8s.aws/ServiceNamespace': 'ns',
      },
    });
    const foreign = targetGroup('tg-foreign', { name: 'someone-elses', tags: {} });
    const d = build({ ...clean(), targetGroups: [targetGroup('tg-1'), leak, exported, foreign] });
    expect(codes(d, 'tg-leak')).toEqual(['TARGET_GROUP_UNUSED']);
    expect(codes(d, 'tg-export')).toEqual([]);
    expect(codes(d, 'tg-foreign')).toEqual([]);
  });

  it('LISTENER_NEAR_RULE_QUOTA from 80% of the rules-per-listener quota', () => {
    const groups = Array.from({ length: 8 }, (_, i) => `tg-${i + 1}`);
    const o = {
      ...clean(),
      services: [service('svc-1', { listeners: [forwardListener('l-1', groups)] })],
      targetGroups: groups.map((g) => targetGroup(g)),
    };
    expect(build(o, 10).findings).toEqual([
      expect.objectContaining({
        code: 'LISTENER_NEAR_RULE_QUOTA',
        severity: 'low',
        resourceId: 'l-1',
        resourceName: 'svc-1/http-80',
        reason: '8 of 10 rules (the rules-per-listener quota)',
      }),
    ]);
    expect(build(o, 11).findings).toEqual([]);
  });

  it('GO_CONTROLLER_MANAGED (info) for what the Go controller named, SERVICE_UNMANAGED for a service without ManagedBy', () => {
    const goTags = { 'application-networking.k8s.aws/ManagedBy': '111122223333/legacy/vpc-0a1b2c3d4e5f60718' };
    const d = build({
      ...clean(),
      networks: [networkWith('sn-1', ['svc-1', 'svc-go', 'svc-none'])],
      services: [
        service('svc-1', { listeners: [forwardListener('l-1', ['tg-1'])] }),
        service('svc-go', { tags: goTags, listeners: [forwardListener('l-go', ['tg-go'], { name: 'parking-default-80-http' })] }),
        service('svc-none', { tags: {}, authType: 'AWS_IAM', authPolicy: true, listeners: [forwardListener('l-n', ['tg-n'])] }),
      ],
      targetGroups: [
        targetGroup('tg-1'),
        targetGroup('tg-go', { name: 'k8s-default-parking-qmsuilsxyq', tags: goTags }),
        targetGroup('tg-n', { tags: {} }),
      ],
    });
    expect(codes(d, 'svc-go')).toEqual(['GO_CONTROLLER_MANAGED']);
    expect(codes(d, 'tg-go')).toEqual(['GO_CONTROLLER_MANAGED']);
    expect(codes(d, 'svc-none')).toEqual(['SERVICE_UNMANAGED']);
  });

  it('sorts findings most severe first, and --fail-on compares severities', () => {
    const d = build({
      networks: [
        network('sn-1', { authType: 'NONE', accessLogDestinations: [], services: [{ id: 'a', serviceId: 'svc-1', status: 'ACTIVE' }] }),
      ],
      services: [service('svc-1')],
      targetGroups: [targetGroup('tg-1')],
    });
    expect(d.findings.map((f) => `${f.severity} ${f.code}`)).toEqual([
      'high SERVICE_UNAUTHENTICATED',
      'medium SERVICE_NO_ACCESS_LOGS',
      'medium TARGET_GROUP_UNUSED',
    ]);
    expect(failsAt(d.findings, 'high')).toBe(true);
    expect(
      failsAt(
        d.findings.filter((f) => f.severity !== 'high'),
        'high',
      ),
    ).toBe(false);
    expect(
      failsAt(
        d.findings.filter((f) => f.severity !== 'high'),
        'medium',
      ),
    ).toBe(true);
    expect(failsAt([], 'info')).toBe(false);
  });

  it('every code has a severity and is documented in docs/directory.md', () => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'directory.md'), 'utf8');
    for (const [code, severity] of Object.entries(FINDING_CODES)) expect(doc).toMatch(new RegExp(`\\| \`${code}\` \\| ${severity} \\|`));
  });
});
