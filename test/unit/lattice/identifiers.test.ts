import { GetAccessLogSubscriptionCommand, GetServiceNetworkCommand, VPCLatticeClient } from '@aws-sdk/client-vpc-lattice';
import { loadConfig } from '../../../src/config';
import { createAwsClients } from '../../../src/lattice/clients';
import { ImpossibleIdentifierError, isLatticeIdentifier, refuseImpossibleIdentifiers } from '../../../src/lattice/identifiers';

/** A client whose sends never leave the process: the last middleware records the input instead. */
function recordingClient(): { client: VPCLatticeClient; sent: object[] } {
  const sent: object[] = [];
  const client = refuseImpossibleIdentifiers(
    new VPCLatticeClient({ region: 'us-west-2', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 }),
  );
  client.middlewareStack.add(
    () => async (args) => {
      sent.push(args.input as object);
      return { output: { $metadata: {} } as never, response: {} };
    },
    { step: 'build', name: 'record' },
  );
  return { client, sent };
}

describe('identifiers sent to Lattice', () => {
  it('accepts Lattice ids and ARNs', () => {
    expect(isLatticeIdentifier('sn-0123456789abcdef0')).toBe(true);
    expect(isLatticeIdentifier('arn:aws:vpc-lattice:us-west-2:123456789012:servicenetwork/sn-0123456789abcdef0')).toBe(true);
    expect(isLatticeIdentifier('my network')).toBe(false);
    expect(isLatticeIdentifier('arn:aws:vpc-lattice:us-west-2:123456789012:accesslogsubscription/als-0123456789abcdef0%2F')).toBe(false);
  });

  it.each([
    ['a name', 'not an id'],
    ['a number', 5],
    ['an object', { id: 'sn-0123456789abcdef0' }],
    ['a list', ['sn-0123456789abcdef0']],
  ])('answers %s where an identifier goes as not found, without a call', async (_what, value) => {
    const { client, sent } = recordingClient();
    const send = client.send(new GetServiceNetworkCommand({ serviceNetworkIdentifier: value as string }));
    await expect(send).rejects.toBeInstanceOf(ImpossibleIdentifierError);
    await expect(send).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(sent).toEqual([]);
  });

  it('checks every operation of the client, not a list of them (an access log subscription ARN with a suffix)', async () => {
    const { client, sent } = recordingClient();
    const accessLogSubscriptionIdentifier = 'arn:aws:vpc-lattice:us-west-2:123456789012:accesslogsubscription/als-0123456789abcdef0%2F';
    await expect(client.send(new GetAccessLogSubscriptionCommand({ accessLogSubscriptionIdentifier }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect(sent).toEqual([]);
  });

  it('is installed on the Lattice client the server uses', () => {
    const clients = createAwsClients(loadConfig({ LATTICE_BACKEND: 'emulator' }), 'http://127.0.0.1:1');
    expect(clients.lattice.middlewareStack.identify().some((entry) => entry.startsWith('refuseImpossibleIdentifiers'))).toBe(true);
    for (const client of Object.values(clients)) client.destroy();
  });

  it('lets a valid identifier through', async () => {
    const { client, sent } = recordingClient();
    await client.send(new GetServiceNetworkCommand({ serviceNetworkIdentifier: 'sn-0123456789abcdef0' }));
    expect(sent).toEqual([{ serviceNetworkIdentifier: 'sn-0123456789abcdef0' }]);
  });
});
