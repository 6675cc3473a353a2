import type { HandlerContext } from './context';
import { previewOf, type Mailbox } from './mailbox';
import { displayNameFor, inboundHeaders } from './prospects';
import type { ItemBody } from './types';

/** Replies, out-of-office answers and bounces, stored now and made visible by the clock later. */
export function scheduleProspectResponses(
  ctx: HandlerContext,
  mailbox: Mailbox,
  ours: {
    internetMessageId: string;
    conversationId: string;
    conversationIndex: string;
    subject: string;
    body: ItemBody;
  },
  to: string,
  deliveredAt: number,
): void {
  const { core } = ctx;
  const behaviour = core.prospectBehaviour(to);
  const user = mailbox.user;
  const me = { emailAddress: { name: user.displayName, address: user.mail } };
  const prospectDomain = (to.split('@')[1] ?? 'example.org').toLowerCase();
  if (behaviour.kind === 'silent') return;
  const at = deliveredAt + behaviour.delayMs;
  const networkMessageId = core.ids.uuid();
  if (behaviour.kind === 'bounce') {
    const postmaster = `postmaster@${(user.mail.split('@')[1] ?? 'contoso.com').toLowerCase()}`;
    const messageId = `<${core.ids.hex('ndr', 24).toUpperCase()}@${prospectDomain.replace(/\W/g, '')}.prod.outlook.com>`;
    const subject = `Undeliverable: ${ours.subject}`;
    mailbox.add({
      folder: 'inbox',
      visibleAt: at,
      sentMs: at - 1000,
      receivedMs: at,
      subject,
      body: {
        contentType: 'html',
        content: `<html><body><p>Your message to ${to} couldn't be delivered.</p><p>Remote server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'</p></body></html>`,
      },
      from: { emailAddress: { name: 'Microsoft Outlook', address: postmaster } },
      toRecipients: [me],
      internetMessageId: messageId,
      internetMessageHeaders: inboundHeaders({
        from: postmaster,
        to: user.mail,
        subject,
        messageId,
        sentMs: at - 1000,
        receivedMs: at,
        networkMessageId,
        inReplyTo: ours.internetMessageId,
        extra: [
          { name: 'Content-Type', value: 'multipart/report; report-type=delivery-status; boundary="NDR"' },
          { name: 'Auto-Submitted', value: 'auto-replied' },
          { name: 'X-MS-Exchange-Message-Is-Ndr', value: '' },
        ],
      }),
    });
    return;
  }
  const isOoo = behaviour.kind === 'ooo';
  const subject = `${isOoo ? 'Automatic reply' : 'RE'}: ${ours.subject}`;
  const messageId = `<${core.ids.hex('reply', 20).toUpperCase()}@mail.${prospectDomain}>`;
  const name = displayNameFor(to);
  const text = isOoo
    ? `I am out of the office with limited access to email and will reply when I return.`
    : `Hi, thanks for reaching out. I'd be happy to talk this week.\r\n\r\n> ${previewOf(ours.body).slice(0, 200)}`;
  mailbox.add({
    folder: 'inbox',
    visibleAt: at,
    sentMs: at - 3000,
    receivedMs: at,
    subject,
    body: { contentType: 'text', content: text },
    from: { emailAddress: { name, address: to } },
    toRecipients: [me],
    conversationId: ours.conversationId,
    conversationIndex: Buffer.concat([
      Buffer.from(ours.conversationIndex, 'base64'),
      core.ids.bytes('ci', 5),
    ]).toString('base64'),
    internetMessageId: messageId,
    internetMessageHeaders: inboundHeaders({
      from: to,
      to: user.mail,
      subject,
      messageId,
      sentMs: at - 3000,
      receivedMs: at,
      networkMessageId,
      inReplyTo: ours.internetMessageId,
      extra: [
        { name: 'Content-Type', value: 'text/plain; charset="utf-8"' },
        ...(isOoo
          ? [
              { name: 'Auto-Submitted', value: 'auto-replied' },
              { name: 'X-Auto-Response-Suppress', value: 'All' },
            ]
          : []),
      ],
    }),
  });
}
