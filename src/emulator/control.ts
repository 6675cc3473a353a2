import { z } from 'zod';
import type { MailboxEmulator } from './mailbox';

const folder = z.enum(['inbox', 'sentitems', 'drafts', 'deleteditems', 'junkemail', 'archive']);

/**
 * What `POST ${prefix}/control` accepts: the scenario knobs of docs/emulator.md, for the demo
 * user's mailbox, so an e2e test (or a presenter) can change them while the server runs.
 */
export const ControlCommand = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('configure'),
    switches: z
      .object({
        internetMessageHeadersUnderReadBasic: z.enum(['returned', 'omitted', 'forbidden']),
        expiredDeltaAnswer: z.enum([
          'gone-syncStateNotFound',
          'gone-resyncRequired',
          'badRequest-syncStateNotFound',
          'badRequest-syncStateInvalid',
          'notFound-invalidSyncStateData',
        ]),
        deltaFilterRefused: z.boolean(),
        sentItemsDelayMs: z.number().int().min(0).max(86_400_000),
        transportDelayMs: z.number().int().min(0).max(86_400_000),
        exchangeClockOffsetMs: z.number().int().min(-86_400_000).max(86_400_000),
      })
      .partial()
      .strict(),
  }),
  z.object({ action: z.literal('expire-delta-tokens') }),
  z.object({
    action: z.literal('block-sending'),
    reason: z.enum(['sender-quota', 'tenant-limit', 'spam-restricted']).nullable(),
  }),
  z.object({ action: z.literal('fill'), folder, count: z.number().int().min(1).max(200_000) }),
  z.object({
    action: z.literal('act'),
    messageId: z.string().min(1),
    do: z.enum(['read', 'unread', 'flag', 'unflag', 'delete', 'purge', 'move']),
    to: folder.optional(),
  }),
  // What a prospect's mail client would load: the image addresses in the HTML delivered to `to`
  // (the tracking pixel). Delivered bodies are not readable through Graph under Mail.ReadBasic.
  z.object({ action: z.literal('images'), to: z.string().min(3).max(320) }),
  // What reached `to`, in order, headers only: a sequence's steps and the thread each went in.
  z.object({ action: z.literal('deliveries'), to: z.string().min(3).max(320) }),
]);
export type ControlCommand = z.infer<typeof ControlCommand>;

/** Runs one command on `oid`'s mailbox; returns what the caller needs (a message's new id for `act`). */
export function runControl(emulator: MailboxEmulator, oid: string, command: ControlCommand): unknown {
  switch (command.action) {
    case 'configure':
      emulator.configure(command.switches);
      return {};
    case 'expire-delta-tokens':
      emulator.expireDeltaTokens(oid);
      return {};
    case 'block-sending':
      emulator.blockSending(oid, command.reason);
      return {};
    case 'fill':
      emulator.fillFolder(oid, command.folder, command.count);
      return {};
    case 'act': {
      const id =
        command.do === 'move'
          ? emulator.act(oid, command.messageId, { action: 'move', to: command.to ?? 'archive' })
          : emulator.act(oid, command.messageId, { action: command.do });
      return { id };
    }
    case 'deliveries': {
      const to = command.to.toLowerCase();
      const deliveries = emulator
        .deliveries(oid, { includePending: false })
        .filter((d) => d.to.toLowerCase() === to)
        .map((d) => {
          const header = (name: string) =>
            d.headers.find((h) => h.name.toLowerCase() === name)?.value ?? null;
          return {
            deliveredAt: d.deliveredAt,
            subject: d.subject,
            conversationId: d.conversationId,
            internetMessageId: d.internetMessageId,
            inReplyTo: header('in-reply-to'),
            headers: d.headers.filter((h) => /^x-/i.test(h.name)),
          };
        });
      return { deliveries };
    }
    case 'images': {
      const to = command.to.toLowerCase();
      const images = emulator
        .deliveries(oid, { includePending: false })
        .filter((d) => d.to.toLowerCase() === to && d.body.contentType === 'html')
        .flatMap((d) => imageSources(d.body.content));
      return { images };
    }
  }
}

/** `src` of every `<img>` in an HTML body, entities in it decoded as a mail client would. */
export function imageSources(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<img\b[^>]*?\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)) {
    const src = m[1] ?? m[2] ?? '';
    out.push(
      src
        .replace(/&amp;/g, '&')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'"),
    );
  }
  return out;
}
