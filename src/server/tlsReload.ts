import { readFile } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import type { Server as TlsServer } from 'node:tls';
import type { Logger } from '../log';
import type { TlsFiles } from './serve';

/** How often the certificate files are read again: kubelet refreshes a mounted Secret within about a minute. */
export const TLS_RELOAD_INTERVAL_MS = 60_000;

export interface TlsReloader {
  /** Reads the files once now; true when the server took a new certificate. */
  check(): Promise<boolean>;
  stop(): void;
}

/** When the certificate stops being valid, for the log (undefined when it cannot be parsed). */
function validTo(cert: Buffer): string | undefined {
  try {
    return new Date(new X509Certificate(cert).validTo).toISOString();
  } catch {
    return undefined;
  }
}

/**
 * Serves a renewed certificate without a restart: cert-manager renews the Secret, kubelet swaps
 * the mounted files, and a server that read them once at start would serve the old certificate
 * until it expires and every hook call fails. The files are read every `intervalMs`; a changed
 * pair that makes a valid context replaces the server's, a pair caught half-written (key and
 * certificate that do not match) is logged and tried again on the next read.
 */
export function reloadTlsPeriodically(
  server: TlsServer,
  files: { certFile: string; keyFile: string },
  initial: TlsFiles,
  log: Logger,
  intervalMs: number = TLS_RELOAD_INTERVAL_MS,
): TlsReloader {
  let current = initial;
  let checking: Promise<boolean> | undefined;
  const check = async (): Promise<boolean> => {
    let next: TlsFiles;
    try {
      next = { cert: await readFile(files.certFile), key: await readFile(files.keyFile) };
    } catch (error) {
      log.warn(
        { error: (error as NodeJS.ErrnoException).code ?? String(error) },
        'cannot read the TLS files: still serving the certificate read before',
      );
      return false;
    }
    if (next.cert.equals(current.cert) && next.key.equals(current.key)) return false;
    try {
      // Builds the new context before it replaces the old one: a pair that does not match throws here.
      server.setSecureContext(next);
    } catch (error) {
      log.warn(
        { error: (error as Error).message },
        'the TLS files changed but do not make a valid pair yet: still serving the certificate read before',
      );
      return false;
    }
    current = next;
    log.info({ validTo: validTo(next.cert) }, 'TLS certificate reloaded');
    return true;
  };
  // One read at a time: a check asked for while another runs shares its answer.
  const checkOnce = () => (checking ??= check().finally(() => (checking = undefined)));
  const timer = setInterval(() => void checkOnce(), intervalMs);
  timer.unref();
  return { check: checkOnce, stop: () => clearInterval(timer) };
}
