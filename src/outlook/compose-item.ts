import type { ComposeItem } from './office-host';
import type { AsyncResultLike, OfficeApi } from './office-api';

function settle<T>(call: (cb: (r: AsyncResultLike<T>) => void) => void, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    call((r) => {
      if (r.status === 'succeeded') resolve(r.value);
      else
        reject(
          new Error(`Outlook could not read the draft's ${what} (${r.error?.code ?? 'unknown error'}).`),
        );
    });
  });
}

/**
 * Reads the open draft's subject and HTML body. Returns null when there is no compose item: in
 * read mode `item.subject` is a plain string, outside Office there is no mailbox at all.
 */
export async function readComposeItem(office: OfficeApi | undefined): Promise<ComposeItem | null> {
  const item = office?.context?.mailbox?.item;
  if (!item?.body || !item.subject || typeof item.subject === 'string') return null;
  const subject = item.subject;
  const body = item.body;
  const html = office?.CoercionType?.Html ?? 'html';
  const [subjectText, bodyHtml] = await Promise.all([
    settle<string>((cb) => subject.getAsync(cb), 'subject'),
    settle<string>((cb) => body.getAsync(html, cb), 'body'),
  ]);
  return { subject: subjectText, html: bodyHtml };
}
