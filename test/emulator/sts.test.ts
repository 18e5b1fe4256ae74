import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateServiceNetworkCommand, VPCLatticeClient } from '@aws-sdk/client-vpc-lattice';
import { ACCOUNT, CREDENTIALS, REGION, startHarness, type Harness } from './support';

describe('STS GetCallerIdentity and endpoint configuration', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ accountId: '210987654321' });
  });
  afterEach(() => h.close());

  it('answers GetCallerIdentity in the awsQuery protocol with the configured account', async () => {
    const sts = new STSClient({ endpoint: h.emulator.endpoint, region: REGION, credentials: CREDENTIALS });
    try {
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      expect(identity).toMatchObject({ Account: '210987654321', Arn: 'arn:aws:iam::210987654321:user/lattice-emulator' });
      expect(identity.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      sts.destroy();
    }
    expect((await h.admin.calls()).byOperation).toEqual({ GetCallerIdentity: 1 });
  });

  it('is reached by both SDK clients through AWS_ENDPOINT_URL alone', async () => {
    const saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = h.emulator.endpoint;
    const sts = new STSClient({ region: REGION, credentials: CREDENTIALS });
    const lattice = new VPCLatticeClient({ region: REGION, credentials: CREDENTIALS, maxAttempts: 1 });
    try {
      expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('210987654321');
      const created = await lattice.send(new CreateServiceNetworkCommand({ name: 'via-env' }));
      expect(created.arn).toContain(':210987654321:');
    } finally {
      sts.destroy();
      lattice.destroy();
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = saved;
    }
    expect((await h.admin.calls()).byOperation).toEqual({ CreateServiceNetwork: 1, GetCallerIdentity: 1 });
  });

  it('refuses an unsigned STS request and reports an unknown action', async () => {
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${h.emulator.endpoint}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body,
      });
    const unsigned = await post('Action=GetCallerIdentity&Version=2011-06-15');
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toContain('<Code>MissingAuthenticationToken</Code>');
    const unknown = await post('Action=AssumeRole&Version=2011-06-15', { authorization: 'AWS4-HMAC-SHA256 Credential=x' });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('<Code>InvalidAction</Code>');
  });

  it('uses the default account when none is configured', async () => {
    const other = await startHarness();
    try {
      const sts = new STSClient({ endpoint: other.emulator.endpoint, region: REGION, credentials: CREDENTIALS });
      expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(ACCOUNT);
      sts.destroy();
    } finally {
      await other.close();
    }
  });
});
