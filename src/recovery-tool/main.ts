/**
 * `npm run recovery-tool -- <command>`: the customer's offline tool for the tenant recovery key
 * (commands.ts). Runs on the IT admin's machine; never contacts Candor.
 */
import { parseArgs } from 'node:util';
import { RecoveryToolError, keygen, recover } from './commands';

const USAGE = `usage: npm run recovery-tool -- <command>
  keygen --out <dir>
      Create the tenant recovery key. Keep the private key file offline.
  recover --private-key <file> --backup <export.json> --out <file>
      Open a user's tenant backup and wrap it under a new recovery code.`;

const say = (line: string): void => void process.stdout.write(`${line}\n`);

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string' },
    'private-key': { type: 'string' },
    backup: { type: 'string' },
  },
});

try {
  const [command] = positionals;
  if (command === 'keygen' && values.out) {
    const result = await keygen({ out: values.out });
    say(`Private key written to ${result.privateKeyFile} (readable only by you).`);
    say('Keep it offline: anyone with this file and a backup export can open your users’ keys.');
    say(`Tenant recovery key id: ${result.tenantKeyId}`);
    say('Register the public key with Candor:');
    say(`  npm run admin -- tenant recovery-key set <tid> ${result.publicKey}`);
  } else if (command === 'recover' && values.out && values['private-key'] && values.backup) {
    const result = await recover({
      privateKey: values['private-key'],
      backup: values.backup,
      out: values.out,
    });
    say(`Recovery backup for key ${result.keyId} written to ${result.outFile}.`);
    say('Import it:');
    say(`  npm run admin -- backup import-recovery <tid> <oid> ${result.outFile}`);
    say('Then give the user this new recovery code (in person or by phone, not by email):');
    say(`  ${result.code}`);
  } else {
    console.error(USAGE);
    process.exitCode = 2;
  }
} catch (err) {
  console.error(err instanceof RecoveryToolError ? err.message : `Failed: ${String(err)}`);
  process.exitCode = 1;
}
