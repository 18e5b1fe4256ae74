import { ACMClient, DescribeCertificateCommand, ListCertificatesCommand, type CertificateSummary } from '@aws-sdk/client-acm';
import type { CallSession } from './callSession';

/** The ACM operations certificate discovery uses (the IAM policy is derived from this list too). */
export class AcmApi {
  readonly #client: ACMClient;
  readonly #session: CallSession;

  constructor(client: ACMClient, session: CallSession) {
    this.#client = client;
    this.#session = session;
  }

  async listIssuedCertificates(): Promise<CertificateSummary[]> {
    const out: CertificateSummary[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const page = await this.#session.run('ListCertificates', (o) =>
        this.#client.send(new ListCertificatesCommand({ CertificateStatuses: ['ISSUED'], MaxItems: 1000, NextToken: token }), o),
      );
      out.push(...(page.CertificateSummaryList ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
    return out;
  }

  describeCertificate(certificateArn: string) {
    return this.#session.run('DescribeCertificate', (o) => this.#client.send(new DescribeCertificateCommand({ CertificateArn: certificateArn }), o));
  }
}
