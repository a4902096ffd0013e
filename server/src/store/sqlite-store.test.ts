import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store.js';
import { conversationFixture, describeStoreContract } from './store-contract.js';

describeStoreContract('SqliteStore', async () => SqliteStore.open(':memory:'));
// On a file, search and reports run on the reader thread: the same contract holds there.
describeStoreContract('SqliteStore on a file', async () => SqliteStore.open(fs.mkdtempSync(path.join(os.tmpdir(), 'sc-store-'))));

describe('SqliteStore on disk', () => {
  it('keeps everything when reopened', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-store-'));
    const first = SqliteStore.open(dir);
    await first.createVisitor({ id: 'visitor-1', createdAt: 1 });
    await first.createConversation(conversationFixture({ id: 'a' }));
    await first.appendMessage('a', { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: 'persist me' }, 5);
    await first.close();

    const second = SqliteStore.open(dir);
    expect((await second.listMessages('a', {})).map((m) => m.text)).toEqual(['persist me']);
    expect((await second.getConversation('a'))?.lastSeq).toBe(1);
    await second.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
