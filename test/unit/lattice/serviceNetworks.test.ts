import type { LatticeApi } from '../../../src/lattice/api';
import { resolveServiceNetwork } from '../../../src/lattice/serviceNetworks';

const ARN = (id: string) => `arn:aws:vpc-lattice:us-west-2:111111111111:servicenetwork/${id}`;
const SN_A = 'sn-aaaaaaaaaaaaaaaaa';
const SN_B = 'sn-bbbbbbbbbbbbbbbbb';

/** Just the reads resolution uses, recording what was called. */
function fakeApi(state: { networks?: { id: string; name: string }[]; associations?: Record<string, unknown>[] }) {
  const calls: string[] = [];
  const api = {
    async getServiceNetwork(id: string) {
      calls.push(`Get ${id}`);
      const found = state.networks?.find((n) => ARN(n.id) === id || n.id === id);
      if (!found) throw Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
      return { ...found, arn: ARN(found.id) };
    },
    async listServiceNetworks() {
      calls.push('ListServiceNetworks');
      return (state.networks ?? []).map((n) => ({ ...n, arn: ARN(n.id) }));
    },
    async listServiceNetworkVpcAssociations(filter: { vpcIdentifier?: string }) {
      calls.push(`ListServiceNetworkVpcAssociations ${filter.vpcIdentifier}`);
      return state.associations ?? [];
    },
  };
  return { api: api as unknown as LatticeApi, calls };
}

describe('resolveServiceNetwork', () => {
  it('needs one Get when the Gateway already records the network', async () => {
    const { api, calls } = fakeApi({ networks: [{ id: SN_A, name: 'edge' }] });
    expect(await resolveServiceNetwork(api, 'edge', 'vpc-1', ARN(SN_A))).toEqual({
      state: 'found',
      arn: ARN(SN_A),
      id: SN_A,
      name: 'edge',
    });
    expect(calls).toEqual([`Get ${ARN(SN_A)}`]);
  });

  it('finds the network by name or by id, and reports several matches', async () => {
    expect(await resolveServiceNetwork(fakeApi({ networks: [{ id: SN_A, name: 'edge' }] }).api, SN_A, 'vpc-1', undefined)).toMatchObject({
      state: 'found',
      id: SN_A,
    });
    const twice = fakeApi({
      networks: [
        { id: SN_B, name: 'edge' },
        { id: SN_A, name: 'edge' },
      ],
    });
    expect(await resolveServiceNetwork(twice.api, 'edge', 'vpc-1', undefined)).toEqual({ state: 'ambiguous', candidates: [SN_A, SN_B] });
  });

  it('falls back to the VPC’s associations for networks shared through RAM', async () => {
    const shared = fakeApi({
      associations: [
        { status: 'ACTIVE', serviceNetworkName: 'edge', serviceNetworkId: SN_B, serviceNetworkArn: ARN(SN_B) },
        { status: 'DELETE_IN_PROGRESS', serviceNetworkName: 'edge', serviceNetworkId: SN_A, serviceNetworkArn: ARN(SN_A) },
      ],
    });
    expect(await resolveServiceNetwork(shared.api, 'edge', 'vpc-1', undefined)).toEqual({
      state: 'found',
      arn: ARN(SN_B),
      id: SN_B,
      name: 'edge',
    });
    expect(shared.calls).toEqual(['ListServiceNetworks', 'ListServiceNetworkVpcAssociations vpc-1']);
  });

  it('re-resolves when the recorded network is gone, and says missing with a retry when nothing matches', async () => {
    const { api, calls } = fakeApi({});
    expect(await resolveServiceNetwork(api, 'edge', 'vpc-1', ARN(SN_A))).toEqual({ state: 'missing', retryAfterSeconds: 30 });
    expect(calls).toEqual([`Get ${ARN(SN_A)}`, 'ListServiceNetworks', 'ListServiceNetworkVpcAssociations vpc-1']);
  });
});
