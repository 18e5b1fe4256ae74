import {
  ambiguousExports,
  describeCandidates,
  selectExportCandidates,
  unavailableImports,
  type ExportCandidate,
} from '../../../src/model/importCandidates';

const candidate = (id: string, overrides: Partial<ExportCandidate> = {}): ExportCandidate => ({
  arn: `arn:aws:vpc-lattice:us-west-2:123456789012:targetgroup/${id}`,
  id,
  port: 80,
  protocol: 'HTTP',
  protocolVersion: 'HTTP1',
  clusterName: 'b',
  vpcId: 'vpc-b',
  withdrawn: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

describe('import candidates', () => {
  it('treats the groups of one cluster, VPC and port as one export in transition: the replacement wins over the withdrawn group', () => {
    const old = candidate('tg-old', { withdrawn: true });
    const replacement = candidate('tg-new', { protocolVersion: 'HTTP2', createdAt: '2026-02-01T00:00:00.000Z' });
    expect(selectExportCandidates([old, replacement]).map((g) => g.id)).toEqual(['tg-new']);
    // Between the exporter's two tag writes both are visible: the newer one is the replacement.
    expect(selectExportCandidates([{ ...old, withdrawn: false }, replacement]).map((g) => g.id)).toEqual(['tg-new']);
    // Withdrawn with nothing in its place: the export offers nothing.
    expect(selectExportCandidates([old])).toEqual([]);
  });

  it('keeps other clusters, VPCs, ports and protocol families apart, without the selection fields', () => {
    const groups = selectExportCandidates([
      candidate('tg-b'),
      candidate('tg-c', { clusterName: 'c', vpcId: 'vpc-c' }),
      candidate('tg-b-8080', { port: 8080 }),
      candidate('tg-b-tls', { protocol: 'TCP', protocolVersion: undefined }),
    ]);
    expect(groups.map((g) => g.id)).toEqual(['tg-b', 'tg-b-8080', 'tg-b-tls', 'tg-c']);
    expect(groups[0]).toEqual({
      arn: candidate('tg-b').arn,
      id: 'tg-b',
      port: 80,
      protocol: 'HTTP',
      protocolVersion: 'HTTP1',
      clusterName: 'b',
      vpcId: 'vpc-b',
    });
  });

  it('finds ambiguity per port and protocol family, and names candidates one way', () => {
    const [b, c, tls] = selectExportCandidates([
      candidate('tg-b'),
      candidate('tg-c', { clusterName: 'c', vpcId: 'vpc-c' }),
      candidate('tg-t', { protocol: 'TCP', clusterName: 'c', vpcId: 'vpc-c' }),
    ]);
    expect(ambiguousExports([b!, c!, tls!])).toEqual([{ port: 80, groups: [b, c] }]);
    expect(describeCandidates([b!, c!])).toBe('tg-b (cluster b, vpc-b), tg-c (cluster c, vpc-c)');
    expect(describeCandidates([{ arn: 'arn', id: 'tg-x' }])).toBe('tg-x');
  });

  it('says which imported groups a route cannot forward to: gone, being deleted, or used by another service', () => {
    const problems = unavailableImports(
      [
        { arn: 'arn:tg/tg-gone', id: 'tg-gone', missing: true },
        { arn: 'arn:tg/tg-del', id: 'tg-del', missing: false, status: 'DELETE_IN_PROGRESS', serviceArns: [] },
        { arn: 'arn:tg/tg-taken', id: 'tg-taken', missing: false, status: 'ACTIVE', serviceArns: ['arn:svc/other'] },
        { arn: 'arn:tg/tg-mine', id: 'tg-mine', missing: false, status: 'ACTIVE', serviceArns: ['arn:svc/mine'] },
        { arn: 'arn:tg/tg-free', id: 'tg-free', missing: false, status: 'ACTIVE', serviceArns: [] },
      ],
      'arn:svc/mine',
    );
    expect(Object.fromEntries(problems)).toEqual({
      'arn:tg/tg-gone': 'target group tg-gone no longer exists',
      'arn:tg/tg-del': 'target group tg-del is DELETE_IN_PROGRESS',
      'arn:tg/tg-taken': 'target group tg-taken is already used by service arn:svc/other (a target group serves one VPC Lattice service)',
    });
  });
});
