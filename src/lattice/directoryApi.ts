import {
  GetAuthPolicyCommand,
  GetListenerCommand,
  GetRuleCommand,
  GetServiceCommand,
  GetServiceNetworkCommand,
  ListAccessLogSubscriptionsCommand,
  ListListenersCommand,
  ListRulesCommand,
  ListServiceNetworkServiceAssociationsCommand,
  ListServiceNetworkVpcAssociationsCommand,
  ListServiceNetworksCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  ListTargetGroupsCommand,
  ListTargetsCommand,
  type VPCLatticeClient,
} from '@aws-sdk/client-vpc-lattice';
import { sendPaced, type CallBudget } from './callBudget';
import { PAGE_SIZE } from './api';

type Send<T> = () => Promise<T>;

/**
 * The read-only Lattice calls of the service directory. Each call waits for its token of the
 * process's call budget (no deadline: a directory read may take long, it must not flood AWS),
 * reports throttling to the budget so hooks in the same process back off too, and is counted.
 */
export class DirectoryApi {
  readonly #client: VPCLatticeClient;
  readonly #budget: CallBudget;
  readonly #onCall: ((operation: string) => void) | undefined;
  calls = 0;

  constructor(client: VPCLatticeClient, budget: CallBudget, onCall?: (operation: string) => void) {
    this.#client = client;
    this.#budget = budget;
    this.#onCall = onCall;
  }

  async #run<T>(operation: string, send: Send<T>): Promise<T> {
    this.calls += 1;
    this.#onCall?.(operation);
    return sendPaced(this.#budget, () => this.#budget.take(Number.POSITIVE_INFINITY), send);
  }

  /** Every item of a paginated list, one paced call per page. */
  async #all<T>(operation: string, page: (nextToken: string | undefined) => Promise<{ items?: T[]; nextToken?: string }>): Promise<T[]> {
    const items: T[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const output = await this.#run(operation, () => page(token));
      items.push(...(output.items ?? []));
      nextToken = output.nextToken;
    } while (nextToken);
    return items;
  }

  listServiceNetworks() {
    return this.#all('ListServiceNetworks', (nextToken) =>
      this.#client.send(new ListServiceNetworksCommand({ maxResults: PAGE_SIZE, nextToken })),
    );
  }
  getServiceNetwork(id: string) {
    return this.#run('GetServiceNetwork', () => this.#client.send(new GetServiceNetworkCommand({ serviceNetworkIdentifier: id })));
  }
  listVpcAssociations(serviceNetworkIdentifier: string) {
    return this.#all('ListServiceNetworkVpcAssociations', (nextToken) =>
      this.#client.send(new ListServiceNetworkVpcAssociationsCommand({ serviceNetworkIdentifier, maxResults: PAGE_SIZE, nextToken })),
    );
  }
  listServiceAssociations(serviceNetworkIdentifier: string) {
    return this.#all('ListServiceNetworkServiceAssociations', (nextToken) =>
      this.#client.send(new ListServiceNetworkServiceAssociationsCommand({ serviceNetworkIdentifier, maxResults: PAGE_SIZE, nextToken })),
    );
  }
  listServices() {
    return this.#all('ListServices', (nextToken) => this.#client.send(new ListServicesCommand({ maxResults: PAGE_SIZE, nextToken })));
  }
  getService(id: string) {
    return this.#run('GetService', () => this.#client.send(new GetServiceCommand({ serviceIdentifier: id })));
  }
  listListeners(serviceIdentifier: string) {
    return this.#all('ListListeners', (nextToken) =>
      this.#client.send(new ListListenersCommand({ serviceIdentifier, maxResults: PAGE_SIZE, nextToken })),
    );
  }
  getListener(serviceIdentifier: string, listenerIdentifier: string) {
    return this.#run('GetListener', () => this.#client.send(new GetListenerCommand({ serviceIdentifier, listenerIdentifier })));
  }
  listRules(serviceIdentifier: string, listenerIdentifier: string) {
    return this.#all('ListRules', (nextToken) =>
      this.#client.send(new ListRulesCommand({ serviceIdentifier, listenerIdentifier, maxResults: PAGE_SIZE, nextToken })),
    );
  }
  getRule(serviceIdentifier: string, listenerIdentifier: string, ruleIdentifier: string) {
    return this.#run('GetRule', () => this.#client.send(new GetRuleCommand({ serviceIdentifier, listenerIdentifier, ruleIdentifier })));
  }
  listTargetGroups() {
    return this.#all('ListTargetGroups', (nextToken) =>
      this.#client.send(new ListTargetGroupsCommand({ maxResults: PAGE_SIZE, nextToken })),
    );
  }
  listTargets(targetGroupIdentifier: string) {
    return this.#all('ListTargets', (nextToken) =>
      this.#client.send(new ListTargetsCommand({ targetGroupIdentifier, maxResults: PAGE_SIZE, nextToken })),
    );
  }
  getAuthPolicy(resourceIdentifier: string) {
    return this.#run('GetAuthPolicy', () => this.#client.send(new GetAuthPolicyCommand({ resourceIdentifier })));
  }
  listAccessLogSubscriptions(resourceIdentifier: string) {
    return this.#all('ListAccessLogSubscriptions', (nextToken) =>
      this.#client.send(new ListAccessLogSubscriptionsCommand({ resourceIdentifier, maxResults: PAGE_SIZE, nextToken })),
    );
  }
  async listTags(resourceArn: string): Promise<Record<string, string>> {
    const output = await this.#run('ListTagsForResource', () => this.#client.send(new ListTagsForResourceCommand({ resourceArn })));
    return output.tags ?? {};
  }
}
