/**
 * A realistic session against the real app, sprinkled with sentinel values that must never appear
 * in clear anywhere the operator can look (logs, database): the prospect's address, a reply subject,
 * the opener's IP and user agent, and the API token itself.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { toBase64url } from '../../../src/shared/base64url';
import { createEventSealer, importRecipientPublicKey } from '../../../src/shared/sealed-event';
import { bearer, id128, type Harness } from '../api/harness';
import { opaqueStateBlob } from '../api/sealed-uploads';

export const SENTINEL = {
  ip: '198.51.100.203',
  ipv6: '2001:db8:5e47:1:2:3:4:5',
  userAgent: 'SentinelMailAgent/7.31 (Quokka)',
  email: 'prospect.sentinel@zebra-example.org',
  subject: 'Re: Sentinel Quokka opportunity',
  replyIp: '203.0.113.199',
} as const;

export interface FlowResult {
  tid: string;
  oid: string;
  token: string;
  keyPair: CryptoKeyPair;
  sends: { sendId: string; pixelUrl: string }[];
}

export async function runRealisticFlow(h: Harness): Promise<FlowResult> {
  const tid = await h.onboard();
  const oid = randomUUID();
  const token = await h.token(tid, oid, { preferredUsername: SENTINEL.email, name: 'Sentinel Recruiter' });
  const headers = bearer(token);

  const keyPair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
    'deriveBits',
  ]);
  const publicKey = toBase64url(new Uint8Array(await crypto.subtle.exportKey('raw', keyPair.publicKey)));
  expect(
    (await h.app.inject({ method: 'PUT', url: '/api/v1/me/key', headers, payload: { publicKey } }))
      .statusCode,
  ).toBe(200);

  const created = await h.app.inject({
    method: 'POST',
    url: '/api/v1/campaigns/spring/sends',
    headers,
    payload: { sends: [{ trackOpens: true }, { trackOpens: true }, { trackOpens: true }] },
  });
  expect(created.statusCode).toBe(201);
  const sends = created.json().sends as { sendId: string; pixelUrl: string }[];

  // Opens from the prospect's mail client: sentinel address and agent, some with junk query strings.
  for (const [i, s] of sends.entries()) {
    const path = new URL(s.pixelUrl).pathname;
    for (const query of ['', `?email=${encodeURIComponent(SENTINEL.email)}`]) {
      const res = await h.app.inject({
        method: 'GET',
        url: path + query,
        remoteAddress: i === 2 ? SENTINEL.ipv6 : SENTINEL.ip,
        headers: { 'user-agent': SENTINEL.userAgent, referer: `https://mail.example/?q=${SENTINEL.email}` },
      });
      expect(res.statusCode).toBe(200);
    }
    await h.app.inject({
      method: 'HEAD',
      url: path,
      remoteAddress: SENTINEL.ip,
      headers: { 'user-agent': SENTINEL.userAgent },
    });
  }
  // Forged and garbled pixels carrying personal data in the path.
  await h.app.inject({
    url: `/o/${encodeURIComponent(SENTINEL.email)}.gif`,
    remoteAddress: SENTINEL.ip,
    headers: { 'user-agent': SENTINEL.userAgent },
  });

  // Replies, sealed in the task pane before upload.
  const sealer = await createEventSealer(await importRecipientPublicKey(publicKey));
  for (const s of sends.slice(0, 2)) {
    const eventId = id128();
    const sealed = await sealer.seal(
      { kind: 'reply', tid, oid, sendId: s.sendId, eventId },
      { subject: SENTINEL.subject, from: SENTINEL.email, receivedAt: h.clock.now(), ip: SENTINEL.replyIp },
    );
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/v1/sends/${s.sendId}/reply`,
      headers,
      payload: { eventId, sealed: toBase64url(sealed) },
    });
    expect(res.statusCode).toBe(201);
  }

  // Encrypted campaign state (the pane encrypts it; the server sees random-looking bytes).
  const blob = await opaqueStateBlob(publicKey, 512);
  expect(
    (
      await h.app.inject({
        method: 'PUT',
        url: '/api/v1/campaigns/spring/state',
        headers,
        payload: { expectedVersion: null, blob },
      })
    ).statusCode,
  ).toBe(200);

  // Mistakes that put personal data where a careless server would log it.
  await h.app.inject({
    method: 'POST',
    url: '/api/v1/campaigns/spring/sends',
    headers,
    payload: { sends: [{ trackOpens: true, to: SENTINEL.email, subject: SENTINEL.subject }] },
  });
  await h.app.inject({ url: `/api/v1/events?after=${encodeURIComponent(SENTINEL.email)}`, headers });
  await h.app.inject({ url: `/api/v1/${encodeURIComponent(SENTINEL.email)}`, headers });
  await h.app.inject({
    url: '/api/v1/campaigns',
    headers: { authorization: `Bearer ${token}x` },
    remoteAddress: SENTINEL.ip,
  });
  await h.app.inject({
    method: 'PUT',
    url: '/api/v1/campaigns/spring/state',
    headers: { ...headers, 'content-type': 'application/json', 'user-agent': SENTINEL.userAgent },
    payload: `{"expectedVersion": null, "blob": "${SENTINEL.email}"`,
  });

  const events = await h.app.inject({ url: '/api/v1/events?limit=100', headers });
  expect(events.json().events.length).toBeGreaterThanOrEqual(5);
  return { tid, oid, token, keyPair, sends };
}

/** Every string that must not be found in clear. */
export function forbiddenStrings(flow: FlowResult): string[] {
  const pixelTokens = flow.sends.map((s) => new URL(s.pixelUrl).pathname.slice(3, -4));
  return [...Object.values(SENTINEL), flow.token, flow.token.split('.')[2]!, ...pixelTokens];
}
