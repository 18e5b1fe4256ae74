import { GetServiceNetworkCommand } from '@aws-sdk/client-vpc-lattice';
import { checked, isLatticeIdentifier } from '../../../src/lattice/identifiers';

describe('identifiers sent to Lattice', () => {
  it('accepts Lattice ids and ARNs', () => {
    expect(isLatticeIdentifier('sn-0123456789abcdef0')).toBe(true);
    expect(isLatticeIdentifier('arn:aws:vpc-lattice:us-west-2:123456789012:servicenetwork/sn-0123456789abcdef0')).toBe(true);
    expect(isLatticeIdentifier('my network')).toBe(false);
  });

  it.each([
    ['a name', 'not an id'],
    ['a number', 5],
    ['an object', { id: 'sn-0123456789abcdef0' }],
    ['a list', ['sn-0123456789abcdef0']],
  ])('answers %s where an identifier goes as not found, without a call', (_what, value) => {
    const command = new GetServiceNetworkCommand({ serviceNetworkIdentifier: value as string });
    expect(() => checked(command)).toThrow(expect.objectContaining({ name: 'ResourceNotFoundException' }));
  });

  it('lets a valid identifier through', () => {
    const command = new GetServiceNetworkCommand({ serviceNetworkIdentifier: 'sn-0123456789abcdef0' });
    expect(checked(command)).toBe(command);
  });
});
