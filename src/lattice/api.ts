import {
  BatchUpdateRuleCommand,
  CreateListenerCommand,
  CreateRuleCommand,
  CreateServiceCommand,
  CreateServiceNetworkCommand,
  CreateServiceNetworkServiceAssociationCommand,
  CreateServiceNetworkVpcAssociationCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DeleteRuleCommand,
  DeleteServiceCommand,
  DeleteServiceNetworkCommand,
  DeleteServiceNetworkServiceAssociationCommand,
  DeleteServiceNetworkVpcAssociationCommand,
  DeleteTargetGroupCommand,
  DeregisterTargetsCommand,
  GetListenerCommand,
  GetRuleCommand,
  GetServiceCommand,
  GetServiceNetworkCommand,
  GetServiceNetworkVpcAssociationCommand,
  GetTargetGroupCommand,
  ListListenersCommand,
  ListRulesCommand,
  ListServiceNetworkServiceAssociationsCommand,
  ListServiceNetworkVpcAssociationsCommand,
  ListServiceNetworksCommand,
  ListServicesCommand,
  ListTargetGroupsCommand,
  ListTagsForResourceCommand,
  ListTargetsCommand,
  RegisterTargetsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateListenerCommand,
  UpdateRuleCommand,
  UpdateServiceCommand,
  UpdateServiceNetworkVpcAssociationCommand,
  UpdateTargetGroupCommand,
  type BatchUpdateRuleRequest,
  type CreateListenerRequest,
  type CreateRuleRequest,
  type CreateServiceNetworkRequest,
  type CreateServiceNetworkServiceAssociationRequest,
  type CreateServiceNetworkVpcAssociationRequest,
  type CreateServiceRequest,
  type CreateTargetGroupRequest,
  type ListServiceNetworkServiceAssociationsRequest,
  type ListServiceNetworkVpcAssociationsRequest,
  type Target,
  type TargetGroupType,
  type UpdateListenerRequest,
  type UpdateRuleRequest,
  type UpdateServiceRequest,
  type UpdateTargetGroupRequest,
  type VPCLatticeClient,
} from '@aws-sdk/client-vpc-lattice';
import { orUndefinedIfNotFound } from './awsErrors';
import type { CallSession } from './callSession';
import { ruleContent, type ContentMemory, type RuleContent } from './contentMemory';

/** Lattice's page size ceiling: the fewest calls when a list must be walked. */
export const PAGE_SIZE = 100;

/**
 * Every VPC Lattice operation the hooks use, in one place (the IAM policy is derived from this
 * list). Each call runs in the hook's CallSession: deadline, error classification, counting.
 * With a rule memory (see ContentMemory), every Get, create, update and delete of a rule keeps it true.
 */
export class LatticeApi {
  readonly #client: VPCLatticeClient;
  readonly #session: CallSession;
  readonly rememberedRules: ContentMemory<RuleContent> | undefined;

  constructor(client: VPCLatticeClient, session: CallSession, rememberedRules?: ContentMemory<RuleContent>) {
    this.#client = client;
    this.#session = session;
    this.rememberedRules = rememberedRules;
  }

  /** Forgets what the memory holds of rules while a write to them is made: its answer has no timestamp. */
  async #writingRules<T>(identifiers: readonly string[], write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } finally {
      for (const identifier of identifiers) this.rememberedRules?.forget(identifier);
    }
  }

  get session(): CallSession {
    return this.#session;
  }

  // Service networks
  createServiceNetwork(input: CreateServiceNetworkRequest) {
    return this.#session.run('CreateServiceNetwork', (o) => this.#client.send(new CreateServiceNetworkCommand(input), o));
  }
  getServiceNetwork(serviceNetworkIdentifier: string) {
    return this.#session.run('GetServiceNetwork', (o) => this.#client.send(new GetServiceNetworkCommand({ serviceNetworkIdentifier }), o));
  }
  listServiceNetworks() {
    return this.#session.all('ListServiceNetworks', (nextToken, o) =>
      this.#client.send(new ListServiceNetworksCommand({ maxResults: PAGE_SIZE, nextToken }), o),
    );
  }
  deleteServiceNetwork(serviceNetworkIdentifier: string) {
    return this.#session.run('DeleteServiceNetwork', (o) =>
      this.#client.send(new DeleteServiceNetworkCommand({ serviceNetworkIdentifier }), o),
    );
  }

  // Service network ↔ VPC associations
  createServiceNetworkVpcAssociation(input: CreateServiceNetworkVpcAssociationRequest) {
    return this.#session.run('CreateServiceNetworkVpcAssociation', (o) =>
      this.#client.send(new CreateServiceNetworkVpcAssociationCommand(input), o),
    );
  }
  getServiceNetworkVpcAssociation(serviceNetworkVpcAssociationIdentifier: string) {
    return this.#session.run('GetServiceNetworkVpcAssociation', (o) =>
      this.#client.send(new GetServiceNetworkVpcAssociationCommand({ serviceNetworkVpcAssociationIdentifier }), o),
    );
  }
  listServiceNetworkVpcAssociations(filter: Omit<ListServiceNetworkVpcAssociationsRequest, 'maxResults' | 'nextToken'>) {
    return this.#session.all('ListServiceNetworkVpcAssociations', (nextToken, o) =>
      this.#client.send(new ListServiceNetworkVpcAssociationsCommand({ ...filter, maxResults: PAGE_SIZE, nextToken }), o),
    );
  }
  updateServiceNetworkVpcAssociation(serviceNetworkVpcAssociationIdentifier: string, securityGroupIds: string[]) {
    return this.#session.run('UpdateServiceNetworkVpcAssociation', (o) =>
      this.#client.send(new UpdateServiceNetworkVpcAssociationCommand({ serviceNetworkVpcAssociationIdentifier, securityGroupIds }), o),
    );
  }
  deleteServiceNetworkVpcAssociation(serviceNetworkVpcAssociationIdentifier: string) {
    return this.#session.run('DeleteServiceNetworkVpcAssociation', (o) =>
      this.#client.send(new DeleteServiceNetworkVpcAssociationCommand({ serviceNetworkVpcAssociationIdentifier }), o),
    );
  }

  // Service network ↔ service associations
  createServiceNetworkServiceAssociation(input: CreateServiceNetworkServiceAssociationRequest) {
    return this.#session.run('CreateServiceNetworkServiceAssociation', (o) =>
      this.#client.send(new CreateServiceNetworkServiceAssociationCommand(input), o),
    );
  }
  listServiceNetworkServiceAssociations(filter: Omit<ListServiceNetworkServiceAssociationsRequest, 'maxResults' | 'nextToken'>) {
    return this.#session.all('ListServiceNetworkServiceAssociations', (nextToken, o) =>
      this.#client.send(new ListServiceNetworkServiceAssociationsCommand({ ...filter, maxResults: PAGE_SIZE, nextToken }), o),
    );
  }
  deleteServiceNetworkServiceAssociation(serviceNetworkServiceAssociationIdentifier: string) {
    return this.#session.run('DeleteServiceNetworkServiceAssociation', (o) =>
      this.#client.send(new DeleteServiceNetworkServiceAssociationCommand({ serviceNetworkServiceAssociationIdentifier }), o),
    );
  }

  // Services
  createService(input: CreateServiceRequest) {
    return this.#session.run('CreateService', (o) => this.#client.send(new CreateServiceCommand(input), o));
  }
  getService(serviceIdentifier: string) {
    return this.#session.run('GetService', (o) => this.#client.send(new GetServiceCommand({ serviceIdentifier }), o));
  }
  updateService(input: UpdateServiceRequest) {
    return this.#session.run('UpdateService', (o) => this.#client.send(new UpdateServiceCommand(input), o));
  }
  listServices() {
    return this.#session.all('ListServices', (nextToken, o) =>
      this.#client.send(new ListServicesCommand({ maxResults: PAGE_SIZE, nextToken }), o),
    );
  }
  deleteService(serviceIdentifier: string) {
    return this.#session.run('DeleteService', (o) => this.#client.send(new DeleteServiceCommand({ serviceIdentifier }), o));
  }

  // Listeners
  createListener(input: CreateListenerRequest) {
    return this.#session.run('CreateListener', (o) => this.#client.send(new CreateListenerCommand(input), o));
  }
  getListener(serviceIdentifier: string, listenerIdentifier: string) {
    return this.#session.run('GetListener', (o) => this.#client.send(new GetListenerCommand({ serviceIdentifier, listenerIdentifier }), o));
  }
  listListeners(serviceIdentifier: string) {
    return this.#session.all('ListListeners', (nextToken, o) =>
      this.#client.send(new ListListenersCommand({ serviceIdentifier, maxResults: PAGE_SIZE, nextToken }), o),
    );
  }
  updateListener(input: UpdateListenerRequest) {
    return this.#session.run('UpdateListener', (o) => this.#client.send(new UpdateListenerCommand(input), o));
  }
  deleteListener(serviceIdentifier: string, listenerIdentifier: string) {
    return this.#session.run('DeleteListener', (o) =>
      this.#client.send(new DeleteListenerCommand({ serviceIdentifier, listenerIdentifier }), o),
    );
  }

  // Rules
  async getRule(serviceIdentifier: string, listenerIdentifier: string, ruleIdentifier: string) {
    const read = await this.#session.run('GetRule', (o) =>
      this.#client.send(new GetRuleCommand({ serviceIdentifier, listenerIdentifier, ruleIdentifier }), o),
    );
    this.rememberedRules?.rememberRead(read.arn ?? ruleIdentifier, read.lastUpdatedAt, ruleContent(read));
    return read;
  }
  async createRule(input: CreateRuleRequest) {
    const created = await this.#session.run('CreateRule', (o) => this.#client.send(new CreateRuleCommand(input), o));
    if (created.arn) this.rememberedRules?.rememberCreated(created.arn, ruleContent(created));
    return created;
  }
  listRules(serviceIdentifier: string, listenerIdentifier: string) {
    return this.#session.all('ListRules', (nextToken, o) =>
      this.#client.send(new ListRulesCommand({ serviceIdentifier, listenerIdentifier, maxResults: PAGE_SIZE, nextToken }), o),
    );
  }
  updateRule(input: UpdateRuleRequest) {
    return this.#writingRules([input.ruleIdentifier ?? ''], () =>
      this.#session.run('UpdateRule', (o) => this.#client.send(new UpdateRuleCommand(input), o)),
    );
  }
  batchUpdateRule(input: BatchUpdateRuleRequest) {
    const identifiers = (input.rules ?? []).map((r) => r.ruleIdentifier ?? '');
    return this.#writingRules(identifiers, () =>
      this.#session.run('BatchUpdateRule', (o) => this.#client.send(new BatchUpdateRuleCommand(input), o)),
    );
  }
  deleteRule(serviceIdentifier: string, listenerIdentifier: string, ruleIdentifier: string) {
    return this.#writingRules([ruleIdentifier], () =>
      this.#session.run('DeleteRule', (o) =>
        this.#client.send(new DeleteRuleCommand({ serviceIdentifier, listenerIdentifier, ruleIdentifier }), o),
      ),
    );
  }

  // Target groups and targets
  createTargetGroup(input: CreateTargetGroupRequest) {
    return this.#session.run('CreateTargetGroup', (o) => this.#client.send(new CreateTargetGroupCommand(input), o));
  }
  getTargetGroup(targetGroupIdentifier: string) {
    return this.#session.run('GetTargetGroup', (o) => this.#client.send(new GetTargetGroupCommand({ targetGroupIdentifier }), o));
  }
  updateTargetGroup(input: UpdateTargetGroupRequest) {
    return this.#session.run('UpdateTargetGroup', (o) => this.#client.send(new UpdateTargetGroupCommand(input), o));
  }
  listTargetGroups(vpcIdentifier?: string, targetGroupType?: TargetGroupType) {
    const filter = { ...(vpcIdentifier ? { vpcIdentifier } : {}), ...(targetGroupType ? { targetGroupType } : {}) };
    return this.#session.all('ListTargetGroups', (nextToken, o) =>
      this.#client.send(new ListTargetGroupsCommand({ ...filter, maxResults: PAGE_SIZE, nextToken }), o),
    );
  }
  deleteTargetGroup(targetGroupIdentifier: string) {
    return this.#session.run('DeleteTargetGroup', (o) => this.#client.send(new DeleteTargetGroupCommand({ targetGroupIdentifier }), o));
  }
  listTargets(targetGroupIdentifier: string) {
    return this.#session.all('ListTargets', (nextToken, o) =>
      this.#client.send(new ListTargetsCommand({ targetGroupIdentifier, maxResults: PAGE_SIZE, nextToken }), o),
    );
  }
  registerTargets(targetGroupIdentifier: string, targets: Target[]) {
    return this.#session.run('RegisterTargets', (o) =>
      this.#client.send(new RegisterTargetsCommand({ targetGroupIdentifier, targets }), o),
    );
  }
  deregisterTargets(targetGroupIdentifier: string, targets: Target[]) {
    return this.#session.run('DeregisterTargets', (o) =>
      this.#client.send(new DeregisterTargetsCommand({ targetGroupIdentifier, targets }), o),
    );
  }

  // Tags
  async listTags(resourceArn: string): Promise<Record<string, string>> {
    const output = await this.#session.run('ListTagsForResource', (o) =>
      this.#client.send(new ListTagsForResourceCommand({ resourceArn }), o),
    );
    return output.tags ?? {};
  }
  /**
   * The tags of a resource read a moment ago, or undefined when it is gone since: deletions
   * finish asynchronously (ours too), so a resource listed or read in this pass may vanish
   * before its tags are read.
   */
  tagsIfPresent(resourceArn: string): Promise<Record<string, string> | undefined> {
    return orUndefinedIfNotFound(this.listTags(resourceArn));
  }
  tagResource(resourceArn: string, tags: Record<string, string>) {
    return this.#session.run('TagResource', (o) => this.#client.send(new TagResourceCommand({ resourceArn, tags }), o));
  }
  untagResource(resourceArn: string, tagKeys: string[]) {
    return this.#session.run('UntagResource', (o) => this.#client.send(new UntagResourceCommand({ resourceArn, tagKeys }), o));
  }
}
