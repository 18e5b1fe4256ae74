import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sdkCommandsIn } from '../../scripts/iam/sdkCommands';
import {
  actionsOf,
  AWS_CALL_DIR,
  deriveActions,
  deriveDirectoryActions,
  sdkCommandsUnder,
  typeScriptFiles,
  UnknownSdkClientError,
} from '../../scripts/iam/derive';
import { DEPENDENT_PERMISSIONS, DEPENDENT_STATEMENTS } from '../../scripts/iam/dependentPermissions';
import {
  actionsInPolicy,
  buildPolicy,
  describeDiff,
  diffActions,
  POLICY_FILE,
  renderPolicy,
  requiredActions,
} from '../../scripts/iam/policy';

const ROOT = join(__dirname, '..', '..');

describe('deriving IAM actions from SDK command usage', () => {
  it('attributes each command to the client package it is imported from, whatever its local name', () => {
    const source = `
      import { CreateServiceCommand, ListTargetsCommand as Targets, type GetRuleCommand } from '@aws-sdk/client-vpc-lattice';
      import * as acm from '@aws-sdk/client-acm';
      import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
      import type { DescribeCertificateCommand } from '@aws-sdk/client-acm';
      import { paginateListServices } from '@aws-sdk/client-vpc-lattice';
      class DeleteServiceCommand {}
      async function f(client: { send(c: unknown): Promise<unknown> }) {
        await client.send(new CreateServiceCommand({ name: 'a' }));
        await client.send(new Targets({ targetGroupIdentifier: 'tg' }));
        await client.send(new acm.ListCertificatesCommand({}));
        await client.send(new GetCallerIdentityCommand({}));
        await client.send(new DeleteServiceCommand());
        for await (const page of paginateListServices({ client }, {})) void page;
      }`;
    expect(sdkCommandsIn('x.ts', source).map((u) => [u.module, u.operation, u.line])).toEqual([
      ['@aws-sdk/client-vpc-lattice', 'CreateService', 9],
      ['@aws-sdk/client-vpc-lattice', 'ListTargets', 10],
      ['@aws-sdk/client-acm', 'ListCertificates', 11],
      ['@aws-sdk/client-sts', 'GetCallerIdentity', 12],
      ['@aws-sdk/client-vpc-lattice', 'ListServices', 14],
    ]);
  });

  it('maps packages to IAM service prefixes, and refuses a client it has no prefix for', () => {
    const uses = sdkCommandsIn('a.ts', `import { DescribeVpcsCommand } from '@aws-sdk/client-ec2';\nnew DescribeVpcsCommand({});`);
    expect(() => actionsOf(uses)).toThrow(UnknownSdkClientError);
    expect(() => actionsOf(uses)).toThrow(/a\.ts:2 sends DescribeVpcs through @aws-sdk\/client-ec2/);
    const known = sdkCommandsIn(
      'b.ts',
      `import { GetServiceCommand } from '@aws-sdk/client-vpc-lattice';\nnew GetServiceCommand({});\nnew GetServiceCommand({});`,
    );
    expect(actionsOf(known)).toEqual([{ action: 'vpc-lattice:GetService', calledAt: ['b.ts:2', 'b.ts:3'] }]);
  });

  it('finds AWS calls only in src/lattice/, so that deriving from there covers the whole service', () => {
    const outside = typeScriptFiles(ROOT, 'src')
      .filter((file) => !file.startsWith(`${AWS_CALL_DIR.split('\\').join('/')}/`) && !file.startsWith('src/emulator/'))
      .flatMap((file) => sdkCommandsIn(file, readFileSync(join(ROOT, file), 'utf8')));
    expect(outside.map((u) => `${u.file}:${u.line} ${u.operation}`)).toEqual([]);
    expect(sdkCommandsUnder(ROOT, AWS_CALL_DIR).length).toBeGreaterThan(0);
  });
});

describe('dependent permissions', () => {
  it('each has a documented source and a statement, and is needed by Lattice or ACM operations', () => {
    for (const permission of DEPENDENT_PERMISSIONS) {
      expect(permission.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      expect(Object.keys(DEPENDENT_STATEMENTS)).toContain(permission.statement);
      expect(permission.neededBy.length).toBeGreaterThan(0);
      for (const action of permission.neededBy) expect(action).toMatch(/^(vpc-lattice|acm):[A-Z][A-Za-z]+$/);
    }
  });

  it('are included only when the code calls an operation that needs them', () => {
    const called = (actions: string[]) => actions.map((action) => ({ action, calledAt: [] }));
    expect([...requiredActions(called(['vpc-lattice:GetService']))]).toEqual(['vpc-lattice:GetService']);
    expect(requiredActions(called(['vpc-lattice:CreateServiceNetworkVpcAssociation']))).toEqual(
      new Set(['vpc-lattice:CreateServiceNetworkVpcAssociation', 'ec2:DescribeVpcs', 'ec2:DescribeSecurityGroups']),
    );
    const logs = requiredActions(called(['vpc-lattice:CreateAccessLogSubscription']));
    for (const action of [
      'logs:CreateLogDelivery',
      'logs:PutResourcePolicy',
      's3:PutBucketPolicy',
      'firehose:TagDeliveryStream',
      'iam:CreateServiceLinkedRole',
    ]) {
      expect(logs).toContain(action);
    }
  });

  it('scopes each service-linked role to its own role and service', () => {
    const policy = buildPolicy([
      { action: 'vpc-lattice:CreateService', calledAt: [] },
      { action: 'vpc-lattice:CreateAccessLogSubscription', calledAt: [] },
    ]);
    const roles = policy.Statement.filter((s) => s.Action.includes('iam:CreateServiceLinkedRole'));
    expect(roles.map((s) => [s.Resource, s.Condition])).toEqual([
      [
        'arn:aws:iam::*:role/aws-service-role/vpc-lattice.amazonaws.com/AWSServiceRoleForVpcLattice',
        { StringEquals: { 'iam:AWSServiceName': 'vpc-lattice.amazonaws.com' } },
      ],
      [
        'arn:aws:iam::*:role/aws-service-role/delivery.logs.amazonaws.com/AWSServiceRoleForLogDelivery',
        { StringEquals: { 'iam:AWSServiceName': 'delivery.logs.amazonaws.com' } },
      ],
    ]);
  });
});

describe(POLICY_FILE, () => {
  const derived = deriveActions(ROOT);
  const file = readFileSync(join(ROOT, POLICY_FILE), 'utf8');

  it('allows exactly the actions the code calls, plus the documented dependent permissions', () => {
    const diff = diffActions(requiredActions(derived), actionsInPolicy(JSON.parse(file) as unknown));
    if (diff.missing.length + diff.extra.length > 0) throw new Error(describeDiff(diff, derived));
  });

  it('is the generated document (resources and layout too)', () => {
    if (file !== renderPolicy(buildPolicy(derived)))
      throw new Error(`${POLICY_FILE} is stale: run \`npm run iam-policy\` to regenerate it.`);
  });

  it('says which action is missing or extra, and how to fix it', () => {
    const message = describeDiff({ missing: ['vpc-lattice:GetService'], extra: ['vpc-lattice:DeleteService'] }, [
      { action: 'vpc-lattice:GetService', calledAt: ['src/lattice/api.ts:90'] },
    ]);
    expect(message).toContain('missing: vpc-lattice:GetService (called at src/lattice/api.ts:90)');
    expect(message).toContain('extra:   vpc-lattice:DeleteService (no code calls it)');
    expect(message).toContain('npm run iam-policy');
  });
});

describe('docs/iam-policy-directory.json', () => {
  it("is what the directory's calls need, read-only (npm run iam-policy writes it)", () => {
    const derived = deriveDirectoryActions(ROOT);
    const file = readFileSync(join(ROOT, 'docs', 'iam-policy-directory.json'), 'utf8');
    if (file !== renderPolicy(buildPolicy(derived)))
      throw new Error('docs/iam-policy-directory.json is stale: run `npm run iam-policy` to regenerate it.');
    const actions = [...actionsInPolicy(JSON.parse(file) as unknown)];
    expect(actions.filter((a) => !/^vpc-lattice:(Get|List)|^sts:GetCallerIdentity$/.test(a))).toEqual([]);
    expect(actions).toEqual(expect.arrayContaining(['vpc-lattice:ListServices', 'vpc-lattice:ListTargets', 'vpc-lattice:GetRule']));
  });
});
