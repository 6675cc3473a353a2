import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ControlCommand, runControl } from './control';
import type { LocalIssuer } from './identity/issuer';
import { jwksTokenVerifier, type MailboxEmulator, type UserRecord } from './mailbox';
import { registerRoamingSettings } from './roaming-settings';
import type { Clock } from '../shared/clock';
import type { TimeScale } from '../shared/accelerated-clock';
import { GRAPH_SCOPES } from '../shared/scopes';

export interface EmulatorPluginOptions {
  emulator: MailboxEmulator;
  issuer: LocalIssuer;
  /** Mount point; default `/emulator`. */
  prefix?: string;
  /** The one user the demo signs in; added to the emulator if it does not know it yet. */
  demoUser: UserRecord;
  /** Candor API token parameters for the demo sign-in (`aud` = API client id, `azp` = add-in). */
  api: { audience: string; azp: string; scopes?: string[] };
  /** Delegated Graph scopes put in the demo Graph token; default the six Candor asks for. */
  graphScopes?: readonly string[];
  /** The demo's fast clock, when on; `GET ${prefix}/clock` tells the demo pane so it paces alike. */
  timeScale?: TimeScale;
  /**
   * CANDOR_DEMO_LEASE_SECONDS: the send lease's length `GET ${prefix}/clock` tells the demo pane
   * (as `leaseSeconds`); absent: the pane keeps its own (60 s).
   */
  leaseSeconds?: number;
  /** Verifies the Graph tokens of `${prefix}/roaming-settings`; default the real clock (as tokens are). */
  clock?: Clock;
  /**
   * Whether the roaming-settings stand-in answers (default true: the demo pane acts as in Outlook).
   * false: 404, as for a pane in a plain browser, which has none.
   */
  roamingSettings?: boolean;
}

/** Graph request bodies can be larger than Candor's API bodies (HTML mail); 4 MB as a ceiling. */
const GRAPH_BODY_LIMIT = 4 * 1024 * 1024;

const HOP_BY_HOP = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'upgrade',
  'expect',
]);

function toRequest(req: FastifyRequest, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const method = req.method.toUpperCase();
  const body =
    method === 'GET' || method === 'HEAD' || !Buffer.isBuffer(req.body)
      ? undefined
      : new Uint8Array(req.body);
  return new Request(`${req.protocol}://${req.host}${req.url}`, { method, headers, body, signal });
}

async function relay(emulator: MailboxEmulator, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const controller = new AbortController();
  // The client gave up (a timeout on its side): abort, as fetch's signal would in-process.
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished)
      controller.abort(new DOMException('The client closed the connection.', 'AbortError'));
  });
  let res: Response;
  try {
    // The signal is passed on its own too: the Request follows it only weakly (see MailboxEmulator.fetch),
    // and a relay still waiting after its client left would hold its request forever.
    res = await emulator.fetch(toRequest(req, controller.signal), controller.signal);
  } catch {
    // A simulated network error (or an aborted wait): drop the connection without an answer.
    reply.hijack();
    reply.raw.destroy();
    return;
  }
  reply.code(res.status);
  res.headers.forEach((value, name) => {
    if (name !== 'content-length') reply.header(name, value);
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  await reply.send(bytes.length ? bytes : undefined);
}

/**
 * Mounts the mailbox emulator and the local identity issuer on a Fastify app, for demo and
 * development only: `${prefix}/graph/v1.0/*` is Microsoft Graph, `${prefix}/identity/discovery/v2.0/keys`
 * the issuer's key set, and `POST ${prefix}/identity/demo/token` signs the demo user in. The server
 * registers it only in demo mode, and demo mode listens on loopback (docs/emulator.md).
 */
export async function registerEmulator(app: FastifyInstance, options: EmulatorPluginOptions): Promise<void> {
  const { emulator, issuer, demoUser } = options;
  const prefix = (options.prefix ?? '/emulator').replace(/\/+$/, '');
  if (!emulator.hasUser(demoUser.oid)) emulator.addUser(demoUser);
  await app.register(
    async (scope) => {
      // Graph bodies are relayed byte for byte, whatever their content type (JSON, base64 MIME).
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser(
        '*',
        { parseAs: 'buffer', bodyLimit: GRAPH_BODY_LIMIT },
        (_req, body, done) => done(null, body),
      );
      scope.all('/graph/v1.0/*', (req, reply) => relay(emulator, req, reply));
      // Scenario knobs for the demo user's mailbox (docs/emulator.md "Over HTTP").
      scope.post('/control', async (req, reply) => {
        reply.header('cache-control', 'no-store');
        let body: unknown;
        try {
          body = JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');
        } catch {
          return reply.code(400).send({ error: 'The body must be JSON.' });
        }
        const command = ControlCommand.safeParse(body);
        if (!command.success)
          return reply.code(400).send({ error: command.error.issues[0]?.message ?? 'Invalid command.' });
        const result = runControl(emulator, demoUser.oid, command.data);
        if (command.data.action === 'act' && (result as { id: string | null }).id === null)
          return reply.code(404).send({ error: 'No visible message has that id.' });
        return result;
      });
      if (options.roamingSettings !== false)
        registerRoamingSettings(scope, jwksTokenVerifier(issuer.jwks(), options.clock));
      scope.get('/clock', async (_req, reply) => {
        reply.header('cache-control', 'no-store');
        const scale = options.timeScale ?? { factor: 1, anchor: 0 };
        return options.leaseSeconds ? { ...scale, leaseSeconds: options.leaseSeconds } : scale;
      });
      scope.get('/identity/discovery/v2.0/keys', async (_req, reply) => {
        reply.header('cache-control', 'no-store');
        return issuer.jwks();
      });
      scope.post('/identity/demo/token', async (_req, reply) => {
        reply.header('cache-control', 'no-store');
        const subject = {
          tid: demoUser.tid,
          oid: demoUser.oid,
          name: demoUser.displayName,
          preferredUsername: demoUser.userPrincipalName,
        };
        const [graphToken, apiToken] = await Promise.all([
          issuer.mintGraphToken(subject, options.graphScopes ?? GRAPH_SCOPES, options.api.azp),
          issuer.mintApiToken({
            ...subject,
            audience: options.api.audience,
            azp: options.api.azp,
            scopes: options.api.scopes,
          }),
        ]);
        return {
          graphToken,
          apiToken,
          account: {
            tid: demoUser.tid,
            oid: demoUser.oid,
            name: demoUser.displayName,
            username: demoUser.userPrincipalName,
          },
        };
      });
    },
    { prefix },
  );
}
