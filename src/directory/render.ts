import { MANAGER_LABELS } from './owner';
import { accountOfArn } from './shapes';
import { SEVERITIES, type Directory, type Finding, type Owner, type Service } from './types';

/** Text renderings of a directory (pure): the CLI's table and CSV, and the demo's summary. */

function columns(rows: readonly (readonly string[])[], indent = ''): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    `${indent}${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd(),
  );
}

export function ownerText(owner: Owner): string {
  if (owner.manager === 'none') return 'nobody';
  const where = owner.thisCluster ? 'this cluster' : `cluster ${owner.cluster ?? '?'}${owner.account ? ` in ${owner.account}` : ''}`;
  return `${MANAGER_LABELS[owner.manager]} (${where})${owner.source ? `: ${owner.source}` : ''}`;
}

function findingsOf(directory: Directory, id: string): Finding[] {
  return directory.findings.filter(
    (f) =>
      f.resourceId === id ||
      (f.resourceType === 'listener' && directory.services.find((s) => s.id === id)?.listeners.some((l) => l.id === f.resourceId)),
  );
}

function logsText(service: Service, directory: Directory): string {
  if (service.accessLogDestinations.length > 0) return 'service';
  const viaNetwork = service.networks.some(
    (m) => (directory.serviceNetworks.find((n) => n.id === m.serviceNetworkId)?.accessLogDestinations.length ?? 0) > 0,
  );
  return viaNetwork ? 'network' : 'none';
}

function authText(service: Service): string {
  return service.authType === 'AWS_IAM' ? (service.authPolicy ? 'IAM+policy' : 'IAM') : 'NONE';
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

export function summaryLines(directory: Directory): string[] {
  const s = directory.summary;
  const bySeverity = [...SEVERITIES]
    .reverse()
    .map((severity) => `${s.findingsBySeverity[severity]} ${severity}`)
    .join(', ');
  return [
    `Service directory of account ${directory.account}, read ${directory.generatedAt} (${directory.awsCalls} AWS calls)`,
    `  ${count(s.serviceNetworks, 'service network')}, ${count(s.services, 'service')}, ${count(s.targetGroups, 'target group')}, ${s.healthyTargets} of ${count(s.targets, 'target')} healthy`,
    `  findings: ${bySeverity}${directory.skipped.length > 0 ? `; ${count(directory.skipped.length, 'resource')} deleted while read (left out)` : ''}`,
  ];
}

export function findingLines(findings: readonly Finding[], indent = ''): string[] {
  if (findings.length === 0) return [`${indent}no findings`];
  return columns(
    [
      ['SEVERITY', 'CODE', 'RESOURCE', 'REASON'],
      ...findings.map((f) => [f.severity, f.code, `${f.resourceType} ${f.resourceName}`, f.reason]),
    ],
    indent,
  );
}

/** The owner, and the account that shares the service when it is not this one. */
function serviceOwnerText(service: Service): string {
  return service.shared ? `${ownerText(service.owner)}, shared by account ${accountOfArn(service.arn)}` : ownerText(service.owner);
}

export function serviceLines(directory: Directory, indent = ''): string[] {
  const rows = directory.services.map((s) => [
    s.name,
    serviceOwnerText(s),
    s.networks.map((n) => n.serviceNetworkName).join(',') || '-',
    authText(s),
    logsText(s, directory),
    s.health,
    findingsOf(directory, s.id)
      .map((f) => f.code)
      .join(',') || '-',
    s.dnsName ?? '-',
  ]);
  return columns([['SERVICE', 'OWNER', 'NETWORKS', 'AUTH', 'LOGS', 'HEALTH', 'FINDINGS', 'DNS NAME'], ...rows], indent);
}

/** The default output: summary, services (one line each, with owner and findings), then the findings. */
export function renderTable(directory: Directory): string {
  const lines = [
    ...summaryLines(directory),
    '',
    ...serviceLines(directory),
    '',
    `Findings (${directory.findings.length})`,
    ...findingLines(directory.findings),
  ];
  return `${lines.join('\n')}\n`;
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export const CSV_HEADER = [
  'service',
  'id',
  'arn',
  'status',
  'shared',
  'manager',
  'managedBy',
  'source',
  'networks',
  'dnsName',
  'customDomainName',
  'authType',
  'authPolicy',
  'accessLogs',
  'health',
  'findings',
];

/** One row per service (RFC 4180); lists inside a cell are separated by `;`. */
export function renderCsv(directory: Directory): string {
  const rows = directory.services.map((s) => [
    s.name,
    s.id,
    s.arn,
    s.status,
    String(s.shared),
    s.owner.manager,
    s.owner.managedBy ?? '',
    s.owner.source ?? '',
    s.networks.map((n) => n.serviceNetworkName).join(';'),
    s.dnsName ?? '',
    s.customDomainName ?? '',
    s.authType,
    String(s.authPolicy),
    logsText(s, directory),
    s.health,
    findingsOf(directory, s.id)
      .map((f) => `${f.severity}:${f.code}`)
      .join(';'),
  ]);
  return [CSV_HEADER, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
