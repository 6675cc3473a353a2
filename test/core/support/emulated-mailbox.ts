import { LocalIssuer } from '../../../src/emulator/identity/issuer';
import {
  createMailboxEmulator,
  jwksTokenVerifier,
  TokenError,
  type FaultSpec,
  type MailboxEmulatorOptions,
  type TokenClaims,
} from '../../../src/emulator/mailbox';
import { createGraph, type GraphOptions } from '../../../src/graph';
import { abortable, signalOf } from '../../../src/shared/abort';
import { ManualClock } from '../../../src/shared/clock';
import { GRAPH_SCOPES } from '../../../src/shared/scopes';
import type { MailSender } from '../../../src/core/mail';
import { realWork } from './drive';

export const RECRUITER = {
  tid: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  oid: '87d349ed-44d7-43e1-9a83-5f2406dee5bd',
  displayName: 'Adele Vance',
  mail: 'AdeleV@contoso.com',
  userPrincipalName: 'AdeleV@contoso.com',
};

/**
 * The real Graph boundary talking to the mailbox emulator on a manual clock, signed in with a
 * LocalIssuer token. The token is cached like MSAL would; `signInAgain()` replaces it (after a
 * revocation, only a new sign-in helps). Token expiry is not simulated.
 */
export async function emulatedMailbox(
  options: {
    emulator?: Partial<MailboxEmulatorOptions>;
    graph?: Partial<GraphOptions>;
    /** A fault laid on the n-th sendMail request (0-based), or null for none. */
    sendFaults?: (n: number) => FaultSpec | null;
    /** Simulated round-trip time of every request. Default 200 ms. */
    latencyMs?: number;
  } = {},
) {
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
  const issuer = await LocalIssuer.create({ baseUrl: 'http://127.0.0.1/emulator/identity', clock });
  // Each token is verified for real once, before it is used, and remembered: WebCrypto finishes on
  // its own schedule, and must not let simulated time jump while a request is being authenticated.
  const verify = jwksTokenVerifier(issuer.jwks(), clock);
  const verified = new Map<string, TokenClaims>();
  const mint = async () => {
    const token = await issuer.mintGraphToken(RECRUITER, GRAPH_SCOPES);
    verified.set(token, await verify(token));
    return token;
  };
  const emulator = createMailboxEmulator({
    clock,
    verifyToken: async (token) => {
      const claims = verified.get(token);
      if (!claims) throw new TokenError('Access token validation failure. Invalid signature.');
      return claims;
    },
    ambientMailEveryMs: 0,
    ...options.emulator,
  });
  emulator.addUser(RECRUITER);
  let token = await mint();
  let sendIndex = 0;
  /** Requests between leaving the client and their answer (the emulator itself answers instantly). */
  const concurrency = { now: 0, max: 0 };
  const latencyMs = options.latencyMs ?? 200;
  const fetchWithFaults: typeof fetch = async (input, init) => {
    const request = input instanceof Request && !init ? input : new Request(input, init);
    // Like fetch, reject on the caller's own signal: the Request follows it only weakly (see abortable).
    const signal = signalOf(input, init);
    if (options.sendFaults && /\/sendmail$/i.test(new URL(request.url).pathname)) {
      const fault = options.sendFaults(sendIndex++);
      // The emulator's fault queue hits the next matching request: this one.
      if (fault) emulator.injectFault(fault);
    }
    // Network and server time pass on the simulated clock; everything else is real work.
    concurrency.now++;
    concurrency.max = Math.max(concurrency.max, concurrency.now);
    try {
      realWork.busy--;
      try {
        await clock.sleep(latencyMs, signal);
      } finally {
        realWork.busy++;
      }
      return await abortable(emulator.fetch(request, signal), signal);
    } finally {
      concurrency.now--;
    }
  };
  const graph = createGraph({
    baseUrl: 'https://graph.microsoft.com/v1.0',
    fetch: fetchWithFaults,
    clock,
    // Network timeouts run on wall-clock time by default; the simulation drives them with its clock.
    timeoutClock: clock,
    random: () => 0.5,
    getAccessToken: async () => token,
    ...options.graph,
  });

  /**
   * Copies per recipient address (lower case) in Sent Items, including those still in transport:
   * the ground truth of what left the mailbox. (Deliveries would miss bounced addresses.)
   */
  const deliveries = () => {
    const counts = new Map<string, number>();
    for (const m of emulator.sentItems(RECRUITER.oid, { includePending: true })) {
      for (const r of m.toRecipients) {
        const a = r.emailAddress.address.toLowerCase();
        counts.set(a, (counts.get(a) ?? 0) + 1);
      }
    }
    return counts;
  };

  /** The Graph boundary as the engine's MailSender, with its real (non-clock) work accounted for. */
  const tracked = <T>(work: () => Promise<T>): Promise<T> => {
    realWork.busy++;
    return work().finally(() => realWork.busy--);
  };
  const sender: MailSender = {
    sendMail: (mail, signal) => tracked(() => graph.sendMail(mail, signal)),
    listSentSince: (since, signal) => tracked(() => graph.listSentSince(since, signal)),
  };

  return {
    clock,
    emulator,
    graph,
    sender,
    /** The fetch the Graph boundary uses: latency on the clock, faults, then the emulator. */
    fetch: fetchWithFaults,
    /** The Authorization header the Graph boundary would send now. */
    authorization: () => `Bearer ${token}`,
    concurrency,
    deliveries,
    /** The next sendMail is answered as if the grant was revoked, and stays so until signInAgain(). */
    revokeOnNextSend() {
      emulator.injectFault('revoked');
    },
    /** A new sign-in: a token issued after the revocation. */
    async signInAgain() {
      await clock.advance(1_000);
      token = await mint();
    },
  };
}
