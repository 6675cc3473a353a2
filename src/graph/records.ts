import type { MailAddress, MailHeaderRecord } from '../core/mail';

/** The slice of Graph's `message` JSON Candor reads (header fields only). */
export interface GraphMessageJson {
  id: string;
  conversationId?: string | null;
  internetMessageId?: string | null;
  subject?: string | null;
  from?: GraphRecipientJson | null;
  toRecipients?: GraphRecipientJson[] | null;
  sentDateTime?: string | null;
  receivedDateTime?: string | null;
  internetMessageHeaders?: { name: string; value: string }[] | null;
  '@removed'?: { reason?: string };
}

interface GraphRecipientJson {
  emailAddress?: { address?: string | null; name?: string | null } | null;
}

function address(r: GraphRecipientJson | null | undefined): MailAddress | undefined {
  const a = r?.emailAddress?.address;
  if (!a) return undefined;
  const name = r?.emailAddress?.name;
  return name ? { address: a, name } : { address: a };
}

/** Graph message JSON → the domain's header record; fields Graph left out stay absent. */
export function toHeaderRecord(m: GraphMessageJson): MailHeaderRecord {
  const record: MailHeaderRecord = {
    id: m.id,
    conversationId: m.conversationId ?? '',
    subject: m.subject ?? '',
    toRecipients: (m.toRecipients ?? []).map(address).filter((a): a is MailAddress => a !== undefined),
  };
  const from = address(m.from);
  if (from) record.from = from;
  if (m.internetMessageId) record.internetMessageId = m.internetMessageId;
  if (m.sentDateTime) record.sentDateTime = m.sentDateTime;
  if (m.receivedDateTime) record.receivedDateTime = m.receivedDateTime;
  if (m.internetMessageHeaders) record.internetMessageHeaders = m.internetMessageHeaders;
  return record;
}
