import type { CertificateSummary } from '@aws-sdk/client-acm';
import type { AcmApi } from '../../../src/lattice/acmApi';
import { discoverCertificate } from '../../../src/lattice/certificates';

function fakeAcm(summaries: CertificateSummary[], full: Record<string, string[]> = {}) {
  const described: string[] = [];
  const acm = {
    async listIssuedCertificates() {
      return summaries;
    },
    async describeCertificate(arn: string) {
      described.push(arn);
      return { Certificate: { CertificateArn: arn, SubjectAlternativeNames: full[arn] ?? [] } };
    },
  };
  return { acm: acm as unknown as AcmApi, described };
}

const at = (iso: string) => new Date(iso);

describe('ACM certificate discovery', () => {
  it('prefers an exact name over a wildcard, then the newest certificate', async () => {
    const { acm } = fakeAcm([
      { CertificateArn: 'arn:wild', DomainName: '*.example.com', IssuedAt: at('2026-06-01T00:00:00Z') },
      {
        CertificateArn: 'arn:old',
        DomainName: 'example.org',
        SubjectAlternativeNameSummaries: ['shop.example.com'],
        IssuedAt: at('2025-01-01T00:00:00Z'),
      },
      { CertificateArn: 'arn:new', DomainName: 'SHOP.example.com', ImportedAt: at('2026-01-01T00:00:00Z') },
      { CertificateArn: 'arn:other', DomainName: 'other.example.com', IssuedAt: at('2026-09-01T00:00:00Z') },
    ]);
    expect(await discoverCertificate(acm, 'shop.example.com')).toBe('arn:new');
    expect(await discoverCertificate(acm, 'api.example.com')).toBe('arn:wild');
    expect(await discoverCertificate(acm, 'a.b.example.com')).toBeUndefined();
  });

  it('reads the full certificate only when the summary has more SANs than it lists', async () => {
    const { acm, described } = fakeAcm(
      [
        {
          CertificateArn: 'arn:many',
          DomainName: 'a.example.com',
          SubjectAlternativeNameSummaries: ['a.example.com'],
          HasAdditionalSubjectAlternativeNames: true,
        },
        { CertificateArn: 'arn:few', DomainName: 'b.example.com', HasAdditionalSubjectAlternativeNames: false },
      ],
      { 'arn:many': ['a.example.com', 'deep.example.com'] },
    );
    expect(await discoverCertificate(acm, 'deep.example.com')).toBe('arn:many');
    expect(described).toEqual(['arn:many']);
  });
});
