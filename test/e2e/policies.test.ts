import {
  CreateAccessLogSubscriptionCommand,
  CreateServiceNetworkCommand,
  GetAuthPolicyCommand,
  GetServiceCommand,
  GetServiceNetworkCommand,
  ListAccessLogSubscriptionsCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-vpc-lattice';
import { SUBSCRIPTION_ARN_ANNOTATION, SUBSCRIPTION_RESOURCE_NAME_ANNOTATION } from '../../src/controllers/accessLogPolicy';
import { IAM_RESOURCE_ID_ANNOTATION, IAM_RESOURCE_NAME_ANNOTATION, IAM_RESOURCE_TYPE_ANNOTATION } from '../../src/controllers/iamAuthPolicy';
import { SERVICE_ARN_ANNOTATION } from '../../src/gatewayapi/ourKeys';
import { ACCESS_LOG_POLICY_TAG } from '../../src/lattice/accessLogSubscriptions';
import type { KubeObject } from '../../src/metacontroller/types';
import { condition, conditionsOf, GW, OURS, statusOf, summary, writeCalls } from '../support/assertions';
import { type Harness, installGatewayApi, sharedNetworkGateway, startHarness } from '../support/harness';
import { gateway, OUR_CONTROLLER } from '../support/objects';
import { endpointSlice, httpRoute, service } from '../support/routeFixtures';

const MANAGED_BY_KEY = 'application-networking.k8s.aws/ManagedBy';
const READER = 'arn:aws:iam::111122223333:role/order-reader';
const WRITER = 'arn:aws:iam::111122223333:role/order-writer';
const BUCKET = 'arn:aws:s3:::shop-access-logs';
const OTHER_BUCKET = 'arn:aws:s3:::shop-access-logs-2';
const LOG_GROUP = 'arn:aws:logs:us-west-2:123456789012:log-group:shop-access';
const STREAM = 'arn:aws:firehose:us-west-2:123456789012:deliverystream/shop-access';

/** An auth policy as a person writes it: indented, on several lines. */
function document(principal: string): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'vpc-lattice-svcs:Invoke', Resource: '*' }] }, null, 2);
}

const compact = (text: string) => JSON.stringify(JSON.parse(text));

function policyObject(kind: 'IAMAuthPolicy' | 'AccessLogPolicy', namespace: string, name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: `${OURS}/v1alpha1`, kind, metadata: { name, namespace }, spec };
}

const iap = (namespace: string, name: string, targetRef: Record<string, unknown>, policy: string) => policyObject('IAMAuthPolicy', namespace, name, { targetRef, policy });
const alp = (namespace: string, name: string, targetRef: Record<string, unknown>, destinationArn: string) => policyObject('AccessLogPolicy', namespace, name, { targetRef, destinationArn });
const iapRef = (namespace: string, name: string) => ({ group: OURS, kind: 'IAMAuthPolicy', namespace, name });
const alpRef = (namespace: string, name: string) => ({ group: OURS, kind: 'AccessLogPolicy', namespace, name });
const toGateway = { group: GW, kind: 'Gateway', name: 'edge' };
const toRoute = (name: string, kind = 'HTTPRoute') => ({ group: GW, kind, name });

describe('service policies (IAMAuthPolicy, AccessLogPolicy), end to end (driver + emulator)', () => {
  let h: Harness;
  let networkArn: string;

  beforeEach(async () => {
    h = await startHarness();
    installGatewayApi(h.cluster);
    networkArn = await sharedNetworkGateway(h, 'infra', 'edge');
    h.cluster.apply(service('apps', 'api'));
    h.cluster.apply(endpointSlice('apps', 'api', ['10.0.1.1']));
  });
  afterEach(async () => h.close());

  /** A route of the Gateway, once its Lattice service exists; returns the service ARN. */
  async function routeWithService(name: string): Promise<string> {
    h.cluster.apply(httpRoute('apps', name, { parentRefs: [{ name: 'edge', namespace: 'infra' }], rules: [{ backendRefs: [{ name: 'api', port: 80 }] }] }));
    const arn = () => h.cluster.get({ group: GW, kind: 'HTTPRoute', namespace: 'apps', name })?.metadata.annotations?.[SERVICE_ARN_ANNOTATION];
    await h.driver.runUntil(() => arn() !== undefined);
    return arn() ?? '';
  }

  async function converge(ref: { group: string; kind: string; namespace: string; name: string }) {
    await h.driver.runUntil(() => conditionsOf(h.cluster, ref).Programmed === 'True/Programmed');
    await h.driver.runUntilStable();
  }

  const network = async () => h.lattice.send(new GetServiceNetworkCommand({ serviceNetworkIdentifier: networkArn }));
  const latticeService = async (arn: string) => h.lattice.send(new GetServiceCommand({ serviceIdentifier: arn }));
  const authPolicy = async (arn: string) => h.lattice.send(new GetAuthPolicyCommand({ resourceIdentifier: arn }));
  const subscriptions = async (arn: string) => (await h.lattice.send(new ListAccessLogSubscriptionsCommand({ resourceIdentifier: arn }))).items ?? [];
  const tagsOf = async (arn: string) => (await h.lattice.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags ?? {};
  const annotationsOf = (ref: { group: string; kind: string; namespace: string; name: string }) => h.cluster.mustGet(ref).metadata.annotations ?? {};

  describe('IAMAuthPolicy', () => {
    it('on a Gateway: AWS_IAM with the compacted document on the network, edits follow, delete restores NONE, documents never logged', async () => {
      h.cluster.apply(iap('infra', 'protect', toGateway, document(READER)));
      await converge(iapRef('infra', 'protect'));

      expect((await network()).authType).toBe('AWS_IAM');
      expect(await authPolicy(networkArn)).toMatchObject({ policy: compact(document(READER)), state: 'Active' });
      const net = await network();
      expect(annotationsOf(iapRef('infra', 'protect'))).toMatchObject({
        [IAM_RESOURCE_ID_ANNOTATION]: net.id,
        [IAM_RESOURCE_TYPE_ANNOTATION]: 'ServiceNetwork',
        [IAM_RESOURCE_NAME_ANNOTATION]: 'edge',
      });
      const status = statusOf(h.cluster.get(iapRef('infra', 'protect')));
      expect(status.ancestors).toEqual([
        { ancestorRef: { group: GW, kind: 'Gateway', namespace: 'infra', name: 'edge' }, controllerName: OUR_CONTROLLER, conditions: status.conditions },
      ]);

      // Synced again unchanged: nothing is written.
      await h.admin.resetCalls();
      const current = h.cluster.mustGet(iapRef('infra', 'protect'));
      h.cluster.apply({ ...current, metadata: { ...current.metadata, labels: { touched: 'yes' } } });
      await h.driver.runUntilStable();
      expect(writeCalls((await h.admin.calls()).byOperation)).toEqual({});

      h.cluster.apply(iap('infra', 'protect', toGateway, document(WRITER)));
      await h.driver.runUntil(() => condition(statusOf(h.cluster.get(iapRef('infra', 'protect'))).conditions, 'Programmed')?.observedGeneration === 2);
      expect((await authPolicy(networkArn)).policy).toBe(compact(document(WRITER)));
      expect(writeCalls((await h.admin.calls()).byOperation)).toEqual({ PutAuthPolicy: 1 });

      // A document that cannot be applied leaves the last one in force (failing closed).
      h.cluster.apply(iap('infra', 'protect', toGateway, '{"Version": '));
      await h.driver.runUntil(() => conditionsOf(h.cluster, iapRef('infra', 'protect')).Accepted === 'False/Invalid');
      await h.driver.runUntilStable();
      expect((await network()).authType).toBe('AWS_IAM');
      expect((await authPolicy(networkArn)).policy).toBe(compact(document(WRITER)));

      h.cluster.delete(iapRef('infra', 'protect'));
      await h.driver.runUntil(() => h.cluster.get(iapRef('infra', 'protect')) === undefined);
      expect((await network()).authType).toBe('NONE');
      await expect(authPolicy(networkArn)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });

      const logged = JSON.stringify(h.logs);
      expect(logged).toContain('iamauthpolicy');
      expect(logged).not.toContain('order-reader');
      expect(logged).not.toContain('order-writer');
    });

    it('on a route: the service requires AWS_IAM; retargeting moves the policy and restores NONE on the old service', async () => {
      const shop = await routeWithService('shop');
      const cart = await routeWithService('cart');
      h.cluster.apply(iap('apps', 'shop-auth', toRoute('shop'), document(READER)));
      await converge(iapRef('apps', 'shop-auth'));
      expect(await latticeService(shop)).toMatchObject({ authType: 'AWS_IAM' });
      expect((await authPolicy(shop)).policy).toBe(compact(document(READER)));
      expect(annotationsOf(iapRef('apps', 'shop-auth'))[IAM_RESOURCE_TYPE_ANNOTATION]).toBe('Service');
      // The route's ancestors are its Gateways of our class.
      const ancestors = statusOf(h.cluster.get(iapRef('apps', 'shop-auth'))).ancestors as { ancestorRef: unknown; conditions: unknown }[];
      expect(ancestors.map((a) => [a.ancestorRef, summary(a.conditions)])).toEqual([
        [{ group: GW, kind: 'Gateway', namespace: 'infra', name: 'edge' }, { Accepted: 'True/Accepted', Programmed: 'True/Programmed' }],
      ]);

      h.cluster.apply(iap('apps', 'shop-auth', toRoute('cart'), document(READER)));
      await h.driver.runUntil(() => annotationsOf(iapRef('apps', 'shop-auth'))[IAM_RESOURCE_ID_ANNOTATION] === cart.slice(cart.lastIndexOf('/') + 1));
      await h.driver.runUntilStable();
      expect(await latticeService(cart)).toMatchObject({ authType: 'AWS_IAM' });
      expect(await latticeService(shop)).toMatchObject({ authType: 'NONE' });
      await expect(authPolicy(shop)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });

      h.cluster.delete(iapRef('apps', 'shop-auth'));
      await h.driver.runUntil(() => h.cluster.get(iapRef('apps', 'shop-auth')) === undefined);
      expect(await latticeService(cart)).toMatchObject({ authType: 'NONE' });
    });

    it('makes the younger of two policies on one target Conflicted, and hands the target over without opening it', async () => {
      const shop = await routeWithService('shop');
      h.cluster.apply(iap('apps', 'first', toRoute('shop'), document(READER)));
      await converge(iapRef('apps', 'first'));
      h.cluster.apply(iap('apps', 'second', toRoute('shop'), document(WRITER)));
      await h.driver.runUntilStable();
      expect(conditionsOf(h.cluster, iapRef('apps', 'second'))).toEqual({ Accepted: 'False/Conflicted' });
      expect((await authPolicy(shop)).policy).toBe(compact(document(READER)));

      await h.admin.resetCalls();
      h.cluster.delete(iapRef('apps', 'first'));
      await converge(iapRef('apps', 'second'));
      expect((await authPolicy(shop)).policy).toBe(compact(document(WRITER)));
      expect(await latticeService(shop)).toMatchObject({ authType: 'AWS_IAM' });
      // Never back to NONE in between.
      expect((await h.admin.calls()).byOperation.UpdateService).toBeUndefined();
    });

    it('refuses a TLSRoute target, a bad document and a missing target with conditions, and waits for a network that does not exist yet', async () => {
      h.cluster.apply(iap('apps', 'tls', toRoute('db', 'TLSRoute'), document(READER)));
      h.cluster.apply(iap('apps', 'broken', toRoute('shop'), '{"Version": "2012-10-17", "Statement": ['));
      h.cluster.apply(iap('apps', 'huge', toRoute('shop'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'x'.repeat(11000) }] })));
      h.cluster.apply(iap('apps', 'lost', toRoute('nowhere'), document(READER)));
      h.cluster.apply(gateway('infra', 'later', 'amazon-vpc-lattice'));
      h.cluster.apply(iap('infra', 'early', { group: GW, kind: 'Gateway', name: 'later' }, document(READER)));
      await routeWithService('shop');
      await h.driver.runUntilStable();

      expect(conditionsOf(h.cluster, iapRef('apps', 'tls'))).toEqual({ Accepted: 'False/Invalid' });
      expect(condition(statusOf(h.cluster.get(iapRef('apps', 'broken'))).conditions, 'Accepted')).toMatchObject({ status: 'False', reason: 'Invalid', message: 'spec.policy is not valid JSON' });
      expect(condition(statusOf(h.cluster.get(iapRef('apps', 'huge'))).conditions, 'Accepted')?.message).toMatch(/at most 10240 bytes/);
      expect(conditionsOf(h.cluster, iapRef('apps', 'lost'))).toEqual({ Accepted: 'False/TargetNotFound' });
      expect(conditionsOf(h.cluster, iapRef('infra', 'early'))).toEqual({ Accepted: 'True/Accepted', Programmed: 'False/Pending' });
      expect((await h.admin.calls()).byOperation.PutAuthPolicy).toBeUndefined();

      const later = await h.lattice.send(new CreateServiceNetworkCommand({ name: 'later' }));
      await converge(iapRef('infra', 'early'));
      expect((await authPolicy(later.arn ?? '')).policy).toBe(compact(document(READER)));
    });
  });

  describe('AccessLogPolicy', () => {
    it('keeps one subscription per destination type, conflicts on a second of one type, follows destination changes and deletes on delete', async () => {
      const shop = await routeWithService('shop');
      h.cluster.apply(alp('apps', 's3', toRoute('shop'), BUCKET));
      h.cluster.apply(alp('apps', 'cloudwatch', toRoute('shop'), LOG_GROUP));
      await converge(alpRef('apps', 's3'));
      await converge(alpRef('apps', 'cloudwatch'));
      h.cluster.apply(alp('apps', 's3-again', toRoute('shop'), OTHER_BUCKET));
      await h.driver.runUntilStable();

      expect((await subscriptions(shop)).map((s) => s.destinationArn).sort()).toEqual([BUCKET, LOG_GROUP].sort());
      expect(conditionsOf(h.cluster, alpRef('apps', 's3-again'))).toEqual({ Accepted: 'False/Conflicted' });
      const s3Arn = annotationsOf(alpRef('apps', 's3'))[SUBSCRIPTION_ARN_ANNOTATION] ?? '';
      expect(await tagsOf(s3Arn)).toEqual({ [MANAGED_BY_KEY]: h.identity.managedBy, [ACCESS_LOG_POLICY_TAG]: 'apps/s3' });
      expect(annotationsOf(alpRef('apps', 's3'))[SUBSCRIPTION_RESOURCE_NAME_ANNOTATION]).toBe((await latticeService(shop)).name);

      // Another bucket: the subscription is updated in place.
      await h.admin.resetCalls();
      h.cluster.apply(alp('apps', 's3', toRoute('shop'), `${BUCKET}-archive`));
      await h.driver.runUntil(() => condition(statusOf(h.cluster.get(alpRef('apps', 's3'))).conditions, 'Programmed')?.observedGeneration === 2);
      await h.driver.runUntilStable();
      expect(annotationsOf(alpRef('apps', 's3'))[SUBSCRIPTION_ARN_ANNOTATION]).toBe(s3Arn);
      expect(writeCalls((await h.admin.calls()).byOperation)).toEqual({ UpdateAccessLogSubscription: 1 });

      // Another type: replaced; the S3 slot it frees goes to the policy that was waiting for it.
      h.cluster.apply(alp('apps', 's3', toRoute('shop'), STREAM));
      await h.driver.runUntil(() => conditionsOf(h.cluster, alpRef('apps', 's3-again')).Programmed === 'True/Programmed');
      await h.driver.runUntilStable();
      expect((await subscriptions(shop)).map((s) => s.destinationArn).sort()).toEqual([LOG_GROUP, OTHER_BUCKET, STREAM].sort());
      expect(annotationsOf(alpRef('apps', 's3'))[SUBSCRIPTION_ARN_ANNOTATION]).not.toBe(s3Arn);

      for (const name of ['s3', 'cloudwatch', 's3-again']) h.cluster.delete(alpRef('apps', name));
      await h.driver.runUntil(() => h.cluster.list(OURS, 'AccessLogPolicy').length === 0);
      expect(await subscriptions(shop)).toEqual([]);
    });

    it('logs a Gateway’s network, and reports a destination that does not exist with the AWS error until it exists', async () => {
      await h.admin.ok('POST', 'destinations', { arns: [LOG_GROUP] });
      h.cluster.apply(alp('infra', 'network-logs', toGateway, LOG_GROUP));
      h.cluster.apply(alp('infra', 'missing-bucket', toGateway, BUCKET));
      h.cluster.apply(alp('infra', 'not-an-arn', toGateway, 'arn:aws:sqs:us-west-2:123456789012:queue'));
      await converge(alpRef('infra', 'network-logs'));
      await h.driver.runUntilStable();

      expect((await subscriptions(networkArn)).map((s) => s.destinationArn)).toEqual([LOG_GROUP]);
      expect(statusOf(h.cluster.get(alpRef('infra', 'network-logs'))).ancestors).toMatchObject([{ ancestorRef: { kind: 'Gateway', namespace: 'infra', name: 'edge' } }]);
      const missing = condition(statusOf(h.cluster.get(alpRef('infra', 'missing-bucket'))).conditions, 'Accepted');
      expect(missing).toMatchObject({ status: 'False', reason: 'Invalid' });
      expect(missing?.message).toMatch(/^ResourceNotFoundException: .*shop-access-logs/);
      expect(condition(statusOf(h.cluster.get(alpRef('infra', 'not-an-arn'))).conditions, 'Accepted')).toMatchObject({ status: 'False', reason: 'Invalid' });

      await h.admin.ok('POST', 'destinations', { arns: [BUCKET] });
      await converge(alpRef('infra', 'missing-bucket'));
      expect((await subscriptions(networkArn)).map((s) => s.destinationArn).sort()).toEqual([BUCKET, LOG_GROUP].sort());
    });

    it('recognises its own subscription after a lost answer, and never takes over another owner’s', async () => {
      const shop = await routeWithService('shop');
      const mine = await h.lattice.send(
        new CreateAccessLogSubscriptionCommand({ resourceIdentifier: shop, destinationArn: BUCKET, tags: { [MANAGED_BY_KEY]: h.identity.managedBy, [ACCESS_LOG_POLICY_TAG]: 'apps/s3' } }),
      );
      const theirs = await h.lattice.send(
        new CreateAccessLogSubscriptionCommand({ resourceIdentifier: shop, destinationArn: LOG_GROUP, tags: { [MANAGED_BY_KEY]: '999999999999/other/vpc-0aaaaaaaaaaaaaaaa' } }),
      );
      h.cluster.apply(alp('apps', 's3', toRoute('shop'), BUCKET));
      h.cluster.apply(alp('apps', 'cloudwatch', toRoute('shop'), LOG_GROUP));
      await converge(alpRef('apps', 's3'));
      await h.driver.runUntilStable();

      expect(annotationsOf(alpRef('apps', 's3'))[SUBSCRIPTION_ARN_ANNOTATION]).toBe(mine.arn);
      expect(conditionsOf(h.cluster, alpRef('apps', 'cloudwatch'))).toEqual({ Accepted: 'False/Conflicted' });
      expect((await subscriptions(shop)).map((s) => s.arn).sort()).toEqual([mine.arn, theirs.arn].sort());

      h.cluster.delete(alpRef('apps', 'cloudwatch'));
      h.cluster.delete(alpRef('apps', 's3'));
      await h.driver.runUntil(() => h.cluster.list(OURS, 'AccessLogPolicy').length === 0);
      expect((await subscriptions(shop)).map((s) => s.arn)).toEqual([theirs.arn]);
    });
  });
});
