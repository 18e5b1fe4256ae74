import {
  IAM_RESOURCE_ID_ANNOTATION,
  IAM_RESOURCE_NAME_ANNOTATION,
  IAM_RESOURCE_TYPE_ANNOTATION,
  recordIsTargets,
  succession,
} from '../../../src/controllers/iamAuthPolicy';
import { SERVICE_ARN_ANNOTATION, SERVICE_NETWORK_ARN_ANNOTATION } from '../../../src/gatewayapi/ourKeys';
import type { PolicyObject } from '../../../src/gatewayapi/policy';
import type { KubeObject } from '../../../src/metacontroller/types';

const SHOP = 'arn:aws:vpc-lattice:us-west-2:123456789012:service/svc-0123456789abcdef0';
const CART = 'arn:aws:vpc-lattice:us-west-2:123456789012:service/svc-0fedcba9876543210';

function route(name: string, serviceArn: string): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace: 'apps', annotations: { [SERVICE_ARN_ANNOTATION]: serviceArn } },
  };
}

function iamPolicy(name: string, recorded?: string): PolicyObject {
  return {
    apiVersion: 'application-networking.k8s.aws/v1alpha1',
    kind: 'IAMAuthPolicy',
    metadata: { name, namespace: 'apps', ...(recorded ? { annotations: { [IAM_RESOURCE_ID_ANNOTATION]: recorded } } : {}) },
    spec: { targetRef: { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'shop' } },
  };
}

describe('IAMAuthPolicy succession (a policy leaving the resource it recorded)', () => {
  const leaving = iamPolicy('leaving', 'svc-0123456789abcdef0');

  it('releases without a successor, or when the successor acts on another resource', () => {
    expect(succession(leaving, {})).toBe('release');
    expect(succession(leaving, { successor: { policy: iamPolicy('next'), target: route('cart', CART) } })).toBe('release');
  });

  it('waits for a successor on the same resource until its record names it, then hands over', () => {
    expect(succession(leaving, { successor: { policy: iamPolicy('next'), target: route('shop', SHOP) } })).toBe('wait');
    expect(succession(leaving, { successor: { policy: iamPolicy('next', 'svc-0fedcba9876543210'), target: route('shop', SHOP) } })).toBe(
      'wait',
    );
    expect(succession(leaving, { successor: { policy: iamPolicy('next', 'svc-0123456789abcdef0'), target: route('shop', SHOP) } })).toBe(
      'handOver',
    );
  });

  it('has nothing to hand over without a record', () => {
    expect(
      succession(iamPolicy('unrecorded'), {
        successor: { policy: iamPolicy('next', 'svc-0123456789abcdef0'), target: route('shop', SHOP) },
      }),
    ).toBe('release');
  });
});

describe('IAMAuthPolicy retarget (the recorded resource is not the target’s)', () => {
  const NETWORK = 'arn:aws:vpc-lattice:us-west-2:123456789012:servicenetwork/sn-0123456789abcdef0';
  const onNetwork = (annotations: Record<string, string>): PolicyObject => ({
    ...iamPolicy('p'),
    metadata: { name: 'p', namespace: 'infra', annotations },
  });
  const edge = (annotations: Record<string, string> = {}): KubeObject => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'edge', namespace: 'infra', annotations },
  });
  const recorded = onNetwork({
    [IAM_RESOURCE_ID_ANNOTATION]: 'sn-0123456789abcdef0',
    [IAM_RESOURCE_TYPE_ANNOTATION]: 'ServiceNetwork',
    [IAM_RESOURCE_NAME_ANNOTATION]: 'edge',
  });

  it('compares the recorded resource with the target’s', () => {
    expect(recordIsTargets(recorded, edge({ [SERVICE_NETWORK_ARN_ANNOTATION]: NETWORK }))).toBe(true);
    expect(recordIsTargets(recorded, edge({ [SERVICE_NETWORK_ARN_ANNOTATION]: NETWORK.replace('0123', '9999') }))).toBe(false);
    expect(recordIsTargets(iamPolicy('p', 'svc-0123456789abcdef0'), route('shop', CART))).toBe(false);
    // A route without a service yet is another target: the old resource is released.
    expect(
      recordIsTargets(iamPolicy('p', 'svc-0123456789abcdef0'), { ...route('later', SHOP), metadata: { name: 'later', namespace: 'apps' } }),
    ).toBe(false);
  });

  it('keeps a Gateway’s network while the Gateway does not know it (e.g. two networks of its name)', () => {
    expect(recordIsTargets(recorded, edge())).toBe(true);
    expect(recordIsTargets(recorded, { ...edge(), metadata: { name: 'other', namespace: 'infra' } })).toBe(false);
  });
});
