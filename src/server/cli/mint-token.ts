/**
 * `npm run token -- [--tid T] [--oid O] [--minutes N]`: prints an API access token for the demo
 * deployment, signed by the local issuer's persisted key (.data/issuer-key.json). For curl and
 * manual testing; refuses to run against an Entra configuration.
 */
import { parseArgs } from 'node:util';
import { systemClock } from '../../shared/clock';
import { DEMO_TENANT_ID, DEMO_USER_OID, loadConfig } from '../config';
import { openDemoIssuer } from '../demo';

const { values } = parseArgs({
  options: {
    tid: { type: 'string', default: DEMO_TENANT_ID },
    oid: { type: 'string', default: DEMO_USER_OID },
    minutes: { type: 'string', default: '60' },
  },
});

const config = loadConfig();
if (config.mode !== 'demo') {
  console.error('npm run token only works in demo mode: real tokens come from Entra ID.');
  process.exit(1);
}
const issuer = await openDemoIssuer(config, systemClock);
const token = await issuer.mintApiToken({
  tid: values.tid,
  oid: values.oid,
  audience: config.auth.apiClientId,
  azp: config.auth.addinClientIds[0] as string,
  lifetimeSeconds: Math.max(1, Number(values.minutes)) * 60,
});
console.log(token);
