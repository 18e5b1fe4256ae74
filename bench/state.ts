import { isEmpty, type LatticeCounts } from '../demo/latticeReport';
import type { EmulatorState } from '../tools/emulatorAdmin';

export { isEmpty, type LatticeCounts };

const live = (entries: readonly Record<string, unknown>[]) => entries.filter((e) => !String(e.status ?? '').startsWith('DELETE'));

/**
 * What Lattice holds, counted from the emulator's admin state rather than through the Lattice API:
 * reading 1,000 services back through a throttled API would take minutes and count as calls.
 */
export function countsOfState(state: EmulatorState): LatticeCounts {
  const policies = (state.lambdaFunctions ?? []).flatMap((f) => Object.values((f.policies ?? {}) as Record<string, unknown[]>));
  return {
    serviceNetworks: live(state.serviceNetworks).length,
    services: live(state.services).length,
    listeners: state.listeners.length,
    rules: state.rules.filter((r) => r.isDefault !== true).length,
    targetGroups: live(state.targetGroups).length,
    vpcAssociations: live(state.serviceNetworkVpcAssociations).length,
    invokePermissions: policies.reduce((n, statements) => n + (Array.isArray(statements) ? statements.length : 0), 0),
  };
}
