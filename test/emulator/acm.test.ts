import {
  AccessDeniedException,
  ACMClient,
  ACMServiceException,
  DescribeCertificateCommand,
  InvalidArgsException,
  InvalidArnException,
  ListCertificatesCommand,
  paginateListCertificates,
  ResourceNotFoundException,
  ThrottlingException,
  ValidationException,
  type CertificateSummary,
} from '@aws-sdk/client-acm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateServiceCommand, ListServicesCommand, VPCLatticeClient } from '@aws-sdk/client-vpc-lattice';
import { acmClient, ACCOUNT, CREDENTIALS, REGION, rejection, startHarness, type Harness, type StateEntry } from './support';

/** The harness clock's start: every certificate seeded without `issuedAt` is issued then. */
const NOW = new Date('2026-01-01T00:00:00.000Z');
const VALIDITY_MS = 395 * 24 * 60 * 60 * 1000;
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const SIGNED = 'AWS4-HMAC-SHA256 Credential=test/20260101/us-west-2/acm/aws4_request, SignedHeaders=host, Signature=00';
const UNKNOWN_ARN = `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/00000000-0000-0000-0000-000000000000`;

describe('ACM (awsJson1_1)', () => {
  let h: Harness;
  let acm: ACMClient;
  beforeEach(async () => {
    h = await startHarness();
    acm = acmClient(h.emulator.endpoint);
  });
  afterEach(async () => {
    acm.destroy();
    await h.close();
  });

  async function seed(body: Record<string, unknown>): Promise<string> {
    return ((await h.admin.ok('POST', 'acm/certificates', body)) as { certificateArn: string }).certificateArn;
  }

  const domains = (summaries: CertificateSummary[] | undefined) => (summaries ?? []).map((summary) => summary.DomainName);

  /** A raw awsJson1_1 call, to look at the wire itself. */
  const rpc = (target: string, body: string, headers: Record<string, string> = { authorization: SIGNED }) =>
    fetch(`${h.emulator.endpoint}/`, {
      method: 'POST',
      headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1', ...headers },
      body,
    });

  it('seeds certificates through the admin API and shows them in /_emulator/state', async () => {
    const arn = await seed({ domainName: 'shop.example.com', subjectAlternativeNames: ['*.example.com'] });
    expect(arn).toMatch(new RegExp(`^arn:aws:acm:us-west-2:${ACCOUNT}:certificate/${UUID}$`));
    const dublin = await seed({ domainName: 'eu.example.com', region: 'eu-west-1', type: 'IMPORTED' });
    expect(dublin).toMatch(/^arn:aws:acm:eu-west-1:/);

    const listed = (await h.admin.ok('GET', 'acm/certificates')) as { certificates: StateEntry[] };
    expect(listed.certificates).toEqual([
      expect.objectContaining({
        CertificateArn: arn,
        region: 'us-west-2',
        DomainName: 'shop.example.com',
        SubjectAlternativeNames: ['shop.example.com', '*.example.com'],
        Status: 'ISSUED',
        Type: 'AMAZON_ISSUED',
        KeyAlgorithm: 'RSA_2048',
        IssuedAt: NOW.toISOString(),
        NotAfter: new Date(NOW.getTime() + VALIDITY_MS).toISOString(),
        InUseBy: [],
      }),
      expect.objectContaining({ CertificateArn: dublin, region: 'eu-west-1', Type: 'IMPORTED', ImportedAt: NOW.toISOString() }),
    ]);
    const state = (await h.admin.ok('GET', 'state')) as { certificates: StateEntry[] };
    expect(state.certificates).toEqual(listed.certificates);
  });

  it('lists the caller region certificates by status, page by page', async () => {
    for (const domainName of ['a.example.com', 'b.example.com', 'c.example.com']) await seed({ domainName });
    await seed({ domainName: 'pending.example.com', status: 'PENDING_VALIDATION' });
    await seed({ domainName: 'elsewhere.example.com', region: 'eu-west-1' });
    await seed({ domainName: 'ec.example.com', keyAlgorithm: 'EC_prime256v1' });

    const first = await acm.send(new ListCertificatesCommand({ CertificateStatuses: ['ISSUED'], MaxItems: 2 }));
    expect(domains(first.CertificateSummaryList)).toEqual(['a.example.com', 'b.example.com']);
    expect(first.NextToken).toEqual(expect.any(String));
    const second = await acm.send(
      new ListCertificatesCommand({ CertificateStatuses: ['ISSUED'], MaxItems: 2, NextToken: first.NextToken }),
    );
    expect(domains(second.CertificateSummaryList)).toEqual(['c.example.com']);
    expect(second.NextToken).toBeUndefined();

    const paged: string[] = [];
    for await (const page of paginateListCertificates({ client: acm, pageSize: 1 }, { CertificateStatuses: ['ISSUED'] })) {
      expect(page.CertificateSummaryList).toHaveLength(1);
      paged.push(...domains(page.CertificateSummaryList).map(String));
    }
    expect(paged).toEqual(['a.example.com', 'b.example.com', 'c.example.com']);

    // Without filters: every status, but only the RSA_1024/RSA_2048 key types ListCertificates returns by default.
    const all = await acm.send(new ListCertificatesCommand({}));
    expect(domains(all.CertificateSummaryList)).toEqual(['a.example.com', 'b.example.com', 'c.example.com', 'pending.example.com']);
    const ec = await acm.send(new ListCertificatesCommand({ Includes: { keyTypes: ['EC_prime256v1'] } }));
    expect(domains(ec.CertificateSummaryList)).toEqual(['ec.example.com']);
    const newestFirst = await acm.send(
      new ListCertificatesCommand({ CertificateStatuses: ['ISSUED'], SortBy: 'CREATED_AT', SortOrder: 'DESCENDING', MaxItems: 2 }),
    );
    expect(domains(newestFirst.CertificateSummaryList)).toEqual(['c.example.com', 'b.example.com']);
  });

  it('returns summaries whose timestamps the SDK decodes as Dates from epoch seconds', async () => {
    const issuedAt = '2025-06-01T12:00:00.250Z';
    await seed({ domainName: 'shop.example.com', subjectAlternativeNames: ['*.example.com', 'shop.example.com'], issuedAt });
    await seed({ domainName: 'imported.example.com', type: 'IMPORTED' });

    const [issued, imported] = (await acm.send(new ListCertificatesCommand({}))).CertificateSummaryList ?? [];
    expect(issued).toMatchObject({
      DomainName: 'shop.example.com',
      SubjectAlternativeNameSummaries: ['shop.example.com', '*.example.com'],
      HasAdditionalSubjectAlternativeNames: false,
      Status: 'ISSUED',
      Type: 'AMAZON_ISSUED',
      KeyAlgorithm: 'RSA_2048',
      InUse: false,
      RenewalEligibility: 'INELIGIBLE',
      CreatedAt: new Date(issuedAt),
      IssuedAt: new Date(issuedAt),
      NotAfter: new Date(Date.parse(issuedAt) + VALIDITY_MS),
    });
    expect(issued?.IssuedAt).toBeInstanceOf(Date);
    expect(issued?.ImportedAt).toBeUndefined();
    expect(imported).toMatchObject({ Type: 'IMPORTED', ImportedAt: NOW, CreatedAt: NOW, CertificateKeyPairOrigin: 'CUSTOMER_PROVIDED' });
    expect(imported?.IssuedAt).toBeUndefined();
    const byOrigin = await acm.send(new ListCertificatesCommand({ CertificateKeyPairOrigins: ['CUSTOMER_PROVIDED'] }));
    expect(domains(byOrigin.CertificateSummaryList)).toEqual(['imported.example.com']);

    // An EXPIRED certificate seeded without issuedAt was issued one validity period ago.
    await seed({ domainName: 'gone.example.com', status: 'EXPIRED' });
    const [expired] = (await acm.send(new ListCertificatesCommand({ CertificateStatuses: ['EXPIRED'] }))).CertificateSummaryList ?? [];
    expect(expired).toMatchObject({ IssuedAt: new Date(NOW.getTime() - VALIDITY_MS), NotAfter: NOW });

    const response = await rpc('CertificateManager.ListCertificates', '{}');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(response.headers.get('x-amzn-requestid')).toMatch(new RegExp(`^${UUID}$`));
    const body = (await response.json()) as { CertificateSummaryList: Record<string, unknown>[] };
    expect(body.CertificateSummaryList[0]).toMatchObject({ CreatedAt: Date.parse(issuedAt) / 1000 });
  });

  it('summarises the first 100 subject alternative names and describes all of them', async () => {
    const extra = Array.from({ length: 150 }, (_, i) => `host-${i}.example.com`);
    const arn = await seed({ domainName: 'many.example.com', subjectAlternativeNames: extra });
    const [summary] = (await acm.send(new ListCertificatesCommand({}))).CertificateSummaryList ?? [];
    expect(summary?.SubjectAlternativeNameSummaries).toEqual(['many.example.com', ...extra.slice(0, 99)]);
    expect(summary?.HasAdditionalSubjectAlternativeNames).toBe(true);
    const { Certificate } = await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }));
    expect(Certificate?.SubjectAlternativeNames).toEqual(['many.example.com', ...extra]);
  });

  it('describes a certificate with the Lattice services that use it', async () => {
    const arn = await seed({ domainName: 'shop.example.com', subjectAlternativeNames: ['www.example.com'] });
    const service = await h.lattice.send(
      new CreateServiceCommand({ name: 'shop', customDomainName: 'shop.example.com', certificateArn: arn }),
    );

    const { Certificate } = await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }));
    expect(Certificate).toMatchObject({
      CertificateArn: arn,
      DomainName: 'shop.example.com',
      SubjectAlternativeNames: ['shop.example.com', 'www.example.com'],
      Status: 'ISSUED',
      Type: 'AMAZON_ISSUED',
      KeyAlgorithm: 'RSA_2048',
      CreatedAt: NOW,
      IssuedAt: NOW,
      NotBefore: NOW,
      NotAfter: new Date(NOW.getTime() + VALIDITY_MS),
      InUseBy: [service.arn],
      RenewalEligibility: 'ELIGIBLE',
      Subject: 'CN=shop.example.com',
      Issuer: 'Amazon',
    });
    const [summary] = (await acm.send(new ListCertificatesCommand({}))).CertificateSummaryList ?? [];
    expect(summary?.InUse).toBe(true);

    const pending = await seed({ domainName: 'later.example.com', status: 'PENDING_VALIDATION' });
    const described = (await acm.send(new DescribeCertificateCommand({ CertificateArn: pending }))).Certificate;
    expect(described).toMatchObject({ Status: 'PENDING_VALIDATION', CreatedAt: NOW, InUseBy: [] });
    expect(described?.IssuedAt).toBeUndefined();
    expect(described?.NotAfter).toBeUndefined();
    expect(described?.Subject).toBeUndefined();
  });

  it('raises the typed exceptions of the model', async () => {
    const describe = (CertificateArn: string) => acm.send(new DescribeCertificateCommand({ CertificateArn }));
    const missing = await rejection(describe(UNKNOWN_ARN), ResourceNotFoundException);
    expect(missing.message).toContain(UNKNOWN_ARN);
    expect(missing.$metadata.httpStatusCode).toBe(400);
    expect(missing.$metadata.requestId).toMatch(new RegExp(`^${UUID}$`));
    // Certificates are regional: one in eu-west-1 is not found from us-west-2.
    await rejection(describe(await seed({ domainName: 'eu.example.com', region: 'eu-west-1' })), ResourceNotFoundException);

    await rejection(describe(`arn:aws:acm:${REGION}:${ACCOUNT}:loadbalancer/app/web/1`), InvalidArnException);
    await rejection(describe(`arn:aws:acm:${REGION}:1234:certificate/${UNKNOWN_ARN.slice(-36)}`), InvalidArnException);
    const short = await rejection(describe('not-an-arn'), ValidationException);
    expect(short.message).toMatch(/^1 validation error detected: .*length greater than or equal to 20/);
    await rejection(describe('arn:aws:s3:::a-bucket-with-a-long-name'), ValidationException);

    await rejection(acm.send(new ListCertificatesCommand({ MaxItems: 1001 })), ValidationException);
    await rejection(acm.send(new ListCertificatesCommand({ NextToken: 'forged' })), InvalidArgsException);
    await rejection(acm.send(new ListCertificatesCommand({ SortBy: 'CREATED_AT' })), InvalidArgsException);
  });

  it('speaks the awsJson1_1 error format: AccessDenied when unsigned, framework errors', async () => {
    const unsigned = await rpc('CertificateManager.ListCertificates', '{}', {});
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await unsigned.json()).toEqual({
      __type: 'AccessDeniedException',
      Message: expect.stringContaining('Missing Authentication Token'),
    });

    const unknown = await rpc('CertificateManager.RequestCertificate', '{"DomainName":"x.example.com"}');
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException' });
    const notJson = await rpc('CertificateManager.ListCertificates', '{"MaxItems":');
    expect(await notJson.json()).toMatchObject({ __type: 'SerializationException' });
    const wrongType = await rpc('CertificateManager.ListCertificates', '{"MaxItems":"ten"}');
    expect(await wrongType.json()).toMatchObject({ __type: 'SerializationException', message: expect.stringContaining('MaxItems') });
    const wrongTypeViaSdk = await rejection(
      acm.send(new ListCertificatesCommand({ CertificateStatuses: 'ISSUED' as unknown as ['ISSUED'] })),
      ACMServiceException,
    );
    expect(wrongTypeViaSdk.name).toBe('SerializationException');

    // The refused call counts; the unknown operation does not.
    expect((await h.admin.calls()).byOperation).toEqual({ ListCertificates: 4 });
  });

  it('counts ACM calls and applies injected faults to them', async () => {
    const arn = await seed({ domainName: 'shop.example.com' });
    await h.admin.addFault({ operation: 'ListCertificates', error: 'ThrottlingException', afterCalls: 1 });
    await acm.send(new ListCertificatesCommand({}));
    const throttled = await rejection(acm.send(new ListCertificatesCommand({})), ThrottlingException);
    expect(throttled.message).toContain('Fault injected');
    expect(throttled.$metadata.httpStatusCode).toBe(400);
    await acm.send(new ListCertificatesCommand({}));

    await h.admin.addFault({ operation: 'DescribeCertificate', error: 'AccessDeniedException' });
    const denied = await rejection(acm.send(new DescribeCertificateCommand({ CertificateArn: arn })), AccessDeniedException);
    // The model's member is `Message`; the SDK folds it into `message`.
    expect(denied.message).toContain('Fault injected');
    expect(denied.$metadata.httpStatusCode).toBe(403);

    expect(await h.admin.calls()).toEqual({ total: 4, byOperation: { DescribeCertificate: 1, ListCertificates: 3 } });
  });

  it('forgets certificates on reset', async () => {
    await seed({ domainName: 'shop.example.com' });
    expect((await h.admin.request('POST', 'reset')).status).toBe(204);
    expect((await acm.send(new ListCertificatesCommand({}))).CertificateSummaryList).toEqual([]);
    expect(await h.admin.ok('GET', 'acm/certificates')).toEqual({ certificates: [] });
  });

  it('serves ACM, STS and Lattice through AWS_ENDPOINT_URL alone', async () => {
    await seed({ domainName: 'shop.example.com' });
    const saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = h.emulator.endpoint;
    const viaEnv = new ACMClient({ region: REGION, credentials: CREDENTIALS, maxAttempts: 1 });
    const sts = new STSClient({ region: REGION, credentials: CREDENTIALS });
    const lattice = new VPCLatticeClient({ region: REGION, credentials: CREDENTIALS, maxAttempts: 1 });
    try {
      expect(domains((await viaEnv.send(new ListCertificatesCommand({}))).CertificateSummaryList)).toEqual(['shop.example.com']);
      expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(ACCOUNT);
      expect((await lattice.send(new ListServicesCommand({}))).items).toEqual([]);
    } finally {
      viaEnv.destroy();
      sts.destroy();
      lattice.destroy();
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = saved;
    }
    expect((await h.admin.calls()).byOperation).toEqual({ GetCallerIdentity: 1, ListCertificates: 1, ListServices: 1 });
  });

  it('answers bad seeding input with 400 and a message', async () => {
    const cases: [unknown, RegExp][] = [
      [{}, /'domainName' failed to satisfy constraint: Member must not be null/],
      [{ domainName: 'not a domain' }, /domainName.*regular expression/],
      [{ domainName: 'a.example.com', status: 'SHINY' }, /'status'.*enum value set/],
      [{ domainName: 'a.example.com', type: 'PRIVATE' }, /'type'.*enum value set: \[AMAZON_ISSUED, IMPORTED\]/],
      [{ domainName: 'a.example.com', issuedAt: 'yesterday' }, /'issuedAt'/],
      [{ domainName: 'a.example.com', issuedAt: '2026-13-45T00:00:00Z' }, /not a valid RFC 3339/],
      [{ domainName: 'a.example.com', status: 'PENDING_VALIDATION', issuedAt: '2026-01-01T00:00:00Z' }, /never issued/],
      [{ domainName: 'a.example.com', type: 'IMPORTED', status: 'REVOKED' }, /IMPORTED certificate is ISSUED or EXPIRED/],
      [{ domainName: 'a.example.com', region: 'Mars' }, /'region'/],
      [{ domainName: 'a.example.com', domain: 'typo' }, /unknown key\(s\) domain/],
      [['a.example.com'], /JSON object/],
      ['{"domainName":', /not valid JSON/],
    ];
    for (const [body, message] of cases) {
      const response = await h.admin.request('POST', 'acm/certificates', body);
      expect({ status: response.status, message: (response.body as { message: string }).message }).toEqual({
        status: 400,
        message: expect.stringMatching(message),
      });
    }
    expect(await h.admin.ok('GET', 'acm/certificates')).toEqual({ certificates: [] });
  });
});
