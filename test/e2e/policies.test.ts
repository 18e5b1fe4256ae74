import {
  CreateAccessLogSubscriptionCommand,
  CreateServiceCommand,
  CreateServiceNetworkCommand,
  GetAuthPolicyCommand,
  GetServiceCommand,
  GetServiceNetworkCommand,
  ListAccessLogSubscriptionsCommand,
  ListServiceNetworkVpcAssociationsCommand,
  ListTagsForResourceCommand,
  PutAuthPolicyCommand,
} from '@aws-sdk/client-vpc-lattice';
import { SUBSCRIPTION_ARN_ANNOTATION, SUBSCRIPTION_RESOURCE_NAME_ANNOTATION } from '../../src/controllers/accessLogPolicy';
import {
  IAM_RESOURCE_ID_ANNOTATION,
  IAM_RESOURCE_NAME_ANNOTATION,
  IAM_RESOURCE_TYPE_ANNOTATION,
} from '../../src/controllers/iamAuthPolicy';
import { SERVICE_ARN_ANNOTATION, SERVICE_NETWORK_ARN_ANNOTATION, VERIFY_NOW_ANNOTATION } from '../../src/gatewayapi/ourKeys';
import { ACCESS_LOG_POLICY_TAG } from '../../src/lattice/accessLogSubscriptions';
import { IAM_AUTH_POLICY_TAG } from '../../src/lattice/authPolicies';
import type { KubeObject } from '../../src/metacontroller/types';
import { condition, conditionsOf, GW, OURS, statusOf, summary, writeCalls } from '../support/assertions';
import { type Harness, installGatewayApi, sharedNetworkGateway, startHarness } from '../support/harness';
import { gateway, OUR_CONTROLLER } from '../support/objects';
import { endpointSlice, httpRoute, service } from '../support/routeFixtures';

const MANAGED_BY_KEY = 'application-networking.k8s.aws/ManagedBy';
const FOREIGN_OWNER = '999999999999/other/vpc-0aaaaaaaaaaaaaaaa';
const READER = 'arn:aws:iam::111122223333:role/order-reader';
const WRITER = 'arn:aws:iam::111122223333:role/order-writer';
const BUCKET = 'arn:aws:s3:::shop-access-logs';
const OTHER_BUCKET = 'arn:aws:s3:::shop-access-logs-2';
const LOG_GROUP = 'arn:aws:logs:us-west-2:123456789012:log-group:shop-access';
const STREAM = 'arn:aws:firehose:us-west-2:123456789012:deliverystream/shop-access';

/** An auth policy as a person writes it: indented, on several lines. */
function document(principal: string): string {
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'vpc-lattice-svcs:Invoke', Resource: '*' }],
    },
    null,
    2,
  );
}

const compact = (text: string) => JSON.stringify(JSON.parse(text));

function policyObject(
  kind: 'IAMAuthPolicy' | 'AccessLogPolicy' | 'VpcAssociationPolicy',
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
): KubeObject {
  return { apiVersion: `${OURS}/v1alpha1`, kind, metadata: { name, namespace }, spec };
}

/** What a decorator hook answers, as far as these tests read it. */
interface DecoratorAnswer {
  status?: { conditions?: { type: string; reason: string; message: string }[] };
  annotations?: Record<string, string | null>;
}

const iap = (namespace: string, name: string, targetRef: Record<string, unknown>, policy: string) =>
  policyObject('IAMAuthPolicy', namespace, name, { targetRef, policy });
const alp = (namespace: string, name: string, targetRef: Record<string, unknown>, destinationArn: string) =>
  policyObject('AccessLogPolicy', namespace, name, { targetRef, destinationArn });
const iapRef = (namespace: string, name: string) => ({ group: OURS, kind: 'IAMAuthPolicy', namespace, name });
const alpRef = (namespace: string, name: string) => ({ group: OURS, kind: 'AccessLogPolicy', namespace, name });
const toGateway = { group: GW, kind: 'Gateway', name: 'edge' };
const toRoute = (name: string, kind = 'HTTPRoute') => ({ group: GW, kind, name });
const httpListener = { name: 'http', protocol: 'HTTP', port: 80, allowedRoutes: { namespaces: { from: 'All' } } };

/** Lets policies of `fromNamespace` refer to the routes of `namespace`. */
function grantRoutes(namespace: string, fromNamespace: string, kind: string): KubeObject {
  return {
    apiVersion: `${GW}/v1beta1`,
    kind: 'ReferenceGrant',
    metadata: { name: `${kind.toLowerCase()}-from-${fromNamespace}`, namespace },
    spec: { from: [{ group: OURS, kind, namespace: fromNamespace }], to: [{ group: GW, kind: 'HTTPRoute' }] },
  };
}

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
    h.cluster.apply(
      httpRoute('apps', name, {
        parentRefs: [{ name: 'edge', namespace: 'infra' }],
        rules: [{ backendRefs: [{ name: 'api', port: 80 }] }],
      }),
    );
    const arn = () =>
      h.cluster.get({ group: GW, kind: 'HTTPRoute', namespace: 'apps', name })?.metadata.annotations?.[SERVICE_ARN_ANNOTATION];
    await h.driver.runUntil(() => arn() !== undefined);
    return arn() ?? '';
  }

  async function converge(ref: { group: string; kind: string; namespace: string; name: string }) {
    await h.driver.runUntil(() => conditionsOf(h.cluster, ref).Programmed === 'True/Programmed');
    await h.driver.runUntilStable();
  }

  const network = async () => h.lattice.send(new GetServiceNetworkCommand({ serviceNetworkIdentifier: networkArn }));
  const latticeService = async (arn: string) => h.lattice.send(new GetServiceCommand({ serviceIdentifier: arn }));

  it("a policy whose record is edited to name another policy's service cannot open it (the IAMAuthPolicy tag names the holder)", async () => {
    const bank = await routeWithService('bank');
    await routeWithService('mine');
    h.cluster.apply(iap('apps', 'bank-auth', toRoute('bank'), document(READER)));
    h.cluster.apply(iap('apps', 'mine-auth', toRoute('mine'), document(WRITER)));
    await converge(iapRef('apps', 'bank-auth'));
    await converge(iapRef('apps', 'mine-auth'));
    const tags = await h.lattice.send(new ListTagsForResourceCommand({ resourceArn: bank }));
    expect(tags.tags?.[IAM_AUTH_POLICY_TAG]).toBe('apps/bank-auth');

    // Whoever may edit mine-auth points its record at bank's service; the next sync "retargets".
    const mine = h.cluster.mustGet(iapRef('apps', 'mine-auth'));
    const bankId = bank.slice(bank.lastIndexOf('/') + 1);
    h.cluster.update({
      ...mine,
      metadata: { ...mine.metadata, annotations: { ...mine.metadata.annotations, [IAM_RESOURCE_ID_ANNOTATION]: bankId } },
    });
    await h.driver.runUntil(
      () => h.cluster.mustGet(iapRef('apps', 'mine-auth')).metadata.annotations?.[IAM_RESOURCE_ID_ANNOTATION] !== bankId,
    );
    await h.driver.runUntilStable();
    expect((await latticeService(bank)).authType).toBe('AWS_IAM');
    expect(compact((await h.lattice.send(new GetAuthPolicyCommand({ resourceIdentifier: bank }))).policy ?? '')).toBe(
      compact(document(READER)),
    );

    // Deleting it with the forged record leaves bank's auth in place too.
    const again = h.cluster.mustGet(iapRef('apps', 'mine-auth'));
    h.cluster.update({
      ...again,
      metadata: { ...again.metadata, annotations: { ...again.metadata.annotations, [IAM_RESOURCE_ID_ANNOTATION]: bankId } },
    });
    h.cluster.delete(iapRef('apps', 'mine-auth'));
    await h.driver.runUntil(() => h.cluster.get(iapRef('apps', 'mine-auth')) === undefined);
    expect((await latticeService(bank)).authType).toBe('AWS_IAM');

    // Its own policy still releases it, and takes its tag away.
    h.cluster.delete(iapRef('apps', 'bank-auth'));
    await h.driver.runUntil(() => h.cluster.get(iapRef('apps', 'bank-auth')) === undefined);
    expect((await latticeService(bank)).authType).toBe('NONE');
    expect((await h.lattice.send(new ListTagsForResourceCommand({ resourceArn: bank }))).tags?.[IAM_AUTH_POLICY_TAG]).toBeUndefined();
  });
  const authPolicy = async (arn: string) => h.lattice.send(new GetAuthPolicyCommand({ resourceIdentifier: arn }));
  const subscriptions = async (arn: string) =>
    (await h.lattice.send(new ListAccessLogSubscriptionsCommand({ resourceIdentifier: arn }))).items ?? [];
  const tagsOf = async (arn: string) => (await h.lattice.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags ?? {};
  const annotationsOf = (ref: { group: string; kind: string; namespace: string; name: string }) =>
    h.cluster.mustGet(ref).metadata.annotations ?? {};
  const idOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
  const programmedGeneration = (ref: { group: string; kind: string; namespace: string; name: string }) =>
    condition(statusOf(h.cluster.get(ref)).conditions, 'Programmed')?.observedGeneration;

  /** As if the hook's answer recording what it did had been lost: the annotations go, Lattice keeps the change. */
  function loseRecord(ref: { group: string; kind: string; namespace: string; name: string }, keys: readonly string[]) {
    const object = h.cluster.mustGet(ref);
    const annotations = { ...object.metadata.annotations };
    for (const key of keys) delete annotations[key];
    h.cluster.update({ ...object, metadata: { ...object.metadata, annotations } });
  }

  /** A route whose Lattice service cannot be created (CreateService is refused from now on). */
  async function routeWithoutService(name: string) {
    await h.admin.addFault({ operation: 'CreateService', error: 'AccessDeniedException', times: 1000 });
    h.cluster.apply(
      httpRoute('apps', name, {
        parentRefs: [{ name: 'edge', namespace: 'infra' }],
        rules: [{ backendRefs: [{ name: 'api', port: 80 }] }],
      }),
    );
  }

  /**
   * The last sync request Metacontroller sent `controller`, with the annotation `key` of every
   * related `kind` set to `value` (an edit the target's own hook has not undone yet), posted to
   * the server again; returns the answer's body.
   */
  async function forgedSync(controller: string, kind: string, key: string, value: string): Promise<DecoratorAnswer> {
    const last = [...h.driver.calls].reverse().find((c) => c.controller === `lattice-${controller}` && c.hook === 'sync');
    const forged = structuredClone(last?.request) as { related: Record<string, Record<string, KubeObject>> };
    const targets = Object.values(forged.related)
      .flatMap((byName) => Object.values(byName))
      .filter((o) => o.kind === kind);
    if (targets.length === 0) throw new Error(`no ${kind} related to the ${controller} request`);
    for (const target of targets) target.metadata.annotations = { ...target.metadata.annotations, [key]: value };
    const answer = await fetch(`${h.server.url}/hooks/${controller}/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(forged),
    });
    expect(answer.status).toBe(200);
    return (await answer.json()) as DecoratorAnswer;
  }

  it("a route's annotation edited to name a hand-made service: the route's policies leave that service alone", async () => {
    const victim = await h.lattice.send(new CreateServiceCommand({ name: 'payments', authType: 'AWS_IAM' }));
    const victimArn = victim.arn ?? '';
    await h.lattice.send(new PutAuthPolicyCommand({ resourceIdentifier: victimArn, policy: compact(document(READER)) }));
    await routeWithService('mine');
    // The victim's very document: a release must not take it for one this policy put there.
    h.cluster.apply(iap('apps', 'mine-auth', toRoute('mine'), document(READER)));
    h.cluster.apply(alp('apps', 'mine-logs', toRoute('mine'), BUCKET));
    await converge(iapRef('apps', 'mine-auth'));
    await converge(alpRef('apps', 'mine-logs'));

    // Whoever may edit the route names the hand-made service in its annotation; the policies'
    // hooks are called before the route's own restores it (each as Metacontroller would send it).
    for (const controller of ['iamauthpolicy', 'accesslogpolicy']) {
      const body = await forgedSync(controller, 'HTTPRoute', SERVICE_ARN_ANNOTATION, victimArn);
      expect(body.status?.conditions?.find((c) => c.type === 'Accepted')).toMatchObject({
        reason: 'Conflicted',
        message: 'Service payments is not the Lattice service of route apps/mine: it is left alone',
      });
      // Not recorded as the policy's: no release ever looks at it.
      expect(Object.values(body.annotations ?? {})).not.toContain(idOf(victimArn));
    }
    // Nor does the policy's deletion with no record of where it put its document (an answer
    // lost), though the victim carries that very document.
    const lastSync = [...h.driver.calls].reverse().find((c) => c.controller === 'lattice-iamauthpolicy' && c.hook === 'sync');
    const finalizing = structuredClone(lastSync?.request) as {
      object: KubeObject;
      related: Record<string, Record<string, KubeObject>>;
      finalizing: boolean;
    };
    const forgedRoute = Object.values(finalizing.related['HTTPRoute.gateway.networking.k8s.io/v1'] ?? {})[0];
    if (!forgedRoute) throw new Error('no route related to the IAMAuthPolicy request');
    forgedRoute.metadata.annotations = { ...forgedRoute.metadata.annotations, [SERVICE_ARN_ANNOTATION]: victimArn };
    const { [IAM_RESOURCE_ID_ANNOTATION]: _id, ...unrecorded } = finalizing.object.metadata.annotations ?? {};
    finalizing.object.metadata = { ...finalizing.object.metadata, annotations: unrecorded, deletionTimestamp: new Date().toISOString() };
    finalizing.finalizing = true;
    const finalized = await fetch(`${h.server.url}/hooks/iamauthpolicy/finalize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(finalizing),
    });
    expect(((await finalized.json()) as { finalized?: boolean }).finalized).toBe(true);
    expect((await latticeService(victimArn)).authType).toBe('AWS_IAM');

    // The driver goes on (the policies and the route as they are in the cluster).
    await h.driver.runUntilStable();
    expect((await latticeService(victimArn)).authType).toBe('AWS_IAM');
    expect((await authPolicy(victimArn)).policy).toBe(compact(document(READER)));
    expect(await tagsOf(victimArn)).toEqual({});
    expect(await subscriptions(victimArn)).toEqual([]);
    expect(conditionsOf(h.cluster, iapRef('apps', 'mine-auth')).Programmed).toBe('True/Programmed');

    // Nor the policy's record edited to name it: the document alone stands for the policy only on a resource of ours.
    const mine = h.cluster.mustGet(iapRef('apps', 'mine-auth'));
    h.cluster.update({
      ...mine,
      metadata: { ...mine.metadata, annotations: { ...mine.metadata.annotations, [IAM_RESOURCE_ID_ANNOTATION]: idOf(victimArn) } },
    });
    await h.driver.runUntilStable();
    expect((await latticeService(victimArn)).authType).toBe('AWS_IAM');
    expect((await authPolicy(victimArn)).policy).toBe(compact(document(READER)));
  });

  it("a Gateway's annotation edited to name another network: its policies leave that network alone", async () => {
    const victim = await h.lattice.send(new CreateServiceNetworkCommand({ name: 'payments-net', authType: 'AWS_IAM' }));
    const victimArn = victim.arn ?? '';
    await h.lattice.send(new PutAuthPolicyCommand({ resourceIdentifier: victimArn, policy: compact(document(READER)) }));
    h.cluster.apply(iap('infra', 'edge-auth', toGateway, document(READER)));
    h.cluster.apply(alp('infra', 'edge-logs', toGateway, BUCKET));
    h.cluster.apply(policyObject('VpcAssociationPolicy', 'infra', 'edge-vpc', { targetRef: toGateway, associateWithVpc: true }));
    await converge(iapRef('infra', 'edge-auth'));
    await converge(alpRef('infra', 'edge-logs'));
    await converge({ group: OURS, kind: 'VpcAssociationPolicy', namespace: 'infra', name: 'edge-vpc' });

    for (const controller of ['iamauthpolicy', 'accesslogpolicy', 'vpcassociationpolicy']) {
      const body = await forgedSync(controller, 'Gateway', SERVICE_NETWORK_ARN_ANNOTATION, victimArn);
      const conditions = body.status?.conditions ?? [];
      expect([controller, JSON.stringify(conditions)]).toEqual([
        controller,
        expect.stringContaining('payments-net is not the service network of Gateway edge: it is left alone'),
      ]);
    }
    expect((await h.lattice.send(new GetServiceNetworkCommand({ serviceNetworkIdentifier: victimArn }))).authType).toBe('AWS_IAM');
    expect((await authPolicy(victimArn)).policy).toBe(compact(document(READER)));
    expect(await tagsOf(victimArn)).toEqual({});
    expect(await subscriptions(victimArn)).toEqual([]);
    const associations = await h.lattice.send(new ListServiceNetworkVpcAssociationsCommand({ serviceNetworkIdentifier: victimArn }));
    expect(associations.items ?? []).toEqual([]);
  });

  describe('IAMAuthPolicy', () => {
    it('on a Gateway: AWS_IAM with the compacted document on the network, edits follow, delete restores NONE, documents never logged', async () => {
      h.cluster.apply(iap('infra', 'protect', toGateway, document(READER)));
      await converge(iapRef('infra', 'protect'));

      expect((await network()).authType).toBe('AWS_IAM');
      expect(await authPolicy(networkArn)).toMatchObject({ policy: compact(document(READER)), state: 'Active' });
      // The network was made by hand: protected, and tagged with the policy's name only (ManagedBy would make it look like ours).
      expect(await tagsOf(networkArn)).toEqual({ [IAM_AUTH_POLICY_TAG]: 'infra/protect' });
      const net = await network();
      expect(annotationsOf(iapRef('infra', 'protect'))).toMatchObject({
        [IAM_RESOURCE_ID_ANNOTATION]: net.id,
        [IAM_RESOURCE_TYPE_ANNOTATION]: 'ServiceNetwork',
        [IAM_RESOURCE_NAME_ANNOTATION]: 'edge',
      });
      const status = statusOf(h.cluster.get(iapRef('infra', 'protect')));
      expect(status.ancestors).toEqual([
        {
          ancestorRef: { group: GW, kind: 'Gateway', namespace: 'infra', name: 'edge' },
          controllerName: OUR_CONTROLLER,
          conditions: status.conditions,
        },
      ]);

      // Synced again unchanged: nothing is written.
      await h.admin.resetCalls();
      const current = h.cluster.mustGet(iapRef('infra', 'protect'));
      h.cluster.apply({ ...current, metadata: { ...current.metadata, labels: { touched: 'yes' } } });
      await h.driver.runUntilStable();
      expect(writeCalls((await h.admin.calls()).byOperation)).toEqual({});

      h.cluster.apply(iap('infra', 'protect', toGateway, document(WRITER)));
      await h.driver.runUntil(
        () => condition(statusOf(h.cluster.get(iapRef('infra', 'protect'))).conditions, 'Programmed')?.observedGeneration === 2,
      );
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
        [
          { group: GW, kind: 'Gateway', namespace: 'infra', name: 'edge' },
          { Accepted: 'True/Accepted', Programmed: 'True/Programmed' },
        ],
      ]);

      h.cluster.apply(iap('apps', 'shop-auth', toRoute('cart'), document(READER)));
      await h.driver.runUntil(
        () => annotationsOf(iapRef('apps', 'shop-auth'))[IAM_RESOURCE_ID_ANNOTATION] === cart.slice(cart.lastIndexOf('/') + 1),
      );
      await h.driver.runUntilStable();
      expect(await latticeService(cart)).toMatchObject({ authType: 'AWS_IAM' });
      expect(await latticeService(shop)).toMatchObject({ authType: 'NONE' });
      await expect(authPolicy(shop)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });

      // Retargeted to a route without a service yet: the old one is released at once, not when the new one exists.
      await routeWithoutService('later');
      h.cluster.apply(iap('apps', 'shop-auth', toRoute('later'), document(READER)));
      await h.driver.runUntil(() => annotationsOf(iapRef('apps', 'shop-auth'))[IAM_RESOURCE_ID_ANNOTATION] === undefined);
      await h.driver.runUntilStable();
      expect(conditionsOf(h.cluster, iapRef('apps', 'shop-auth'))).toEqual({ Accepted: 'True/Accepted', Programmed: 'False/Pending' });
      expect(await latticeService(cart)).toMatchObject({ authType: 'NONE' });
      await expect(authPolicy(cart)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });

      h.cluster.apply(iap('apps', 'shop-auth', toRoute('cart'), document(READER)));
      await converge(iapRef('apps', 'shop-auth'));
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
      h.cluster.apply(
        iap('apps', 'huge', toRoute('shop'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'x'.repeat(11000) }] })),
      );
      h.cluster.apply(iap('apps', 'lost', toRoute('nowhere'), document(READER)));
      h.cluster.apply(gateway('infra', 'later', 'amazon-vpc-lattice'));
      h.cluster.apply(iap('infra', 'early', { group: GW, kind: 'Gateway', name: 'later' }, document(READER)));
      await routeWithService('shop');
      await h.driver.runUntilStable();

      expect(conditionsOf(h.cluster, iapRef('apps', 'tls'))).toEqual({ Accepted: 'False/Invalid' });
      expect(condition(statusOf(h.cluster.get(iapRef('apps', 'broken'))).conditions, 'Accepted')).toMatchObject({
        status: 'False',
        reason: 'Invalid',
        message: 'spec.policy is not valid JSON',
      });
      expect(condition(statusOf(h.cluster.get(iapRef('apps', 'huge'))).conditions, 'Accepted')?.message).toMatch(/at most 10240 bytes/);
      expect(conditionsOf(h.cluster, iapRef('apps', 'lost'))).toEqual({ Accepted: 'False/TargetNotFound' });
      expect(conditionsOf(h.cluster, iapRef('infra', 'early'))).toEqual({ Accepted: 'True/Accepted', Programmed: 'False/Pending' });
      expect((await h.admin.calls()).byOperation.PutAuthPolicy).toBeUndefined();

      const later = await h.lattice.send(new CreateServiceNetworkCommand({ name: 'later' }));
      await converge(iapRef('infra', 'early'));
      expect((await authPolicy(later.arn ?? '')).policy).toBe(compact(document(READER)));
    });

    it('protects a GRPCRoute’s service', async () => {
      const tls = {
        mode: 'Terminate',
        options: {
          'application-networking.k8s.aws/certificate-arn':
            'arn:aws:acm:us-west-2:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
        },
      };
      h.cluster.apply(
        gateway('infra', 'edge', 'amazon-vpc-lattice', [
          httpListener,
          { name: 'https', protocol: 'HTTPS', port: 443, tls, allowedRoutes: { namespaces: { from: 'All' } } },
        ]),
      );
      h.cluster.apply({
        apiVersion: `${GW}/v1`,
        kind: 'GRPCRoute',
        metadata: { name: 'echo', namespace: 'apps' },
        spec: { parentRefs: [{ name: 'edge', namespace: 'infra' }], rules: [{ backendRefs: [{ name: 'api', port: 80 }] }] },
      });
      const echoRef = { group: GW, kind: 'GRPCRoute', namespace: 'apps', name: 'echo' };
      await h.driver.runUntil(() => annotationsOf(echoRef)[SERVICE_ARN_ANNOTATION] !== undefined);
      const echo = annotationsOf(echoRef)[SERVICE_ARN_ANNOTATION] ?? '';
      h.cluster.apply(iap('apps', 'echo-auth', toRoute('echo', 'GRPCRoute'), document(READER)));
      await converge(iapRef('apps', 'echo-auth'));
      expect(await latticeService(echo)).toMatchObject({ authType: 'AWS_IAM' });
      expect((await authPolicy(echo)).policy).toBe(compact(document(READER)));
    });

    it('decides between policies on Gateways of one name in two namespaces, which share one service network', async () => {
      h.cluster.apply(gateway('team', 'edge', 'amazon-vpc-lattice', [httpListener]));
      h.cluster.apply(iap('infra', 'first', toGateway, document(READER)));
      await converge(iapRef('infra', 'first'));
      h.cluster.apply(iap('team', 'second', toGateway, document(WRITER)));
      await h.driver.runUntilStable();

      expect(conditionsOf(h.cluster, iapRef('team', 'second'))).toEqual({ Accepted: 'False/Conflicted' });
      expect(condition(statusOf(h.cluster.get(iapRef('team', 'second'))).conditions, 'Accepted')?.message).toMatch(
        /^IAMAuthPolicy infra\/first already targets Gateway infra\/edge/,
      );
      expect((await authPolicy(networkArn)).policy).toBe(compact(document(READER)));
      expect((await h.admin.calls()).byOperation.PutAuthPolicy).toBe(1);
    });

    it('keeps a resource protected, with a policy answering for it, when Lattice refuses the winner’s document', async () => {
      const shop = await routeWithService('shop');
      // The older policy's document is broken at first: it competes with nobody, and the younger one applies.
      h.cluster.apply(iap('apps', 'older', toRoute('shop'), '{"Version": '));
      await h.driver.runUntilStable();
      h.cluster.apply(iap('apps', 'younger', toRoute('shop'), document(READER)));
      await converge(iapRef('apps', 'younger'));

      // Fixed, the older one wins the route, but Lattice refuses its document.
      await h.admin.addFault({ operation: 'PutAuthPolicy', error: 'ValidationException', times: 1000 });
      h.cluster.apply(iap('apps', 'older', toRoute('shop'), document(WRITER)));
      await h.driver.runUntil(() => conditionsOf(h.cluster, iapRef('apps', 'younger')).Accepted === 'False/Conflicted');
      await h.driver.runUntilStable();
      expect(conditionsOf(h.cluster, iapRef('apps', 'older'))).toEqual({ Accepted: 'False/Invalid' });
      expect(annotationsOf(iapRef('apps', 'older'))[IAM_RESOURCE_ID_ANNOTATION]).toBe(idOf(shop));
      expect(await latticeService(shop)).toMatchObject({ authType: 'AWS_IAM' });
      expect((await authPolicy(shop)).policy).toBe(compact(document(READER)));

      // The younger goes first: the older one answers for the service, which stays protected until it goes too.
      h.cluster.delete(iapRef('apps', 'younger'));
      await h.driver.runUntil(() => h.cluster.get(iapRef('apps', 'younger')) === undefined);
      expect(await latticeService(shop)).toMatchObject({ authType: 'AWS_IAM' });
      h.cluster.delete(iapRef('apps', 'older'));
      await h.driver.runUntil(() => h.cluster.get(iapRef('apps', 'older')) === undefined);
      expect(await latticeService(shop)).toMatchObject({ authType: 'NONE' });
      await expect(authPolicy(shop)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    });

    it('hands a route over on deletion only once the successor has taken it, never opening it', async () => {
      const shop = await routeWithService('shop');
      h.cluster.apply(iap('apps', 'first', toRoute('shop'), document(READER)));
      await converge(iapRef('apps', 'first'));
      h.cluster.apply(iap('apps', 'second', toRoute('shop'), document(WRITER)));
      await h.driver.runUntilStable();
      // The successor cannot write its document for a while: the deleted policy waits for it.
      await h.admin.addFault({ operation: 'PutAuthPolicy', error: 'ThrottlingException', times: 3 });
      await h.admin.resetCalls();
      h.cluster.delete(iapRef('apps', 'first'));
      await h.driver.runUntil(() => h.cluster.get(iapRef('apps', 'first')) === undefined);
      expect(annotationsOf(iapRef('apps', 'second'))[IAM_RESOURCE_ID_ANNOTATION]).toBe(idOf(shop));
      await converge(iapRef('apps', 'second'));
      expect((await authPolicy(shop)).policy).toBe(compact(document(WRITER)));
      expect((await h.admin.calls()).byOperation.UpdateService).toBeUndefined();
      expect((await h.admin.calls()).byOperation.DeleteAuthPolicy).toBeUndefined();
    });

    it('on deletion without a record (a lost answer), restores NONE only where exactly its document is', async () => {
      const shop = await routeWithService('shop');
      const cart = await routeWithService('cart');
      h.cluster.apply(iap('apps', 'shop-auth', toRoute('shop'), document(READER)));
      h.cluster.apply(iap('apps', 'cart-auth', toRoute('cart'), document(READER)));
      await converge(iapRef('apps', 'shop-auth'));
      await converge(iapRef('apps', 'cart-auth'));
      // Someone else wrote cart's document since.
      await h.lattice.send(new PutAuthPolicyCommand({ resourceIdentifier: cart, policy: compact(document(WRITER)) }));
      const recordKeys = [IAM_RESOURCE_ID_ANNOTATION, IAM_RESOURCE_TYPE_ANNOTATION, IAM_RESOURCE_NAME_ANNOTATION];
      loseRecord(iapRef('apps', 'shop-auth'), recordKeys);
      loseRecord(iapRef('apps', 'cart-auth'), recordKeys);
      h.cluster.delete(iapRef('apps', 'shop-auth'));
      h.cluster.delete(iapRef('apps', 'cart-auth'));
      await h.driver.runUntil(() => h.cluster.list(OURS, 'IAMAuthPolicy').length === 0);

      expect(await latticeService(shop)).toMatchObject({ authType: 'NONE' });
      await expect(authPolicy(shop)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      expect(await latticeService(cart)).toMatchObject({ authType: 'AWS_IAM' });
      expect((await authPolicy(cart)).policy).toBe(compact(document(WRITER)));
    });

    it('leaves a network tagged by another owner alone (Conflicted), and so does an AccessLogPolicy', async () => {
      const theirs = await h.lattice.send(new CreateServiceNetworkCommand({ name: 'theirs', tags: { [MANAGED_BY_KEY]: FOREIGN_OWNER } }));
      h.cluster.apply(gateway('infra', 'theirs', 'amazon-vpc-lattice', [httpListener]));
      const toTheirs = { group: GW, kind: 'Gateway', name: 'theirs' };
      h.cluster.apply(iap('infra', 'theirs-auth', toTheirs, document(READER)));
      h.cluster.apply(alp('infra', 'theirs-logs', toTheirs, BUCKET));
      await h.driver.runUntilStable();

      for (const ref of [iapRef('infra', 'theirs-auth'), alpRef('infra', 'theirs-logs')]) {
        expect(conditionsOf(h.cluster, ref)).toEqual({ Accepted: 'False/Conflicted' });
        expect(condition(statusOf(h.cluster.get(ref)).conditions, 'Accepted')?.message).toBe(
          `ServiceNetwork theirs is managed by ${FOREIGN_OWNER}: it is left alone`,
        );
      }
      h.cluster.delete(iapRef('infra', 'theirs-auth'));
      h.cluster.delete(alpRef('infra', 'theirs-logs'));
      await h.driver.runUntil(() => h.cluster.list(OURS, 'IAMAuthPolicy').length + h.cluster.list(OURS, 'AccessLogPolicy').length === 0);
      const calls = (await h.admin.calls()).byOperation;
      expect([calls.PutAuthPolicy, calls.UpdateServiceNetwork, calls.DeleteAuthPolicy, calls.CreateAccessLogSubscription]).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
      expect((await h.lattice.send(new GetServiceNetworkCommand({ serviceNetworkIdentifier: theirs.arn }))).authType).toBe('NONE');
      expect(await subscriptions(theirs.arn ?? '')).toEqual([]);
    });

    it('turns AWS errors a person must fix into Programmed=False/Invalid with the AWS message, keeping what is in place', async () => {
      const shop = await routeWithService('shop');
      h.cluster.apply(iap('apps', 'auth', toRoute('shop'), document(READER)));
      h.cluster.apply(alp('apps', 'logs', toRoute('shop'), BUCKET));
      await converge(iapRef('apps', 'auth'));
      await converge(alpRef('apps', 'logs'));
      const subscription = annotationsOf(alpRef('apps', 'logs'))[SUBSCRIPTION_ARN_ANNOTATION];

      await h.admin.addFault({ operation: 'GetAuthPolicy', error: 'AccessDeniedException', times: 1000 });
      await h.admin.addFault({ operation: 'GetAccessLogSubscription', error: 'AccessDeniedException', times: 1000 });
      h.cluster.apply(iap('apps', 'auth', toRoute('shop'), document(WRITER)));
      h.cluster.apply(alp('apps', 'logs', toRoute('shop'), `${BUCKET}-archive`));
      await h.driver.runUntil(
        () => programmedGeneration(iapRef('apps', 'auth')) === 2 && programmedGeneration(alpRef('apps', 'logs')) === 2,
      );
      for (const ref of [iapRef('apps', 'auth'), alpRef('apps', 'logs')]) {
        expect(conditionsOf(h.cluster, ref)).toEqual({ Accepted: 'True/Accepted', Programmed: 'False/Invalid' });
        expect(condition(statusOf(h.cluster.get(ref)).conditions, 'Programmed')?.message).toMatch(/^AccessDeniedException: /);
      }
      expect(annotationsOf(iapRef('apps', 'auth'))[IAM_RESOURCE_ID_ANNOTATION]).toBe(idOf(shop));
      expect(annotationsOf(alpRef('apps', 'logs'))[SUBSCRIPTION_ARN_ANNOTATION]).toBe(subscription);
      await h.admin.ok('DELETE', 'faults');
      expect((await authPolicy(shop)).policy).toBe(compact(document(READER)));
      expect((await subscriptions(shop)).map((s) => s.destinationArn)).toEqual([BUCKET]);
      await converge(iapRef('apps', 'auth'));
      await converge(alpRef('apps', 'logs'));
      expect((await authPolicy(shop)).policy).toBe(compact(document(WRITER)));
      expect((await subscriptions(shop)).map((s) => s.destinationArn)).toEqual([`${BUCKET}-archive`]);

      // A release refused the same way keeps the finalizer, and says why.
      await h.admin.addFault({ operation: 'DeleteAuthPolicy', error: 'AccessDeniedException', times: 1000 });
      h.cluster.delete(iapRef('apps', 'auth'));
      await h.driver.runUntil(() => conditionsOf(h.cluster, iapRef('apps', 'auth')).Programmed === 'False/Invalid');
      await h.admin.ok('DELETE', 'faults');
      await h.driver.runUntil(() => h.cluster.get(iapRef('apps', 'auth')) === undefined);
      expect(await latticeService(shop)).toMatchObject({ authType: 'NONE' });
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
      await h.driver.runUntil(
        () => condition(statusOf(h.cluster.get(alpRef('apps', 's3'))).conditions, 'Programmed')?.observedGeneration === 2,
      );
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
      expect(statusOf(h.cluster.get(alpRef('infra', 'network-logs'))).ancestors).toMatchObject([
        { ancestorRef: { kind: 'Gateway', namespace: 'infra', name: 'edge' } },
      ]);
      const missing = condition(statusOf(h.cluster.get(alpRef('infra', 'missing-bucket'))).conditions, 'Accepted');
      expect(missing).toMatchObject({ status: 'False', reason: 'Invalid' });
      expect(missing?.message).toMatch(/^ResourceNotFoundException: .*shop-access-logs/);
      expect(condition(statusOf(h.cluster.get(alpRef('infra', 'not-an-arn'))).conditions, 'Accepted')).toMatchObject({
        status: 'False',
        reason: 'Invalid',
      });

      await h.admin.ok('POST', 'destinations', { arns: [BUCKET] });
      await converge(alpRef('infra', 'missing-bucket'));
      expect((await subscriptions(networkArn)).map((s) => s.destinationArn).sort()).toEqual([BUCKET, LOG_GROUP].sort());
    });

    it('lets a policy of another namespace compete for a route only with a ReferenceGrant', async () => {
      const shop = await routeWithService('shop');
      h.cluster.apply(alp('ops', 'central', { ...toRoute('shop'), namespace: 'apps' }, BUCKET));
      await h.driver.runUntilStable();
      h.cluster.apply(alp('apps', 's3', toRoute('shop'), OTHER_BUCKET));
      await converge(alpRef('apps', 's3'));
      // The older policy may not refer to the route: it is Invalid and takes nothing from the rightful one.
      expect(condition(statusOf(h.cluster.get(alpRef('ops', 'central'))).conditions, 'Accepted')).toMatchObject({
        status: 'False',
        reason: 'Invalid',
        message: 'targetRef to HTTPRoute apps/shop in another namespace needs a ReferenceGrant in apps',
      });
      expect((await subscriptions(shop)).map((s) => s.destinationArn)).toEqual([OTHER_BUCKET]);

      // Granted, the older one wins the S3 slot.
      h.cluster.apply(grantRoutes('apps', 'ops', 'AccessLogPolicy'));
      await h.driver.runUntil(() => conditionsOf(h.cluster, alpRef('ops', 'central')).Programmed === 'True/Programmed');
      await h.driver.runUntilStable();
      expect(conditionsOf(h.cluster, alpRef('apps', 's3'))).toEqual({ Accepted: 'False/Conflicted' });
      const [only] = await subscriptions(shop);
      expect(only?.destinationArn).toBe(BUCKET);
      expect((await tagsOf(only?.arn ?? ''))[ACCESS_LOG_POLICY_TAG]).toBe('ops/central');
    });

    it('logs a TLSRoute’s service', async () => {
      h.cluster.apply(
        gateway('infra', 'edge', 'amazon-vpc-lattice', [
          httpListener,
          { name: 'tls', protocol: 'TLS', port: 443, tls: { mode: 'Passthrough' }, allowedRoutes: { namespaces: { from: 'All' } } },
        ]),
      );
      h.cluster.apply({
        apiVersion: `${GW}/v1`,
        kind: 'TLSRoute',
        metadata: { name: 'db', namespace: 'apps' },
        spec: {
          parentRefs: [{ name: 'edge', namespace: 'infra', sectionName: 'tls' }],
          hostnames: ['db.example.com'],
          rules: [{ backendRefs: [{ name: 'api', port: 80 }] }],
        },
      });
      const dbRef = { group: GW, kind: 'TLSRoute', namespace: 'apps', name: 'db' };
      await h.driver.runUntil(() => annotationsOf(dbRef)[SERVICE_ARN_ANNOTATION] !== undefined);
      const db = annotationsOf(dbRef)[SERVICE_ARN_ANNOTATION] ?? '';
      h.cluster.apply(alp('apps', 'db-logs', toRoute('db', 'TLSRoute'), LOG_GROUP));
      await converge(alpRef('apps', 'db-logs'));
      expect((await subscriptions(db)).map((s) => s.destinationArn)).toEqual([LOG_GROUP]);
    });

    it('moves its subscription when retargeted, and stops logging the old route while the new one has no service yet', async () => {
      const shop = await routeWithService('shop');
      const cart = await routeWithService('cart');
      h.cluster.apply(alp('apps', 'logs', toRoute('shop'), BUCKET));
      await converge(alpRef('apps', 'logs'));

      h.cluster.apply(alp('apps', 'logs', toRoute('cart'), BUCKET));
      await h.driver.runUntil(
        () =>
          programmedGeneration(alpRef('apps', 'logs')) === 2 &&
          conditionsOf(h.cluster, alpRef('apps', 'logs')).Programmed === 'True/Programmed',
      );
      await h.driver.runUntilStable();
      expect(await subscriptions(shop)).toEqual([]);
      expect((await subscriptions(cart)).map((s) => s.destinationArn)).toEqual([BUCKET]);
      expect(annotationsOf(alpRef('apps', 'logs'))[SUBSCRIPTION_RESOURCE_NAME_ANNOTATION]).toBe((await latticeService(cart)).name);

      await routeWithoutService('later');
      h.cluster.apply(alp('apps', 'logs', toRoute('later'), BUCKET));
      await h.driver.runUntil(() => annotationsOf(alpRef('apps', 'logs'))[SUBSCRIPTION_ARN_ANNOTATION] === undefined);
      await h.driver.runUntilStable();
      expect(conditionsOf(h.cluster, alpRef('apps', 'logs'))).toEqual({ Accepted: 'True/Accepted', Programmed: 'False/Pending' });
      expect(await subscriptions(cart)).toEqual([]);
    });

    it('keeps its subscription when Lattice refuses a change for a reason other than a missing destination', async () => {
      const shop = await routeWithService('shop');
      h.cluster.apply(alp('apps', 'logs', toRoute('shop'), BUCKET));
      await converge(alpRef('apps', 'logs'));
      const arn = annotationsOf(alpRef('apps', 'logs'))[SUBSCRIPTION_ARN_ANNOTATION];

      await h.admin.addFault({ operation: 'UpdateAccessLogSubscription', error: 'AccessDeniedException', times: 1000 });
      await h.admin.addFault({ operation: 'CreateAccessLogSubscription', error: 'ServiceQuotaExceededException', times: 1000 });
      h.cluster.apply(alp('apps', 'logs', toRoute('shop'), OTHER_BUCKET));
      await h.driver.runUntil(() => programmedGeneration(alpRef('apps', 'logs')) === 2);
      expect(condition(statusOf(h.cluster.get(alpRef('apps', 'logs'))).conditions, 'Programmed')).toMatchObject({
        status: 'False',
        reason: 'Invalid',
        message: expect.stringMatching(/^AccessDeniedException: /),
      });
      h.cluster.apply(alp('apps', 'logs', toRoute('shop'), STREAM));
      await h.driver.runUntil(() => programmedGeneration(alpRef('apps', 'logs')) === 3);
      expect(condition(statusOf(h.cluster.get(alpRef('apps', 'logs'))).conditions, 'Programmed')?.message).toMatch(
        /^ServiceQuotaExceededException: /,
      );
      expect(conditionsOf(h.cluster, alpRef('apps', 'logs')).Accepted).toBe('True/Accepted');
      expect(annotationsOf(alpRef('apps', 'logs'))[SUBSCRIPTION_ARN_ANNOTATION]).toBe(arn);
      expect((await subscriptions(shop)).map((s) => s.destinationArn)).toEqual([BUCKET]);

      await h.admin.ok('DELETE', 'faults');
      await converge(alpRef('apps', 'logs'));
      expect((await subscriptions(shop)).map((s) => s.destinationArn)).toEqual([STREAM]);
    });

    it('deletes its subscription on deletion even when the answer recording it was lost', async () => {
      const shop = await routeWithService('shop');
      const other = await h.lattice.send(
        new CreateAccessLogSubscriptionCommand({
          resourceIdentifier: shop,
          destinationArn: LOG_GROUP,
          tags: { [MANAGED_BY_KEY]: h.identity.managedBy, [ACCESS_LOG_POLICY_TAG]: 'apps/other' },
        }),
      );
      h.cluster.apply(alp('apps', 's3', toRoute('shop'), BUCKET));
      await converge(alpRef('apps', 's3'));
      loseRecord(alpRef('apps', 's3'), [SUBSCRIPTION_ARN_ANNOTATION, SUBSCRIPTION_RESOURCE_NAME_ANNOTATION]);
      h.cluster.delete(alpRef('apps', 's3'));
      await h.driver.runUntil(() => h.cluster.get(alpRef('apps', 's3')) === undefined);
      // Only the one tagged for this policy.
      expect((await subscriptions(shop)).map((s) => s.arn)).toEqual([other.arn]);
    });

    it('is steady: no AWS call while verified, one read for a full check (verify-now)', async () => {
      await routeWithService('shop');
      h.cluster.apply(alp('apps', 'logs', toRoute('shop'), BUCKET));
      await converge(alpRef('apps', 'logs'));
      await h.admin.resetCalls();
      const current = h.cluster.mustGet(alpRef('apps', 'logs'));
      h.cluster.apply({ ...current, metadata: { ...current.metadata, labels: { touched: 'yes' } } });
      await h.driver.runUntilStable();
      expect((await h.admin.calls()).byOperation).toEqual({});
      const touched = h.cluster.mustGet(alpRef('apps', 'logs'));
      h.cluster.apply({
        ...touched,
        metadata: { ...touched.metadata, annotations: { ...touched.metadata.annotations, [VERIFY_NOW_ANNOTATION]: 'yes' } },
      });
      await h.driver.runUntilStable();
      expect((await h.admin.calls()).byOperation).toEqual({ GetAccessLogSubscription: 1 });
      expect(h.cluster.mustGet(alpRef('apps', 'logs')).metadata.annotations?.[VERIFY_NOW_ANNOTATION]).toBeUndefined();
    });

    it('recognises its own subscription after a lost answer, and never takes over another owner’s', async () => {
      const shop = await routeWithService('shop');
      const mine = await h.lattice.send(
        new CreateAccessLogSubscriptionCommand({
          resourceIdentifier: shop,
          destinationArn: BUCKET,
          tags: { [MANAGED_BY_KEY]: h.identity.managedBy, [ACCESS_LOG_POLICY_TAG]: 'apps/s3' },
        }),
      );
      const theirs = await h.lattice.send(
        new CreateAccessLogSubscriptionCommand({
          resourceIdentifier: shop,
          destinationArn: LOG_GROUP,
          tags: { [MANAGED_BY_KEY]: '999999999999/other/vpc-0aaaaaaaaaaaaaaaa' },
        }),
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
