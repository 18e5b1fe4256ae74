import {
  CreateServiceCommand,
  CreateServiceNetworkCommand,
  CreateServiceNetworkServiceAssociationCommand,
  GetListenerCommand,
  GetServiceCommand,
  ListListenersCommand,
  ListServiceNetworksCommand,
  UpdateListenerCommand,
} from '@aws-sdk/client-vpc-lattice';
import { PROGRAMMED_CONDITION } from '../../src/gatewayapi/ourKeys';
import { SERVICE_ARN_ANNOTATION } from '../../src/gatewayapi/ourKeys';
import { GW, statusOf, summary, writeCalls } from '../support/assertions';
import { type Harness, type HarnessOptions, installGatewayApi, startHarness } from '../support/harness';
import { gateway } from '../support/objects';
import { counts, endpointSlice, latticeView, service } from '../support/routeFixtures';
import { waitFor } from '../support/routeWorld';

const CERT_OPTION = 'application-networking.k8s.aws/certificate-arn';
const LISTENER_CERT = 'arn:aws:acm:us-west-2:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';

function routeObject(kind: 'GRPCRoute' | 'TLSRoute' | 'HTTPRoute', name: string, spec: Record<string, unknown>) {
  return {
    apiVersion: `${GW}/v1`,
    kind,
    metadata: { name, namespace: 'apps' },
    spec: { parentRefs: [{ name: 'edge', namespace: 'infra' }], ...spec },
  };
}

function parent(h: Harness, kind: string, name: string): Record<string, string> {
  const parents =
    (statusOf(h.cluster.get({ group: GW, kind, namespace: 'apps', name })).parents as { conditions: unknown }[] | undefined) ?? [];
  return summary(parents[0]?.conditions);
}

function serviceArnOf(h: Harness, kind: string, name: string): string {
  return h.cluster.mustGet({ group: GW, kind, namespace: 'apps', name }).metadata.annotations?.[SERVICE_ARN_ANNOTATION] ?? '';
}

async function setUp(options: HarnessOptions = {}): Promise<Harness> {
  const h = await startHarness(options);
  installGatewayApi(h.cluster);
  await h.lattice.send(new CreateServiceNetworkCommand({ name: 'edge' }));
  h.cluster.apply(
    gateway('infra', 'edge', 'amazon-vpc-lattice', [
      { name: 'https', protocol: 'HTTPS', port: 443, tls: { mode: 'Terminate' }, allowedRoutes: { namespaces: { from: 'All' } } },
      {
        name: 'https-cert',
        protocol: 'HTTPS',
        port: 8443,
        tls: { mode: 'Terminate', options: { [CERT_OPTION]: LISTENER_CERT } },
        allowedRoutes: { namespaces: { from: 'All' } },
      },
      { name: 'tls', protocol: 'TLS', port: 9443, tls: { mode: 'Passthrough' }, allowedRoutes: { namespaces: { from: 'All' } } },
    ]),
  );
  for (const name of ['grpc-a', 'db-primary', 'db-replica', 'web']) {
    h.cluster.apply(service('apps', name, [{ port: 80, name: 'http' }]));
    h.cluster.apply(endpointSlice('apps', name, [`10.0.${name.length}.1`]));
  }
  return h;
}

describe('GRPCRoute, TLSRoute, custom domains and DNS, end to end', () => {
  let h: Harness;
  afterEach(async () => h.close());

  it('programs a GRPCRoute with service/method matches on an HTTPS listener into POST rules and GRPC target groups', async () => {
    h = await setUp();
    h.cluster.apply(
      routeObject('GRPCRoute', 'echo', {
        parentRefs: [{ name: 'edge', namespace: 'infra', sectionName: 'https-cert' }],
        rules: [
          { matches: [{ method: { service: 'echo.v1.Echo', method: 'Say' } }], backendRefs: [{ name: 'grpc-a', port: 80 }] },
          {
            matches: [{ method: { service: 'echo.v1.Echo' }, headers: [{ name: 'x-tenant', value: 'a' }] }],
            backendRefs: [{ name: 'grpc-a', port: 80 }],
          },
        ],
      }),
    );
    await h.driver.runUntil(() => parent(h, 'GRPCRoute', 'echo')[PROGRAMMED_CONDITION] === 'True/Programmed');
    await h.driver.runUntilStable();
    const view = await latticeView(h.lattice, serviceArnOf(h, 'GRPCRoute', 'echo'));
    expect(view.listeners.map((l) => [l.port, l.protocol])).toEqual([[8443, 'HTTPS']]);
    expect(view.listeners[0]?.rules.map((r) => r.match)).toEqual([
      { method: 'POST', pathMatch: { match: { exact: '/echo.v1.Echo/Say' }, caseSensitive: true } },
      {
        method: 'POST',
        pathMatch: { match: { prefix: '/echo.v1.Echo/' }, caseSensitive: true },
        headerMatches: [{ name: 'x-tenant', match: { exact: 'a' }, caseSensitive: true }],
      },
    ]);
    const tg = (await h.admin.state()).targetGroups[0];
    expect(tg?.config).toMatchObject({ protocol: 'HTTP', protocolVersion: 'GRPC' });
  });

  it('programs a TLSRoute as a passthrough listener forwarding to two weighted TCP target groups, and updates the weights in place', async () => {
    h = await setUp();
    const spec = (primary: number, replica: number) => ({
      parentRefs: [{ name: 'edge', namespace: 'infra', sectionName: 'tls' }],
      hostnames: ['db.example.com'],
      rules: [
        {
          backendRefs: [
            { name: 'db-primary', port: 80, weight: primary },
            { name: 'db-replica', port: 80, weight: replica },
          ],
        },
      ],
    });
    h.cluster.apply(routeObject('TLSRoute', 'db', spec(90, 10)));
    await h.driver.runUntil(() => parent(h, 'TLSRoute', 'db')[PROGRAMMED_CONDITION] === 'True/Programmed');
    await h.driver.runUntilStable();
    const serviceArn = serviceArnOf(h, 'TLSRoute', 'db');
    expect((await h.lattice.send(new GetServiceCommand({ serviceIdentifier: serviceArn }))).customDomainName).toBe('db.example.com');
    const [listener] = (await h.lattice.send(new ListListenersCommand({ serviceIdentifier: serviceArn }))).items ?? [];
    expect(listener).toMatchObject({ protocol: 'TLS_PASSTHROUGH', port: 9443 });
    const weights = async () =>
      (
        (await h.lattice.send(new GetListenerCommand({ serviceIdentifier: serviceArn, listenerIdentifier: listener?.id }))).defaultAction
          ?.forward?.targetGroups ?? []
      )
        .map((t) => t.weight)
        .sort();
    expect(await weights()).toEqual([10, 90]);
    const tgs = (await h.admin.state()).targetGroups;
    expect(tgs.map((t) => (t.config as { protocol: string }).protocol)).toEqual(['TCP', 'TCP']);

    await h.admin.resetCalls();
    h.cluster.apply(routeObject('TLSRoute', 'db', spec(50, 50)));
    await h.driver.runUntilStable();
    expect(await weights()).toEqual([50, 50]);
    expect(writeCalls((await h.admin.calls()).byOperation)).toEqual({ UpdateListener: 1 });
  });

  it("restores a passthrough listener's default action edited out of band at the next verification", async () => {
    // A 2 s drift window: the route verifies again every 1–2 s.
    h = await setUp({ env: { DRIFT_CHECK_SECONDS: '2' } });
    h.cluster.apply(
      routeObject('TLSRoute', 'db', {
        parentRefs: [{ name: 'edge', namespace: 'infra', sectionName: 'tls' }],
        hostnames: ['db.example.com'],
        rules: [
          {
            backendRefs: [
              { name: 'db-primary', port: 80, weight: 90 },
              { name: 'db-replica', port: 80, weight: 10 },
            ],
          },
        ],
      }),
    );
    await h.driver.runUntil(() => parent(h, 'TLSRoute', 'db')[PROGRAMMED_CONDITION] === 'True/Programmed');
    await h.driver.runUntilStable();
    const serviceArn = serviceArnOf(h, 'TLSRoute', 'db');
    const [summary] = (await h.lattice.send(new ListListenersCommand({ serviceIdentifier: serviceArn }))).items ?? [];
    const scope = { serviceIdentifier: serviceArn, listenerIdentifier: summary?.id };
    const forward = async () => (await h.lattice.send(new GetListenerCommand(scope))).defaultAction?.forward?.targetGroups ?? [];
    const groups = await forward();
    await h.lattice.send(
      new UpdateListenerCommand({ ...scope, defaultAction: { forward: { targetGroups: groups.map((g) => ({ ...g, weight: 50 })) } } }),
    );
    await waitFor(
      h,
      async () =>
        (await forward())
          .map((g) => g.weight)
          .sort()
          .join() === '10,90',
    );
    expect((await h.admin.calls()).byOperation.GetListener).toBeGreaterThanOrEqual(1);
  });

  it('refuses a TLSRoute without hostname and one with two rules, with clear conditions', async () => {
    h = await setUp();
    h.cluster.apply(
      routeObject('TLSRoute', 'nohost', {
        parentRefs: [{ name: 'edge', namespace: 'infra', sectionName: 'tls' }],
        rules: [{ backendRefs: [{ name: 'web', port: 80 }] }],
      }),
    );
    h.cluster.apply(
      routeObject('TLSRoute', 'tworules', {
        parentRefs: [{ name: 'edge', namespace: 'infra', sectionName: 'tls' }],
        hostnames: ['x.example.com'],
        rules: [{ backendRefs: [{ name: 'web', port: 80 }] }, { backendRefs: [{ name: 'web', port: 80 }] }],
      }),
    );
    await h.driver.runUntilStable();
    expect(parent(h, 'TLSRoute', 'nohost').Accepted).toBe('False/UnsupportedValue');
    expect(parent(h, 'TLSRoute', 'tworules').Accepted).toBe('False/UnsupportedValue');
    expect(counts(await h.admin.state()).services).toBe(0);
  });

  it('uses the first of two hostnames as custom domain with a discovered ACM certificate, and says so', async () => {
    h = await setUp();
    const wildcard = (await h.admin.ok('POST', 'acm/certificates', { domainName: '*.example.com', issuedAt: '2026-01-01T00:00:00Z' })) as {
      certificateArn: string;
    };
    const exact = (await h.admin.ok('POST', 'acm/certificates', {
      domainName: 'other.example.org',
      subjectAlternativeNames: ['shop.example.com'],
      issuedAt: '2025-01-01T00:00:00Z',
    })) as { certificateArn: string };
    h.cluster.apply(
      routeObject('HTTPRoute', 'shop', {
        parentRefs: [{ name: 'edge', namespace: 'infra', sectionName: 'https' }],
        hostnames: ['shop.example.com', 'store.example.com'],
        rules: [{ backendRefs: [{ name: 'web', port: 80 }] }],
      }),
    );
    await h.driver.runUntil(() => parent(h, 'HTTPRoute', 'shop')[PROGRAMMED_CONDITION] === 'True/Programmed');
    await h.driver.runUntilStable();
    const svc = await h.lattice.send(new GetServiceCommand({ serviceIdentifier: serviceArnOf(h, 'HTTPRoute', 'shop') }));
    expect(svc).toMatchObject({ customDomainName: 'shop.example.com', certificateArn: exact.certificateArn });
    expect(svc.certificateArn).not.toBe(wildcard.certificateArn);
    const accepted = (
      (
        statusOf(h.cluster.get({ group: GW, kind: 'HTTPRoute', namespace: 'apps', name: 'shop' })).parents as {
          conditions: { type: string; message: string }[];
        }[]
      )[0]?.conditions ?? []
    ).find((c) => c.type === 'Accepted');
    expect(accepted?.message).toContain('store.example.com is not');
    // Discovery ran once; later syncs reuse what the route remembers.
    await h.admin.resetCalls();
    const route = h.cluster.mustGet({ group: GW, kind: 'HTTPRoute', namespace: 'apps', name: 'shop' });
    h.cluster.apply({ ...route, metadata: { ...route.metadata, labels: { touched: 'yes' } } });
    await h.driver.runUntilStable();
    expect((await h.admin.calls()).byOperation.ListCertificates).toBeUndefined();
  });

  it('reports CertificateNotFound when no certificate matches, and recovers when one is issued', async () => {
    h = await setUp();
    h.cluster.apply(
      routeObject('HTTPRoute', 'secure', {
        parentRefs: [{ name: 'edge', namespace: 'infra', sectionName: 'https' }],
        hostnames: ['secure.example.net'],
        rules: [{ backendRefs: [{ name: 'web', port: 80 }] }],
      }),
    );
    await h.driver.runUntil(() => parent(h, 'HTTPRoute', 'secure').Accepted === 'False/CertificateNotFound');
    expect(counts(await h.admin.state()).services).toBe(0);
    await h.admin.ok('POST', 'acm/certificates', { domainName: 'secure.example.net' });
    await h.driver.runUntil(() => parent(h, 'HTTPRoute', 'secure')[PROGRAMMED_CONDITION] === 'True/Programmed');
  });

  it('keeps the DNSEndpoint while the service exists, also through syncs that AWS refuses', async () => {
    h = await setUp({ env: { EXTERNAL_DNS_ENDPOINTS: 'true' }, components: ['components/external-dns'] });
    const endpointRef = { group: 'externaldns.k8s.io', kind: 'DNSEndpoint', namespace: 'apps', name: 'shop-dns' };
    const spec = (backends: string[]) => ({
      parentRefs: [{ name: 'edge', namespace: 'infra', sectionName: 'https-cert' }],
      hostnames: ['shop.example.com'],
      rules: [{ backendRefs: backends.map((name) => ({ name, port: 80 })) }],
    });
    h.cluster.apply(routeObject('HTTPRoute', 'shop', spec(['web'])));
    await h.driver.runUntil(
      () => parent(h, 'HTTPRoute', 'shop')[PROGRAMMED_CONDITION] === 'True/Programmed' && h.cluster.get(endpointRef) !== undefined,
    );
    await h.driver.runUntilStable();
    const before = h.cluster.mustGet(endpointRef).spec;

    // Reading the service is refused (an IAM policy change): the route says so, its record stays.
    await h.admin.addFault({ operation: 'GetService', error: 'AccessDeniedException', times: 1_000_000 });
    h.cluster.apply(routeObject('HTTPRoute', 'shop', spec(['web', 'db-primary'])));
    await h.driver.runUntil(() => parent(h, 'HTTPRoute', 'shop')[PROGRAMMED_CONDITION] === 'False/Error');
    await h.driver.runUntilStable();
    expect(h.cluster.get(endpointRef)?.spec).toEqual(before);
    expect(serviceArnOf(h, 'HTTPRoute', 'shop')).not.toBe('');

    await h.admin.ok('DELETE', 'faults');
    await h.driver.runUntil(() => parent(h, 'HTTPRoute', 'shop')[PROGRAMMED_CONDITION] === 'True/Programmed');
    expect(h.cluster.get(endpointRef)?.spec).toEqual(before);
  });

  it('publishes no DNSEndpoint while another service holds the hostname, also through the syncs answered from that pass', async () => {
    // Delays at half speed: a sync within 2.5 s of the refused pass is answered from it.
    h = await setUp({ env: { EXTERNAL_DNS_ENDPOINTS: 'true' }, components: ['components/external-dns'], timeScale: 0.5 });
    const endpointRef = { group: 'externaldns.k8s.io', kind: 'DNSEndpoint', namespace: 'apps', name: 'taken-dns' };
    const foreign = await h.lattice.send(new CreateServiceCommand({ name: 'someone-else', customDomainName: 'taken.example.com' }));
    const network = (await h.lattice.send(new ListServiceNetworksCommand({}))).items?.find((n) => n.name === 'edge');
    await new Promise((resolve) => setTimeout(resolve, 100)); // the emulator's 20 ms CREATE_IN_PROGRESS
    await h.lattice.send(
      new CreateServiceNetworkServiceAssociationCommand({ serviceIdentifier: foreign.id, serviceNetworkIdentifier: network?.id }),
    );
    h.cluster.apply(
      routeObject('HTTPRoute', 'taken', {
        parentRefs: [{ name: 'edge', namespace: 'infra', sectionName: 'https-cert' }],
        hostnames: ['taken.example.com'],
        rules: [{ backendRefs: [{ name: 'web', port: 80 }] }],
      }),
    );
    await h.driver.runUntil(() => parent(h, 'HTTPRoute', 'taken')[PROGRAMMED_CONDITION] === 'False/HostnameConflict', {
      timeoutMs: 60_000,
    });
    expect(h.cluster.get(endpointRef)).toBeUndefined();

    // Every route of the Gateway is synced again (a label on it); the route answers from its refused pass.
    const before = h.driver.calls.length;
    const edge = h.cluster.mustGet({ group: GW, kind: 'Gateway', namespace: 'infra', name: 'edge' });
    h.cluster.apply({ ...edge, metadata: { ...edge.metadata, labels: { ...edge.metadata.labels, team: 'edge' } } });
    const routeSyncs = () => h.driver.calls.slice(before).filter((c) => c.controller === 'lattice-httproute' && c.hook === 'sync');
    await h.driver.runUntil(() => routeSyncs().length > 0, { timeoutMs: 30_000 });
    expect(h.cluster.get(endpointRef)).toBeUndefined();
    expect(parent(h, 'HTTPRoute', 'taken')[PROGRAMMED_CONDITION]).toBe('False/HostnameConflict');
  });

  it('keeps a DNSEndpoint for the hostname, removes it with the hostname, and leaves nothing behind on delete', async () => {
    h = await setUp({ env: { EXTERNAL_DNS_ENDPOINTS: 'true' }, components: ['components/external-dns'] });
    const spec = (hostnames: string[]) => ({
      parentRefs: [{ name: 'edge', namespace: 'infra', sectionName: 'https-cert' }],
      hostnames,
      rules: [{ backendRefs: [{ name: 'web', port: 80 }] }],
    });
    h.cluster.apply(routeObject('HTTPRoute', 'blog', spec(['blog.example.com'])));
    await h.driver.runUntil(
      () => h.cluster.get({ group: 'externaldns.k8s.io', kind: 'DNSEndpoint', namespace: 'apps', name: 'blog-dns' }) !== undefined,
    );
    await h.driver.runUntilStable();
    const dnsName = h.cluster.mustGet({ group: GW, kind: 'HTTPRoute', namespace: 'apps', name: 'blog' }).metadata.annotations?.[
      'application-networking.k8s.aws/lattice-assigned-domain-name'
    ];
    const endpoint = h.cluster.mustGet({ group: 'externaldns.k8s.io', kind: 'DNSEndpoint', namespace: 'apps', name: 'blog-dns' });
    expect(endpoint.spec).toEqual({
      endpoints: [{ dnsName: 'blog.example.com', recordType: 'CNAME', recordTTL: 300, targets: [dnsName] }],
    });
    expect(endpoint.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'HTTPRoute', name: 'blog', controller: true });

    // Without a hostname the record goes; the service keeps its custom domain (Lattice cannot drop it) and says so.
    h.cluster.apply(routeObject('HTTPRoute', 'blog', spec([])));
    await h.driver.runUntil(
      () => h.cluster.get({ group: 'externaldns.k8s.io', kind: 'DNSEndpoint', namespace: 'apps', name: 'blog-dns' }) === undefined,
    );
    await h.driver.runUntilStable();
    expect(parent(h, 'HTTPRoute', 'blog')[PROGRAMMED_CONDITION]).toBe('False/ImmutableField');

    h.cluster.delete({ group: GW, kind: 'HTTPRoute', namespace: 'apps', name: 'blog' });
    await h.driver.runUntil(() => h.cluster.get({ group: GW, kind: 'HTTPRoute', namespace: 'apps', name: 'blog' }) === undefined);
    expect(counts(await h.admin.state())).toMatchObject({
      services: 0,
      listeners: 0,
      rules: 0,
      targetGroups: 0,
      serviceNetworkServiceAssociations: 0,
    });
  });
});
