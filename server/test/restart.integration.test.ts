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

  it('loses no acknowledged message when killed -9 while many visitors send at once (group commit)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-restart-load-'));
    const first = await startServerProcess({ DATA_DIR: dir });
    const visitors = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const socket: VisitorClient = io(`${first.url}/visitor`, { transports: ['websocket'], forceNew: true, reconnection: false });
        await connected(socket);
        const { token } = data(await socket.emitWithAck('conversation:resume', { afterSeq: 0 }));
        return { socket, token, acked: [] as string[] };
      }),
    );
    // Each visitor sends in a closed loop (within the default limit of 20 a minute) until the kill.
    let killed = false;
    const loops = visitors.map(async (visitor, v) => {
      for (let i = 0; i < 15 && !killed; i++) {
        const clientId = `load-${String(v).padStart(2, '0')}-${String(i).padStart(2, '0')}`;
        const result = await visitor.socket
          .timeout(2000)
          .emitWithAck('message:send', { clientId, text: `message ${i} from visitor ${v}` })
          .catch(() => null);
        if (result?.ok) visitor.acked.push(clientId);
        else break;
      }
    });
    // Kill while the loops are in full flow: once 40 sends were acknowledged.
    const acked = () => visitors.reduce((sum, v) => sum + v.acked.length, 0);
    for (let waited = 0; acked() < 40 && waited < 10_000; waited += 5) await new Promise((resolve) => setTimeout(resolve, 5));
    killed = true;
    await first.kill();
    await Promise.all(loops);
    for (const visitor of visitors) visitor.socket.disconnect();
    expect(acked()).toBeGreaterThanOrEqual(40);

    const second = await startServerProcess({ DATA_DIR: dir });
    try {
      for (const visitor of visitors) {
        const back: VisitorClient = io(`${second.url}/visitor`, { auth: { token: visitor.token }, transports: ['websocket'], forceNew: true, reconnection: false });
        await connected(back);
        const { messages } = data(await back.emitWithAck('conversation:resume', { afterSeq: 0 }));
        back.disconnect();
        const stored = messages.filter((m) => m.author === 'visitor').map((m) => m.clientId);
        // Every acknowledged message is there, once, in the order it was sent.
        expect(stored.slice(0, visitor.acked.length)).toEqual(visitor.acked);
        expect(new Set(stored).size).toBe(stored.length);
        // (Strictly rising, not contiguous: hand-off notes, hidden from visitors, take seqs too.)
        expect(messages.every((m, i) => i === 0 || m.seq > messages[i - 1]!.seq)).toBe(true);
      }
    } finally {
      await second.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
