import { ManualClock } from '../../src/shared/clock';
import { LocalIssuer } from '../../src/emulator/identity/issuer';
import { GRAPH_SCOPES } from '../../src/shared/scopes';
import {
  createMailboxEmulator,
  jwksTokenVerifier,
  type MailboxEmulatorOptions,
} from '../../src/emulator/mailbox';

export const USER = {
  tid: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  oid: '87d349ed-44d7-43e1-9a83-5f2406dee5bd',
  displayName: 'Adele Vance',
  mail: 'AdeleV@contoso.com',
  userPrincipalName: 'AdeleV@contoso.com',
};

export const GRAPH = 'https://graph.microsoft.com/v1.0';

/** An emulator on a manual clock with one user and a LocalIssuer to mint tokens for it. */
export async function setup(options: Partial<MailboxEmulatorOptions> = {}) {
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
  const issuer = await LocalIssuer.create({ baseUrl: 'http://127.0.0.1/emulator/identity', clock });
  const emulator = createMailboxEmulator({
    clock,
    verifyToken: jwksTokenVerifier(issuer.jwks(), clock),
    ambientMailEveryMs: 0,
    ...options,
  });
  emulator.addUser(USER);
  const token = await issuer.mintGraphToken(USER, GRAPH_SCOPES);
  const tokenWith = (scopes: readonly string[]) => issuer.mintGraphToken(USER, scopes);

  async function call(
    method: string,
    path: string,
    init: {
      body?: unknown;
      headers?: Record<string, string>;
      token?: string | null;
      signal?: AbortSignal;
    } = {},
  ) {
    const headers = new Headers(init.headers);
    // A fresh token per call unless the test passes one: simulated days would expire a fixed token.
    const bearer = init.token === undefined ? await issuer.mintGraphToken(USER, GRAPH_SCOPES) : init.token;
    if (bearer !== null) headers.set('Authorization', `Bearer ${bearer}`);
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      if (!headers.has('content-type')) headers.set('Content-Type', 'application/json');
    }
    const res = await emulator.fetch(
      new Request(`${GRAPH}${path}`, { method, headers, body, signal: init.signal }),
    );
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return {
      status: res.status,
      headers: res.headers,
      json: json as Record<string, unknown> & { value?: Record<string, unknown>[] },
      text,
    };
  }

  const send = (
    to: string,
    subject = 'Quick question',
    extra: Record<string, unknown> = {},
    token?: string,
  ) =>
    call('POST', '/me/sendMail', {
      token,
      body: {
        message: {
          subject,
          body: { contentType: 'HTML', content: '<p>Hello there</p>' },
          toRecipients: [{ emailAddress: { address: to } }],
          ...extra,
        },
      },
    });

  return { clock, issuer, emulator, token, tokenWith, call, send };
}

export function errorCode(json: unknown): string | undefined {
  return (json as { error?: { code?: string } } | null)?.error?.code;
}
