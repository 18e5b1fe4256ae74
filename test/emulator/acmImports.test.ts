import {
  ACMClient,
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  ImportCertificateCommand,
  ListCertificatesCommand,
  ListTagsForCertificateCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  ValidationException,
} from '@aws-sdk/client-acm';
import { CreateServiceCommand, DeleteServiceCommand, VPCLatticeClient } from '@aws-sdk/client-vpc-lattice';
import { CERT_ONE, CERT_TWO, KEY_ONE, KEY_TWO } from '../support/certificates';
import { acmClient, ACCOUNT, CREDENTIALS, REGION, rejection, startHarness, type Harness } from './support';

const bytes = (pem: string) => new TextEncoder().encode(pem);

describe('ACM imports (awsJson1_1)', () => {
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

  it('imports a PEM certificate with tags, lists and describes it as IMPORTED, keeps no key', async () => {
    const out = await acm.send(
      new ImportCertificateCommand({ Certificate: bytes(CERT_ONE), PrivateKey: bytes(KEY_ONE), Tags: [{ Key: 'owner', Value: 'us/a' }] }),
    );
    const arn = out.CertificateArn ?? '';
    expect(arn).toMatch(new RegExp(`^arn:aws:acm:${REGION}:${ACCOUNT}:certificate/`));
    const detail = (await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }))).Certificate;
    expect(detail).toMatchObject({
      DomainName: 'shop.example.com',
      SubjectAlternativeNames: ['shop.example.com', '*.example.com'],
      Type: 'IMPORTED',
      Status: 'ISSUED',
      KeyAlgorithm: 'RSA_2048',
      CertificateKeyPairOrigin: 'CUSTOMER_PROVIDED',
    });
    expect(detail?.ImportedAt).toBeInstanceOf(Date);
    const listed = (await acm.send(new ListCertificatesCommand({ CertificateStatuses: ['ISSUED'] }))).CertificateSummaryList ?? [];
    expect(listed.map((c) => [c.CertificateArn, c.Type])).toEqual([[arn, 'IMPORTED']]);
    expect((await acm.send(new ListTagsForCertificateCommand({ CertificateArn: arn }))).Tags).toEqual([{ Key: 'owner', Value: 'us/a' }]);
    expect(JSON.stringify(await h.admin.state())).not.toContain(KEY_ONE.split('\n')[1]);
  });

  it('re-imports in place (same ARN and tags), refuses tags on re-import, a mismatched key and unknown ARNs', async () => {
    const arn =
      (
        await acm.send(
          new ImportCertificateCommand({ Certificate: bytes(CERT_ONE), PrivateKey: bytes(KEY_ONE), Tags: [{ Key: 'k', Value: 'v' }] }),
        )
      ).CertificateArn ?? '';
    const again = await acm.send(
      new ImportCertificateCommand({ CertificateArn: arn, Certificate: bytes(CERT_TWO), PrivateKey: bytes(KEY_TWO) }),
    );
    expect(again.CertificateArn).toBe(arn);
    expect((await acm.send(new ListTagsForCertificateCommand({ CertificateArn: arn }))).Tags).toEqual([{ Key: 'k', Value: 'v' }]);
    const tagged = await rejection(
      acm.send(
        new ImportCertificateCommand({
          CertificateArn: arn,
          Certificate: bytes(CERT_TWO),
          PrivateKey: bytes(KEY_TWO),
          Tags: [{ Key: 'k', Value: 'w' }],
        }),
      ),
      ValidationException,
    );
    expect(tagged.message).toBe('Tagging is not permitted on re-import.');
    await rejection(
      acm.send(new ImportCertificateCommand({ Certificate: bytes(CERT_ONE), PrivateKey: bytes(KEY_TWO) })),
      ValidationException,
    );
    await rejection(
      acm.send(new ImportCertificateCommand({ Certificate: bytes('Hello world'), PrivateKey: bytes(KEY_ONE) })),
      ValidationException,
    );
    const unknown = `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/00000000-0000-0000-0000-000000000000`;
    await rejection(
      acm.send(new ImportCertificateCommand({ CertificateArn: unknown, Certificate: bytes(CERT_ONE), PrivateKey: bytes(KEY_ONE) })),
      ResourceNotFoundException,
    );
    await rejection(acm.send(new ListTagsForCertificateCommand({ CertificateArn: unknown })), ResourceNotFoundException);
  });

  it('refuses to delete a certificate a Lattice service uses (ResourceInUseException), deletes it once free', async () => {
    const lattice = new VPCLatticeClient({ endpoint: h.emulator.endpoint, region: REGION, credentials: CREDENTIALS });
    try {
      const arn =
        (await acm.send(new ImportCertificateCommand({ Certificate: bytes(CERT_ONE), PrivateKey: bytes(KEY_ONE) }))).CertificateArn ?? '';
      const svc = await lattice.send(new CreateServiceCommand({ name: 'shop', customDomainName: 'shop.example.com', certificateArn: arn }));
      const inUse = await rejection(acm.send(new DeleteCertificateCommand({ CertificateArn: arn })), ResourceInUseException);
      expect(inUse.message).toBe(`Certificate ${arn} in use by ${svc.arn}`);
      await lattice.send(new DeleteServiceCommand({ serviceIdentifier: svc.id ?? '' }));
      await acm.send(new DeleteCertificateCommand({ CertificateArn: arn }));
      await rejection(acm.send(new DescribeCertificateCommand({ CertificateArn: arn })), ResourceNotFoundException);
    } finally {
      lattice.destroy();
    }
  });
});
