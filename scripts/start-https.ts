/**
 * `npm run start:https`: Candor over https://localhost:3000 for a real Outlook on this computer.
 *
 *   1. a localhost certificate from office-addin-dev-certs, trusted by the operating system
 *      (scripts/dev-certificate.ts; `--no-trust` skips asking the system to trust it);
 *   2. the server (src/server/main.ts) on that certificate — it serves /manifest.xml for
 *      https://localhost:<PORT> and prints where it saved a copy to sideload (docs/deploy.md §6).
 */
import { ensureDevCertificate } from './dev-certificate';

const trust = !process.argv.includes('--no-trust');
let certificate: Awaited<ReturnType<typeof ensureDevCertificate>>;
try {
  certificate = await ensureDevCertificate({ trust });
} catch (error) {
  console.error(
    `Candor could not create a certificate for https://localhost: ${error instanceof Error ? error.message : String(error)}\n` +
      'Check that your home folder is writable (the files go to ~/.office-addin-dev-certs), or pass your own\n' +
      'PEM pair: TLS_CERT_FILE=… TLS_KEY_FILE=… npm start (e.g. made with mkcert; docs/deploy.md §6).',
  );
  process.exit(1);
}
if (certificate.created) console.log(`Created a localhost certificate: ${certificate.certFile}`);
if (trust && !certificate.trusted) {
  console.warn(
    `\nThis computer does not trust the certificate yet: ${certificate.trustProblem}\n` +
      'Candor starts anyway, but browsers will warn and Outlook will not load the add-in until it is trusted.\n' +
      'Trust it with `npx office-addin-dev-certs install` in a terminal where you can approve the prompt\n' +
      `(Windows and macOS ask you; Linux needs sudo), or add ${certificate.caFile}\n` +
      "to your system's trusted certificate authorities by hand, then run `npm run start:https` again.\n",
  );
}

process.env.TLS_CERT_FILE = certificate.certFile;
process.env.TLS_KEY_FILE = certificate.keyFile;
await import('../src/server/main');
