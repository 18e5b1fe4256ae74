import type { TlsMaterial } from '../../../src/gatewayapi/certificateRefs';
import type { AcmApi } from '../../../src/lattice/acmApi';
import { convergeImportedCertificates, GATEWAY_TAG, SECRET_TAG } from '../../../src/lattice/certificateImports';

const MANAGED_BY = 'application-networking.k8s.aws/ManagedBy';
const OWNER = { managedBy: '123456789012/c/vpc-1', gateway: 'infra/gw' };
const ARN = (n: number) => `arn:aws:acm:us-west-2:123456789012:certificate/0000000${n}-0000-0000-0000-000000000000`;

function material(secret: string, fingerprint: string): TlsMaterial {
  return { secret, certificate: 'CERT', chain: undefined, privateKey: 'KEY', domainName: 'shop.example.com', fingerprint };
}

/** An ACM stand-in: certificates with tags and users, and a log of the calls. */
function fakeAcm(certs: Record<string, { tags: Record<string, string>; inUse?: boolean; imported?: boolean }>) {
  const calls: string[] = [];
  let next = 10;
  const error = (name: string) => Object.assign(new Error(name), { name });
  const acm = {
    async listIssuedCertificates() {
      calls.push('ListCertificates');
      return Object.keys(certs).map((arn) => ({
        CertificateArn: arn,
        Type: certs[arn]?.imported === false ? 'AMAZON_ISSUED' : 'IMPORTED',
        DomainName: 'shop.example.com',
      }));
    },
    async listTags(arn: string) {
      calls.push(`ListTags ${arn}`);
      if (!certs[arn]) throw error('ResourceNotFoundException');
      return certs[arn].tags;
    },
    async importCertificate(input: { certificateArn?: string; tags?: Record<string, string> }) {
      calls.push(`Import ${input.certificateArn ?? 'new'}`);
      if (input.certificateArn) return input.certificateArn;
      const arn = ARN(next++);
      certs[arn] = { tags: input.tags ?? {} };
      return arn;
    },
    async deleteCertificate(arn: string) {
      calls.push(`Delete ${arn}`);
      if (certs[arn]?.inUse) throw error('ResourceInUseException');
      delete certs[arn];
    },
  };
  return { acm: acm as unknown as AcmApi, calls, certs };
}

const ours = (secret: string) => ({ [MANAGED_BY]: OWNER.managedBy, [GATEWAY_TAG]: OWNER.gateway, [SECRET_TAG]: secret });

describe('convergeImportedCertificates', () => {
  it('costs no call when every Secret is imported with its current fingerprint', async () => {
    const { acm, calls } = fakeAcm({});
    const out = await convergeImportedCertificates(acm, OWNER, new Map([['infra/a', material('infra/a', 'f1')]]), {
      'infra/a': { arn: ARN(1), fingerprint: 'f1' },
    });
    expect(calls).toEqual([]);
    expect(out.imported).toEqual({ 'infra/a': { arn: ARN(1), fingerprint: 'f1' } });
  });

  it('re-imports a rotated Secret onto its ARN, after checking the certificate is ours', async () => {
    const { acm, calls } = fakeAcm({ [ARN(1)]: { tags: ours('infra/a') } });
    const out = await convergeImportedCertificates(acm, OWNER, new Map([['infra/a', material('infra/a', 'f2')]]), {
      'infra/a': { arn: ARN(1), fingerprint: 'f1' },
    });
    expect(calls).toEqual([`ListTags ${ARN(1)}`, `Import ${ARN(1)}`]);
    expect(out.imported['infra/a']).toEqual({ arn: ARN(1), fingerprint: 'f2' });
  });

  it('never overwrites nor deletes a recorded certificate that is not ours (the annotation can be edited)', async () => {
    const { acm, calls, certs } = fakeAcm({ [ARN(1)]: { tags: { [MANAGED_BY]: 'someone-else' } }, [ARN(2)]: { tags: {} } });
    const out = await convergeImportedCertificates(acm, OWNER, new Map([['infra/a', material('infra/a', 'f2')]]), {
      'infra/a': { arn: ARN(1), fingerprint: 'f1' },
      'infra/gone': { arn: ARN(2), fingerprint: 'f' },
    });
    expect(calls).not.toContain(`Import ${ARN(1)}`);
    expect(calls).not.toContain(`Delete ${ARN(2)}`);
    expect(out.imported['infra/a']?.arn).not.toBe(ARN(1));
    expect(out.imported['infra/gone']).toBeUndefined();
    expect(Object.keys(certs)).toContain(ARN(2));
  });

  it('adopts the copy a crashed pass imported but never recorded, found by its tags', async () => {
    const { acm, calls } = fakeAcm({ [ARN(5)]: { tags: { [MANAGED_BY]: 'x' } }, [ARN(6)]: { tags: ours('infra/a') } });
    const out = await convergeImportedCertificates(acm, OWNER, new Map([['infra/a', material('infra/a', 'f1')]]), {});
    expect(out.imported['infra/a']).toEqual({ arn: ARN(6), fingerprint: 'f1' });
    expect(calls.filter((c) => c.startsWith('Import'))).toEqual([`Import ${ARN(6)}`]);
  });

  it('deletes certificates no listener uses, keeps one still in use (to retry), and reports ACM refusals per Secret', async () => {
    const { acm, certs } = fakeAcm({ [ARN(1)]: { tags: ours('infra/old') }, [ARN(2)]: { tags: ours('infra/busy'), inUse: true } });
    const refusing = Object.assign(Object.create(acm) as AcmApi, {
      importCertificate: async () => {
        throw Object.assign(new Error('The certificate is expired'), { name: 'ValidationException' });
      },
    });
    const out = await convergeImportedCertificates(refusing, OWNER, new Map([['infra/new', material('infra/new', 'f')]]), {
      'infra/old': { arn: ARN(1), fingerprint: 'f' },
      'infra/busy': { arn: ARN(2), fingerprint: 'f' },
    });
    expect(Object.keys(certs)).toEqual([ARN(2)]);
    expect(out.inUse).toEqual([ARN(2)]);
    expect(out.imported).toEqual({ 'infra/busy': { arn: ARN(2), fingerprint: 'f' } });
    expect(out.failures.get('infra/new')).toBe(
      'ACM refused the certificate of Secret infra/new: ValidationException: The certificate is expired',
    );
  });
});
