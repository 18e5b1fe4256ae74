import {
  CreateAccessLogSubscriptionCommand,
  DeleteAccessLogSubscriptionCommand,
  DeleteAuthPolicyCommand,
  GetAccessLogSubscriptionCommand,
  GetAuthPolicyCommand,
  ListAccessLogSubscriptionsCommand,
  PutAuthPolicyCommand,
  UpdateAccessLogSubscriptionCommand,
  UpdateServiceCommand,
  UpdateServiceNetworkCommand,
  type AccessLogSubscriptionSummary,
  type AuthType,
  type CreateAccessLogSubscriptionRequest,
  type VPCLatticeClient,
} from '@aws-sdk/client-vpc-lattice';
import { PAGE_SIZE } from './api';
import type { CallSession } from './callSession';

/**
 * The VPC Lattice operations of the service policies (IAM auth, access logs), in the style of
 * LatticeApi: each call runs in the hook's CallSession (deadline, error classification, counting),
 * and the project's IAM policy is derived from the commands named here. Requests are never logged:
 * they carry policy documents.
 */
export class PolicyApi {
  readonly #client: VPCLatticeClient;
  readonly #session: CallSession;

  constructor(client: VPCLatticeClient, session: CallSession) {
    this.#client = client;
    this.#session = session;
  }

  // Auth type of the resource a policy protects
  updateServiceNetworkAuthType(serviceNetworkIdentifier: string, authType: AuthType) {
    return this.#session.run('UpdateServiceNetwork', (o) =>
      this.#client.send(new UpdateServiceNetworkCommand({ serviceNetworkIdentifier, authType }), o),
    );
  }
  updateServiceAuthType(serviceIdentifier: string, authType: AuthType) {
    return this.#session.run('UpdateService', (o) => this.#client.send(new UpdateServiceCommand({ serviceIdentifier, authType }), o));
  }

  // Auth policies
  getAuthPolicy(resourceIdentifier: string) {
    return this.#session.run('GetAuthPolicy', (o) => this.#client.send(new GetAuthPolicyCommand({ resourceIdentifier }), o));
  }
  putAuthPolicy(resourceIdentifier: string, policy: string) {
    return this.#session.run('PutAuthPolicy', (o) => this.#client.send(new PutAuthPolicyCommand({ resourceIdentifier, policy }), o));
  }
  deleteAuthPolicy(resourceIdentifier: string) {
    return this.#session.run('DeleteAuthPolicy', (o) => this.#client.send(new DeleteAuthPolicyCommand({ resourceIdentifier }), o));
  }

  // Access log subscriptions
  createAccessLogSubscription(input: CreateAccessLogSubscriptionRequest) {
    return this.#session.run('CreateAccessLogSubscription', (o) => this.#client.send(new CreateAccessLogSubscriptionCommand(input), o));
  }
  getAccessLogSubscription(accessLogSubscriptionIdentifier: string) {
    return this.#session.run('GetAccessLogSubscription', (o) =>
      this.#client.send(new GetAccessLogSubscriptionCommand({ accessLogSubscriptionIdentifier }), o),
    );
  }
  listAccessLogSubscriptions(resourceIdentifier: string): Promise<AccessLogSubscriptionSummary[]> {
    return this.#session.all('ListAccessLogSubscriptions', (nextToken, o) =>
      this.#client.send(new ListAccessLogSubscriptionsCommand({ resourceIdentifier, maxResults: PAGE_SIZE, nextToken }), o),
    );
  }
  updateAccessLogSubscription(accessLogSubscriptionIdentifier: string, destinationArn: string) {
    return this.#session.run('UpdateAccessLogSubscription', (o) =>
      this.#client.send(new UpdateAccessLogSubscriptionCommand({ accessLogSubscriptionIdentifier, destinationArn }), o),
    );
  }
  deleteAccessLogSubscription(accessLogSubscriptionIdentifier: string) {
    return this.#session.run('DeleteAccessLogSubscription', (o) =>
      this.#client.send(new DeleteAccessLogSubscriptionCommand({ accessLogSubscriptionIdentifier }), o),
    );
  }
}
