import type { CertificateSummary } from '@aws-sdk/client-acm';
import type { AcmApi } from './acmApi';

/** `*.example.com` covers exactly one label: `foo.example.com`, not `a.b.example.com` nor `example.com`. */
export function wildcardCovers(pattern: string, hostname: string): boolean {
  const p = pattern.toLowerCase();
  const h = hostname.toLowerCase();
  if (!p.startsWith('*.') || p.slice(2).includes('*')) return false;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot + 1) === p.slice(2);
}

export type CertificateMatch = 'exact' | 'wildcard' | undefined;

/** How well one of a certificate's names serves a hostname; names compare case-insensitively. */
export function certificateMatch(names: readonly string[], hostname: string): CertificateMatch {
  const h = hostname.toLowerCase();
  if (names.some((n) => n.toLowerCase() === h)) return 'exact';
  if (names.some((n) => wildcardCovers(n, h))) return 'wildcard';
  return undefined;
}

function issuedAt(summary: CertificateSummary): number {
  return (summary.IssuedAt ?? summary.ImportedAt ?? summary.CreatedAt)?.getTime() ?? 0;
}

/**
 * The ACM certificate for a custom domain: issued, with the hostname as its domain or a SAN; an
 * exact name beats a single-level wildcard, then the newest wins (then the ARN, for determinism).
 */
export async function discoverCertificate(acm: AcmApi, hostname: string): Promise<string | undefined> {
  const candidates: { arn: string; match: 'exact' | 'wildcard'; at: number }[] = [];
  for (const summary of await acm.listIssuedCertificates()) {
    if (!summary.CertificateArn) continue;
    let names = [summary.DomainName ?? '', ...(summary.SubjectAlternativeNameSummaries ?? [])];
    let match = certificateMatch(names, hostname);
    if (match === undefined && summary.HasAdditionalSubjectAlternativeNames) {
      // The summary lists only the first SANs; the rest needs the full certificate.
      const full = await acm.describeCertificate(summary.CertificateArn);
      names = [full.Certificate?.DomainName ?? '', ...(full.Certificate?.SubjectAlternativeNames ?? [])];
      match = certificateMatch(names, hostname);
    }
    if (match) candidates.push({ arn: summary.CertificateArn, match, at: issuedAt(summary) });
  }
  candidates.sort((a, b) => (a.match !== b.match ? (a.match === 'exact' ? -1 : 1) : b.at - a.at || (a.arn < b.arn ? -1 : 1)));
  return candidates[0]?.arn;
}
