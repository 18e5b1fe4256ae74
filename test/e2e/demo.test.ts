import { join } from 'node:path';
import { runDemo, type DemoResult } from '../../demo/run';

const ROOT = join(__dirname, '..', '..');

/** Lines of one section of the report, from its heading to the next numbered heading. */
function section(lines: readonly string[], number: number): string[] {
  const start = lines.findIndex((l) => l.startsWith(`${number}. `));
  const end = lines.findIndex((l, i) => i > start && l.startsWith(`${number + 1}. `));
  return lines.slice(start, end === -1 ? undefined : end);
}

/** The rule rows (priority, match, action) printed for one Lattice service. */
function ruleRows(lines: readonly string[], service: string): string[][] {
  const start = lines.findIndex((l) => l.startsWith(`Rules of ${service},`));
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (line.trim() === '') break;
    rows.push(line.trim().split(/\s{2,}/));
  }
  return rows;
}

describe('npm run demo (run in-process, so that it cannot rot)', () => {
  const lines: string[] = [];
  let result: DemoResult;

  beforeAll(async () => {
    result = await runDemo({ root: ROOT, out: (line) => lines.push(line), transitionMs: 10, timeScale: 0.005 });
  });

  it('programs the examples: one network with the cluster VPC, a service per route, a target group per route and backend', () => {
    expect(result.created).toEqual({
      serviceNetworks: 1,
      services: 2,
      listeners: 2,
      rules: 9,
      targetGroups: 6,
      vpcAssociations: 1,
      invokePermissions: 1,
    });
    expect(result.syncErrors).toBe(0);
  });

  it('shows every object programmed in its status', () => {
    const status = section(lines, 2).join('\n');
    for (const name of [
      'GatewayClass amazon-vpc-lattice',
      'ServiceNetwork demo-network',
      'Gateway infra/demo-network',
      'VpcAssociationPolicy infra/demo-network',
      'HTTPRoute store/storefront',
      'HTTPRoute inventory/inventory',
    ]) {
      expect(status).toContain(name);
    }
    expect(status).toMatch(/SupportedVersion\s+True/);
    expect(status.match(/application-networking\.k8s\.aws\/Programmed\s+True\s+Programmed/g)).toHaveLength(2);
    expect(status).toContain('listener http (2 routes attached)');
  });

  it('prints the Lattice rules in priority order, with the cross-namespace backend and the weights', () => {
    const lattice = section(lines, 3);
    expect(lattice.join('\n')).toMatch(/demo-network\s+sn-[0-9a-f]{17}\s+vpc-0a1b2c3d4e5f60718 ACTIVE/);
    expect(lattice.join('\n')).toMatch(
      /storefront-store\s+ACTIVE\s+demo-network\s+storefront-store-svc-[0-9a-f]{17}\.[0-9a-f]{7}\.vpc-lattice-svcs\.us-west-2\.on\.aws/,
    );
    expect(ruleRows(lattice, 'storefront-store')).toEqual([
      ['1', 'exact /thumbnails', 'forward to store/thumbnails (Lambda)'],
      ['2', 'prefix /thumbnails/', 'forward to store/thumbnails (Lambda)'],
      ['3', 'exact /inventory', 'forward to inventory/inventory:80'],
      ['4', 'prefix /inventory/', 'forward to inventory/inventory:80'],
      ['5', 'exact /cart', 'forward to store/cart:80'],
      ['6', 'prefix /cart/', 'forward to store/cart:80'],
      ['7', 'prefix /', 'forward to store/frontend:80'],
      ['default', 'anything else', 'fixed response 404'],
    ]);
    expect(ruleRows(lattice, 'inventory-inventory')).toEqual([
      ['1', 'header x-canary=true', 'forward to inventory/inventory-v2:80'],
      ['2', 'prefix /', 'forward to inventory/inventory:80 90%, inventory/inventory-v2:80 10%'],
      ['default', 'anything else', 'fixed response 404'],
    ]);
    expect(lattice.join('\n')).toMatch(
      /store\/storefront\s+store\/frontend:80\s+HTTP\/HTTP1\s+10\.0\.1\.10:8080 HEALTHY, 10\.0\.1\.11:8080 HEALTHY/,
    );
  });

  it('shows the Lambda backend: its LAMBDA target group holding the function, and the invoke permission from that group', () => {
    const lattice = section(lines, 3).join('\n');
    expect(lattice).toMatch(
      /store\/storefront\s+store\/thumbnails \(Lambda\)\s+LAMBDA event V2\s+arn:aws:lambda:us-west-2:123456789012:function:thumbnails:live/,
    );
    expect(lattice).toMatch(
      /thumbnails:live\s+lattice-gateway-hooks-tg-[0-9a-f]{17}\s+vpc-lattice\.amazonaws\.com\s+store\/storefront store\/thumbnails \(Lambda\)/,
    );
  });

  it('deletes everything and ends with an empty Lattice', () => {
    expect(result.left).toEqual({
      serviceNetworks: 0,
      services: 0,
      listeners: 0,
      rules: 0,
      targetGroups: 0,
      vpcAssociations: 0,
      invokePermissions: 0,
    });
    expect(section(lines, 4).join('\n')).toMatch(/VPC Lattice now holds 0 service networks, 0 services, .*: clean\.$/m);
  });

  it('ends with the service directory of what it created, its findings, and how to open the page', () => {
    const directory = section(lines, 5).join('\n');
    expect(directory).toMatch(/1 service network, 2 services, 6 target groups, 9 of 9 targets healthy/);
    expect(directory).toMatch(
      /storefront-store\s+lattice-gateway-hooks \(this cluster\): HTTPRoute store\/storefront\s+demo-network\s+NONE/,
    );
    expect(directory).toMatch(/high\s+SERVICE_UNAUTHENTICATED\s+service inventory-inventory/);
    expect(result.findings).toEqual([
      'SERVICE_UNAUTHENTICATED',
      'SERVICE_UNAUTHENTICATED',
      'SERVICE_NO_ACCESS_LOGS',
      'SERVICE_NO_ACCESS_LOGS',
    ]);
    expect(lines.at(-2)).toContain('npm run demo -- --directory');
  });

  it('prints no JSON and no log lines', () => {
    expect(lines.filter((l) => /^\s*[{[]/.test(l))).toEqual([]);
  });
});
