/**
 * Demo stand-in for Office roaming settings (src/outlook/demo-roaming-settings.ts): a per-user
 * key-value store, like the one Exchange keeps in each mailbox for an add-in, so two browser
 * contexts signed in as the same demo user share it. The caller is known by its Graph token, as a
 * mailbox knows its user. In memory: the demo's mailbox is too. 32 KB per user, as Outlook's.
 *
 *   GET    /roaming-settings              → { settings: { name: value } }
 *   PUT    /roaming-settings  { name, value } → 204
 *   DELETE /roaming-settings?name=…       → 204
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { TokenVerifier } from './mailbox';

export const ROAMING_SETTINGS_LIMIT_BYTES = 32 * 1024;

const PutBody = z.strictObject({ name: z.string().min(1).max(256), value: z.string() });

export function registerRoamingSettings(scope: FastifyInstance, verifyToken: TokenVerifier): void {
  const byUser = new Map<string, Map<string, string>>();

  async function userOf(req: FastifyRequest, reply: FastifyReply): Promise<Map<string, string> | null> {
    reply.header('cache-control', 'no-store');
    const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim() ?? '';
    try {
      const { tid, oid } = await verifyToken(token);
      const id = `${tid}/${oid}`;
      let settings = byUser.get(id);
      if (!settings) byUser.set(id, (settings = new Map()));
      return settings;
    } catch {
      await reply.code(401).send({ error: 'Sign in to the demo first.' });
      return null;
    }
  }

  scope.get('/roaming-settings', async (req, reply) => {
    const settings = await userOf(req, reply);
    if (!settings) return reply;
    return { settings: Object.fromEntries(settings) };
  });

  scope.put('/roaming-settings', async (req, reply) => {
    const settings = await userOf(req, reply);
    if (!settings) return reply;
    let parsed;
    try {
      parsed = PutBody.safeParse(JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : ''));
    } catch {
      return reply.code(400).send({ error: 'The body must be JSON.' });
    }
    if (!parsed.success) return reply.code(400).send({ error: 'The body must be { name, value } strings.' });
    const next = new Map(settings).set(parsed.data.name, parsed.data.value);
    if (Buffer.byteLength(JSON.stringify(Object.fromEntries(next))) > ROAMING_SETTINGS_LIMIT_BYTES)
      return reply.code(413).send({ error: 'Roaming settings are limited to 32 KB.' });
    settings.set(parsed.data.name, parsed.data.value);
    return reply.code(204).send();
  });

  scope.delete('/roaming-settings', async (req, reply) => {
    const settings = await userOf(req, reply);
    if (!settings) return reply;
    const name = (req.query as { name?: unknown }).name;
    if (typeof name !== 'string' || !name) return reply.code(400).send({ error: 'Give ?name=.' });
    settings.delete(name);
    return reply.code(204).send();
  });
}
