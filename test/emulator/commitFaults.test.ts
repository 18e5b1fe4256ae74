import {
  CreateServiceCommand,
  CreateServiceNetworkCommand,
  DeleteServiceNetworkCommand,
  GetServiceNetworkCommand,
  InternalServerException,
  ListServiceNetworksCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-vpc-lattice';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CREDENTIALS, latticeClient, REGION, rejection, startHarness, type Harness } from './support';

/** The error a call ends with, whatever its type. */
async function failure(promise: Promise<unknown>): Promise<Error & { code?: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

describe('faults that commit (lost responses)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  const networkNames = async () => ((await h.lattice.send(new ListServiceNetworksCommand({}))).items ?? []).map((n) => n.name);

  it("applies the operation, then answers the rule's error", async () => {
    await h.admin.addFault({ operation: 'CreateServiceNetwork', error: 'InternalServerException', commit: true });
    const error = await rejection(h.lattice.send(new CreateServiceNetworkCommand({ name: 'landed' })), InternalServerException);
    expect(error.$metadata.httpStatusCode).toBe(500);
    expect(await networkNames()).toEqual(['landed']);
    // times defaults to 1: the next call answers normally.
    await h.lattice.send(new CreateServiceNetworkCommand({ name: 'answered' }));
    expect(await networkNames()).toEqual(['landed', 'answered']);
  });

  it('applies the operation, then drops the connection without a response (ConnectionReset)', async () => {
    await h.admin.addFault({ operation: 'CreateServiceNetwork', error: 'ConnectionReset', commit: true });
    const error = await failure(h.lattice.send(new CreateServiceNetworkCommand({ name: 'landed' })));
    expect(error.$metadata?.httpStatusCode).toBeUndefined();
    expect(`${error.name} ${error.message} ${error.code ?? ''}`).toMatch(/ECONNRESET|socket hang up/);
    expect(await networkNames()).toEqual(['landed']);
    expect((await h.admin.calls()).byOperation.CreateServiceNetwork).toBe(1);
    await h.lattice.send(new CreateServiceNetworkCommand({ name: 'answered' }));
    expect(await h.admin.ok('GET', 'faults')).toEqual({
      faults: [expect.objectContaining({ operation: 'CreateServiceNetwork', commit: true, fired: 1 })],
    });
  });

  it('drops the connection before applying anything without commit', async () => {
    await h.admin.addFault({ operation: 'CreateServiceNetwork', error: 'ConnectionReset' });
    await failure(h.lattice.send(new CreateServiceNetworkCommand({ name: 'never' })));
    expect(await networkNames()).toEqual([]);
  });

  it('keeps rules without commit failing before the operation', async () => {
    await h.admin.addFault({ operation: 'CreateServiceNetwork', error: 'InternalServerException' });
    await rejection(h.lattice.send(new CreateServiceNetworkCommand({ name: 'never' })), InternalServerException);
    expect(await networkNames()).toEqual([]);
  });

  it('deletes, then fails: a retried delete finds nothing (ResourceNotFoundException)', async () => {
    const created = await h.lattice.send(new CreateServiceNetworkCommand({ name: 'doomed' }));
    await h.admin.addFault({ operation: 'DeleteServiceNetwork', error: 'ConnectionReset', commit: true });
    await failure(h.lattice.send(new DeleteServiceNetworkCommand({ serviceNetworkIdentifier: created.id })));
    await rejection(h.lattice.send(new GetServiceNetworkCommand({ serviceNetworkIdentifier: created.id })), ResourceNotFoundException);
    await rejection(h.lattice.send(new DeleteServiceNetworkCommand({ serviceNetworkIdentifier: created.id })), ResourceNotFoundException);
  });

  it('lets the SDK retry a reset create with its clientToken: one resource, the first one', async () => {
    const retrying = latticeClient(h.emulator.endpoint, { maxAttempts: 3 });
    try {
      await h.admin.addFault({ operation: 'CreateService', error: 'ConnectionReset', commit: true });
      const created = await retrying.send(new CreateServiceCommand({ name: 'once', clientToken: 'token-1' }));
      const state = await h.admin.state();
      expect(state.services.map((s) => s.id)).toEqual([created.id]);
      expect((await h.admin.calls()).byOperation.CreateService).toBe(2);
    } finally {
      retrying.destroy();
    }
  });

  it('resets STS calls too', async () => {
    const sts = new STSClient({ endpoint: h.emulator.endpoint, region: REGION, credentials: CREDENTIALS, maxAttempts: 1 });
    try {
      await h.admin.addFault({ operation: 'GetCallerIdentity', error: 'ConnectionReset', commit: true });
      await failure(sts.send(new GetCallerIdentityCommand({})));
      expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('123456789012');
    } finally {
      sts.destroy();
    }
  });

  it('lists commit with the rule and refuses a commit without an error or of another type', async () => {
    const rule = await h.admin.addFault({ operation: 'DeleteRule', error: 'ThrottlingException', commit: true, times: 2 });
    expect(rule).toMatchObject({ operation: 'DeleteRule', error: 'ThrottlingException', commit: true, times: 2 });
    expect(await h.admin.addFault({ operation: 'DeleteRule', delayMs: 1 })).toMatchObject({ commit: false });
    const cases: [unknown, RegExp][] = [
      [{ operation: '*', delayMs: 5, commit: true }, /commit needs an error/],
      [{ operation: '*', error: 'ConnectionReset', commit: 'yes' }, /commit must be true or false/],
      [{ operation: '*', error: 'ConnectionResetException' }, /ConnectionReset/],
    ];
    for (const [body, message] of cases) {
      const response = await h.admin.request('POST', 'faults', body);
      expect(response.status).toBe(400);
      expect((response.body as { message: string }).message).toMatch(message);
    }
  });
});
