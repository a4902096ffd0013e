/**
 * The store survives the server process dying: start the real built server (what `npm start`
 * runs), write through a real socket, kill -9, start it again on the same data directory, read.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import type { ChatMessage } from '@support-chat/shared';
import { connected, data, nextEvent, type VisitorClient } from './harness.js';
import { requireBuiltServer, startServerProcess } from './server-process.js';

describe('a restart of the server process', () => {
  let dataDir: string;
  beforeAll(() => {
    requireBuiltServer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-restart-'));
  });
  afterAll(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps conversations, messages and the demo login after kill -9', async () => {
    const first = await startServerProcess({ DATA_DIR: dataDir });
    const login = /console login (\S+) \/ (\S+)/.exec(first.output());
    expect(login).not.toBeNull();
    const visitor: VisitorClient = io(`${first.url}/visitor`, { transports: ['websocket'], forceNew: true, reconnection: false });
    await connected(visitor);
    const { token } = data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
    const answered = nextEvent<ChatMessage>(visitor, 'message:created', (m) => m.author === 'ai');
    data(await visitor.emitWithAck('message:send', { clientId: 'restart-0001', text: 'How do I return an item?' }));
    const aiAnswer = await answered;
    visitor.disconnect();
    await first.kill();

    const second = await startServerProcess({ DATA_DIR: dataDir });
    try {
      expect(second.output()).toContain(`console login ${login![1]} / ${login![2]}`);
      const back: VisitorClient = io(`${second.url}/visitor`, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
      await connected(back);
      const resumed = data(await back.emitWithAck('conversation:resume', { afterSeq: 0 }));
      expect(resumed.messages.map((m) => [m.author, m.text])).toEqual([
        ['visitor', 'How do I return an item?'],
        ['ai', aiAnswer.text],
      ]);
      back.disconnect();
    } finally {
      await second.kill();
    }
  });
});
