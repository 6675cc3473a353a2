import { describe, expect, it } from 'vitest';
import type { MailFolderDeltaResult } from '../../../src/core/replies/ports';
import { replyMailbox, type GraphForReplies } from '../../../src/ui/results/reply-mailbox';

const delta: MailFolderDeltaResult = {
  messages: [],
  removedIds: [],
  deltaLink: 'https://graph.microsoft.com/v1.0/me/mailFolders/inbox/messages/delta?$deltatoken=x',
  fullSync: true,
  restarted: false,
  fallbackUnfiltered: false,
};

const base = {
  sendMail: async () => ({ kind: 'accepted' as const }),
  listSentSince: async () => [],
};

describe('replyMailbox (Graph adapter)', () => {
  it('uses mailFolderDelta and the three-way header answer when the client has them', async () => {
    const folders: string[] = [];
    const graph: GraphForReplies = {
      ...base,
      mailFolderDelta: async (folder) => {
        folders.push(folder);
        return delta;
      },
      getInternetHeaders: async () => ({ status: 'gone' }),
    };
    const box = replyMailbox(graph);
    await box.mailFolderDelta('inbox');
    await box.mailFolderDelta('junkemail');
    expect(folders).toEqual(['inbox', 'junkemail']);
    expect(await box.getInternetHeaders('m')).toEqual({ status: 'gone' });
  });

  it('falls back to inboxDelta (Junk Email unread, its empty link never stored) and header arrays', async () => {
    const answers: unknown[] = [[{ name: 'Received', value: 'x' }], null];
    const graph: GraphForReplies = {
      ...base,
      inboxDelta: async () => {
        const { fallbackUnfiltered: _, ...older } = delta;
        return older;
      },
      getInternetHeaders: async () => {
        if (answers.length === 0) throw Object.assign(new Error('Not found'), { status: 404 });
        return answers.shift();
      },
    };
    const box = replyMailbox(graph);
    expect(await box.mailFolderDelta('inbox')).toEqual(delta);
    expect(await box.mailFolderDelta('junkemail')).toMatchObject({ messages: [], deltaLink: '' });
    expect(await box.getInternetHeaders('m')).toEqual({
      status: 'ok',
      headers: [{ name: 'Received', value: 'x' }],
    });
    expect(await box.getInternetHeaders('m')).toEqual({ status: 'unavailable' });
    expect(await box.getInternetHeaders('m')).toEqual({ status: 'gone' });
  });
});
