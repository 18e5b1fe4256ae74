import type { LatticeApi } from '../../../src/lattice/api';
import { clientToken } from '../../../src/lattice/clientToken';
import { associateService } from '../../../src/lattice/serviceApply';
import type { RouteOwner } from '../../../src/lattice/ownership';
import { TAG } from '../../../src/model/tags';

const owner = { managedBy: '111122223333/c/vpc-1', tokenOwner: 'uid-1' } as RouteOwner;

/**
 * A Lattice whose first association under the usual token was made and deleted since: it answers
 * that token with the dead one (`replayed`, in the status it answers with), any other with a new one
 * in progress.
 */
function lattice(replayed: { status: string } | undefined) {
  const calls: string[] = [];
  const usual = clientToken(owner.tokenOwner, {
    serviceIdentifier: 'svc-1',
    serviceNetworkIdentifier: 'arn:sn-1',
    tags: { [TAG.managedBy]: owner.managedBy },
  });
  const api = {
    createServiceNetworkServiceAssociation: async (input: { clientToken: string }) => {
      calls.push('create');
      return replayed && input.clientToken === usual
        ? { arn: 'arn:dead', id: 'dead', status: replayed.status }
        : { arn: 'arn:new', id: 'new', status: 'CREATE_IN_PROGRESS' };
    },
    listServiceNetworkServiceAssociations: async () => {
      calls.push('list');
      return [{ arn: 'arn:new', id: 'new', serviceNetworkArn: 'arn:sn-1', status: 'CREATE_IN_PROGRESS' }];
    },
  } as unknown as LatticeApi;
  return { api, calls };
}

const associate = (api: LatticeApi, created?: 'pass' | 'chain') => associateService(api, owner, 'svc-1', 'arn:sn-1', undefined, created);

describe('associateService: when the answer of an association create is read back', () => {
  it('reads it back for a service made before, and creates again under a new token when it names a dead one', async () => {
    const { api, calls } = lattice({ status: 'CREATE_IN_PROGRESS' });
    expect((await associate(api)).created?.arn).toBe('arn:new');
    expect(calls).toEqual(['create', 'list', 'create', 'list']);
  });

  it('does not for a service created by this pass: no association of it can be older', async () => {
    const { api, calls } = lattice(undefined);
    expect((await associate(api, 'pass')).created?.arn).toBe('arn:new');
    expect(calls).toEqual(['create']);
  });

  it('does not for a service created earlier in the chain when the answer is of a create in progress', async () => {
    const { api, calls } = lattice(undefined);
    expect((await associate(api, 'chain')).created?.arn).toBe('arn:new');
    expect(calls).toEqual(['create']);
  });

  it('does for a service created earlier in the chain when the answer is settled: a replay, read back and made again', async () => {
    for (const status of ['ACTIVE', 'DELETE_IN_PROGRESS', 'DELETE_FAILED']) {
      const { api, calls } = lattice({ status });
      expect((await associate(api, 'chain')).created?.arn).toBe('arn:new');
      expect(calls).toEqual(['create', 'list', 'create']);
    }
  });
});
