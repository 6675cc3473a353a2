/**
 * A trusted certificate for https://localhost, the Office add-in way: Microsoft's
 * office-addin-dev-certs creates a local certificate authority and a localhost certificate in
 * ~/.office-addin-dev-certs (the files `npx office-addin-dev-certs install` and webpack's dev server
 * use) and asks the operating system to trust the authority. Creating works anywhere, offline;
 * trusting needs the user's approval (a Windows or macOS prompt, sudo on Linux) and can fail on a
 * headless or locked-down machine — then the certificate is still returned, marked untrusted, with
 * the reason.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import devCerts from 'office-addin-dev-certs';

/** office-addin-dev-certs' own folder and file names. */
export const DEV_CERTS_DIR = join(homedir(), '.office-addin-dev-certs');
const DOMAINS = ['127.0.0.1', 'localhost'];
const VALID_DAYS = 30;
const DAY_MS = 24 * 60 * 60_000;

export interface DevCertificate {
  caFile: string;
  certFile: string;
  keyFile: string;
  /** Created now (none was there, or it had expired or did not match its key). */
  created: boolean;
  /** The operating system trusts its authority, so browsers and Outlook accept it. */
  trusted: boolean;
  /** Why it is not trusted, in the tool's words; null when trusted or trust was not asked for. */
  trustProblem: string | null;
}

/** The certificate serves https://localhost for at least another day and matches its key. */
export function usableCertificate(certFile: string, keyFile: string, now = Date.now()): boolean {
  try {
    const cert = new X509Certificate(readFileSync(certFile));
    return (
      Date.parse(cert.validTo) > now + DAY_MS &&
      cert.checkHost('localhost') !== undefined &&
      cert.checkPrivateKey(createPrivateKey(readFileSync(keyFile)))
    );
  } catch {
    return false;
  }
}

/**
 * Reuses the localhost certificate in `dir` if it is usable, else creates a new authority and
 * certificate there; with `trust`, makes sure the operating system trusts the authority.
 */
export async function ensureDevCertificate(
  options: { dir?: string; trust?: boolean } = {},
): Promise<DevCertificate> {
  const dir = options.dir ?? DEV_CERTS_DIR;
  const caFile = join(dir, 'ca.crt');
  const certFile = join(dir, 'localhost.crt');
  const keyFile = join(dir, 'localhost.key');
  const created = !(existsSync(caFile) && usableCertificate(certFile, keyFile));
  if (created) {
    // office-addin-dev-certs writes nothing if an authority file is already there.
    for (const f of [caFile, certFile, keyFile]) rmSync(f, { force: true });
    await devCerts.generateCertificates(caFile, certFile, keyFile, VALID_DAYS, DOMAINS);
  }
  if (!options.trust) return { caFile, certFile, keyFile, created, trusted: false, trustProblem: null };
  try {
    const status = devCerts.getCaCertificateStatus();
    if (status.status === devCerts.CertificateStatus.Error) throw status.error ?? new Error('unknown');
    // A new authority replaces the one trusted before (same name): install it.
    if (created || status.status !== devCerts.CertificateStatus.Installed) {
      if (status.status === devCerts.CertificateStatus.Installed)
        await devCerts.uninstallCaCertificate(false, false);
      await devCerts.installCaCertificate(caFile);
    }
    return { caFile, certFile, keyFile, created, trusted: true, trustProblem: null };
  } catch (error) {
    const trustProblem = error instanceof Error ? error.message.trim() : String(error);
    return { caFile, certFile, keyFile, created, trusted: false, trustProblem };
  }
}
