import {
  CreateServiceCommand,
  CreateServiceNetworkCommand,
  GetServiceCommand,
  ListServicesCommand,
  ValidationException,
} from '@aws-sdk/client-vpc-lattice';
import { latticeClient, rejection, startHarness, type Harness } from './support';

/** What the SDK's SigV4 signer sends; the emulator reads the region from the credential scope. */
const SIGNED = 'AWS4-HMAC-SHA256 Credential=test/20260101/us-west-2/vpc-lattice/aws4_request, SignedHeaders=host, Signature=00';

describe('restJson1 wire format', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  const raw = (path: string, init: RequestInit = {}) => fetch(`${h.emulator.endpoint}${path}`, init);

  it('answers an unsigned request with 403 AccessDeniedException', async () => {
    const response = await raw('/services');
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.json()).toEqual({ message: expect.stringContaining('Missing Authentication Token') });
  });

  it('answers an unknown operation with ValidationException reason unknownOperation', async () => {
    const response = await raw('/no-such-thing', { headers: { authorization: SIGNED } });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(await response.json()).toMatchObject({ reason: 'unknownOperation', fieldList: [] });
    const wrongMethod = await raw('/services', { method: 'PUT', headers: { authorization: SIGNED } });
    expect(wrongMethod.status).toBe(400);
  });

  it('serialises timestamps as RFC 3339 strings and decodes percent-encoded ARN labels', async () => {
    const created = await h.lattice.send(new CreateServiceCommand({ name: 'raw' }));
    const response = await raw(`/services/${encodeURIComponent(created.arn ?? '')}`, { headers: { authorization: SIGNED } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(body.id).toBe(created.id);
  });

  it('builds ARNs in the region of the caller credential scope', async () => {
    const ireland = latticeClient(h.emulator.endpoint, { region: 'eu-west-1' });
    try {
      const created = await ireland.send(new CreateServiceNetworkCommand({ name: 'dublin' }));
      expect(created.arn).toMatch(/^arn:aws:vpc-lattice:eu-west-1:123456789012:servicenetwork\/sn-/);
    } finally {
      ireland.destroy();
    }
  });

  it('reports unparseable input as cannotParse', async () => {
    const badJson = await raw('/services', {
      method: 'POST',
      headers: { authorization: SIGNED, 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ reason: 'cannotParse' });
    const badNumber = await raw('/services?maxResults=ten', { headers: { authorization: SIGNED } });
    expect(await badNumber.json()).toMatchObject({ reason: 'cannotParse', fieldList: [{ name: 'maxResults' }] });
    const wrongType = await raw('/services', {
      method: 'POST',
      headers: { authorization: SIGNED, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 42 }),
    });
    expect(await wrongType.json()).toMatchObject({ reason: 'cannotParse', fieldList: [{ name: 'name' }] });
  });

  it('rejects a nextToken it did not issue and a malformed identifier', async () => {
    const token = await rejection(h.lattice.send(new ListServicesCommand({ nextToken: 'forged' })), ValidationException);
    expect(token.fieldList?.[0]?.name).toBe('nextToken');
    const identifier = await rejection(
      h.lattice.send(new GetServiceCommand({ serviceIdentifier: 'svc-UPPERCASE000000000' })),
      ValidationException,
    );
    expect(identifier.fieldList?.[0]?.name).toBe('serviceIdentifier');
    expect(identifier.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
