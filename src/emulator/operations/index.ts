/** Every VPC Lattice operation the emulator serves. */
import type { Operation } from '../operation';
import { accessLogSubscriptionOperations } from './accessLogSubscriptions';
import { listenerOperations } from './listeners';
import { policyOperations } from './policies';
import { ruleOperations } from './rules';
import { serviceNetworkOperations } from './serviceNetworks';
import { serviceNetworkServiceAssociationOperations } from './serviceNetworkServiceAssociations';
import { serviceNetworkVpcAssociationOperations } from './serviceNetworkVpcAssociations';
import { serviceOperations } from './services';
import { tagOperations } from './tags';
import { targetGroupOperations } from './targetGroups';
import { targetOperations } from './targets';

export const LATTICE_OPERATIONS: readonly Operation[] = [
  ...serviceNetworkOperations,
  ...serviceNetworkVpcAssociationOperations,
  ...serviceNetworkServiceAssociationOperations,
  ...serviceOperations,
  ...listenerOperations,
  ...ruleOperations,
  ...targetGroupOperations,
  ...targetOperations,
  ...policyOperations,
  ...accessLogSubscriptionOperations,
  ...tagOperations,
];
