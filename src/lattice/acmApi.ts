import {
  ACMClient,
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  ImportCertificateCommand,
  ListCertificatesCommand,
  ListTagsForCertificateCommand,
  type CertificateSummary,
} from '@aws-sdk/client-acm';
import type { CallSession } from './callSession';

/** The ACM operations of certificate discovery and Secret import (the IAM policy is derived from this list too). */
export class AcmApi {
  readonly #client: ACMClient;
  readonly #session: CallSession;

  constructor(client: ACMClient, session: CallSession) {
    this.#client = client;
    this.#session = session;
  }

  /** ACM's throttling is its own quota's: its client retries it, and the Lattice budget is not slowed. */
  #run<T>(operation: string, send: (options: { abortSignal: AbortSignal }) => Promise<T>): Promise<T> {
    return this.#session.run(operation, send, 'other');
  }

  async listIssuedCertificates(): Promise<CertificateSummary[]> {
    const out: CertificateSummary[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const page = await this.#run('ListCertificates', (o) =>
        this.#client.send(new ListCertificatesCommand({ CertificateStatuses: ['ISSUED'], MaxItems: 1000, NextToken: token }), o),
      );
      out.push(...(page.CertificateSummaryList ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
    return out;
  }

  describeCertificate(certificateArn: string) {
    return this.#run('DescribeCertificate', (o) =>
      this.#client.send(new DescribeCertificateCommand({ CertificateArn: certificateArn }), o),
    );
  }

  /**
   * Imports a certificate, or re-imports onto `certificateArn` (same ARN; ACM takes no tags then).
   * The request carries the private key: it is never logged, and ACM's errors do not quote it.
   */
  async importCertificate(input: {
    certificate: string;
    chain: string | undefined;
    privateKey: string;
    certificateArn?: string;
    tags?: Record<string, string>;
  }): Promise<string> {
    const encode = (pem: string) => new TextEncoder().encode(pem);
    const command = new ImportCertificateCommand({
      Certificate: encode(input.certificate),
      PrivateKey: encode(input.privateKey),
      ...(input.chain ? { CertificateChain: encode(input.chain) } : {}),
      ...(input.certificateArn ? { CertificateArn: input.certificateArn } : {}),
      ...(input.tags ? { Tags: Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
    });
    const out = await this.#run('ImportCertificate', (o) => this.#client.send(command, o));
    return out.CertificateArn ?? input.certificateArn ?? '';
  }

  async deleteCertificate(certificateArn: string): Promise<void> {
    await this.#run('DeleteCertificate', (o) => this.#client.send(new DeleteCertificateCommand({ CertificateArn: certificateArn }), o));
  }

  async listTags(certificateArn: string): Promise<Record<string, string>> {
    const out = await this.#run('ListTagsForCertificate', (o) =>
      this.#client.send(new ListTagsForCertificateCommand({ CertificateArn: certificateArn }), o),
    );
    return Object.fromEntries((out.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  }
}
