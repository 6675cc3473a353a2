import { MAIL_READ_SCOPES, hasAny, type HandlerContext } from './context';
import { messageDelta } from './delta';
import { ODATA_JSON, accessDenied, itemNotFound, methodNotAllowed, notEmulated } from './errors';
import { getMe } from './me';
import { getMessage, getMessageMime, listMessages, mailAccess } from './messages';
import { replyToMessage } from './reply';
import { sendMail } from './send-mail';
import type { FolderName, InternalResponse } from './types';

/** `/users/{id|upn}/…` of the caller is `/me/…`; someone else's mailbox is out of a delegated token's reach. */
function normalise(ctx: HandlerContext): string[] {
  const path = ctx.req.path.replace(/\('([^']*)'\)/g, '/$1').replace(/\/+$/, '');
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (segments[0]?.toLowerCase() === 'users') {
    const who = (segments[1] ?? '').toLowerCase();
    const u = ctx.mailbox.user;
    if (![u.oid, u.mail, u.userPrincipalName].some((x) => x.toLowerCase() === who)) throw accessDenied();
    return ['me', ...segments.slice(2)];
  }
  return segments;
}

function folderOf(ctx: HandlerContext, segment: string): FolderName {
  const folder = ctx.mailbox.resolveFolder(segment);
  if (!folder) throw itemNotFound();
  return folder;
}

function getFolder(ctx: HandlerContext, folder: FolderName): InternalResponse {
  if (!hasAny(ctx.claims, MAIL_READ_SCOPES)) throw accessDenied();
  const all = ctx.mailbox.visible(ctx.now, folder);
  const names: Record<FolderName, string> = {
    inbox: 'Inbox',
    sentitems: 'Sent Items',
    drafts: 'Drafts',
    deleteditems: 'Deleted Items',
    junkemail: 'Junk Email',
    archive: 'Archive',
  };
  return {
    status: 200,
    headers: { 'Content-Type': ODATA_JSON },
    body: {
      '@odata.context': `${ctx.req.base}/$metadata#users('${ctx.claims.oid}')/mailFolders/$entity`,
      id: ctx.mailbox.folderIds[folder],
      displayName: names[folder],
      childFolderCount: 0,
      unreadItemCount: all.filter((m) => !m.data.isRead).length,
      totalItemCount: all.length,
      isHidden: false,
    },
  };
}

/** Routes an authenticated, admitted request to its handler. */
export function route(ctx: HandlerContext): InternalResponse {
  const s = normalise(ctx);
  const lower = s.map((x) => x.toLowerCase());
  const handler = pick(ctx, s, lower);
  if (!handler) throw notEmulated(`the resource '/${s.join('/')}'`);
  const [method, run] = handler;
  if (ctx.req.method !== method) throw methodNotAllowed();
  return run();
}

type Handler = [method: 'GET' | 'POST', run: () => InternalResponse];

function pick(ctx: HandlerContext, s: string[], lower: string[]): Handler | null {
  if (lower[0] !== 'me') return null;
  if (s.length === 1) return ['GET', () => getMe(ctx)];
  if (lower[1] === 'sendmail' && s.length === 2) return ['POST', () => sendMail(ctx)];
  if (lower[1] === 'messages') {
    const id = s[2] ?? '';
    if (s.length === 2) return ['GET', () => listMessages(ctx, null, 'messages')];
    if (s.length === 3) return ['GET', () => getMessage(ctx, id, null)];
    if (s.length === 4 && lower[3] === '$value') return ['GET', () => getMessageMime(ctx, id)];
    if (s.length === 4 && lower[3] === 'attachments') return ['GET', () => listAttachments(ctx)];
    if (s.length === 4 && lower[3] === 'reply') return ['POST', () => replyToMessage(ctx, id, null)];
  }
  if (lower[1] === 'mailfolders' && s.length >= 3) {
    const segment = s[2] ?? '';
    const folder = folderOf(ctx, segment);
    if (s.length === 3) return ['GET', () => getFolder(ctx, folder)];
    if (lower[3] === 'messages') {
      const id = s[4] ?? '';
      if (s.length === 4)
        return ['GET', () => listMessages(ctx, folder, `mailFolders('${segment}')/messages`)];
      if (s.length === 5 && lower[4] === 'delta') return ['GET', () => messageDelta(ctx, folder, segment)];
      if (s.length === 5) return ['GET', () => getMessage(ctx, id, folder)];
      if (s.length === 6 && lower[5] === '$value') return ['GET', () => getMessageMime(ctx, id)];
      if (s.length === 6 && lower[5] === 'reply') return ['POST', () => replyToMessage(ctx, id, folder)];
    }
  }
  return null;
}

/** Attachments need Mail.Read (graph-mail.md §1.2); the emulator does not list them. */
function listAttachments(ctx: HandlerContext): InternalResponse {
  if (!mailAccess(ctx).full) throw accessDenied();
  throw notEmulated('listing attachments');
}
