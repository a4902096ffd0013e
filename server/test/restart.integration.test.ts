/**
 * The store survives the server process dying: start the real built server (what `npm start`
 * runs), write through a real socket, kill -9, start it again on the same data directory, read.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import type { ChatMessage } from '@support-chat/shared';
import { connected, data, nextEvent, REPO_ROOT, type VisitorClient } from './harness.js';

const MAIN = path.join(REPO_ROOT, 'server', 'dist', 'main.js');

async function startProcess(dataDir: string): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', OPENAI_API_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 15_000);
    const check = () => {
      const match = /running on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!.replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return { child, url, output: () => output };
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('a restart of the server process', () => {
  let dataDir: string;
  beforeAll(() => {
    execFileSync(process.execPath, ['build.mjs'], { cwd: path.join(REPO_ROOT, 'server') });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-restart-'));
  });
  afterAll(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps conversations, messages and the demo login after kill -9', async () => {
    const first = await startProcess(dataDir);
    const login = /console login (\S+) \/ (\S+)/.exec(first.output());
    expect(login).not.toBeNull();
    const visitor: VisitorClient = io(`${first.url}/visitor`, { transports: ['websocket'], forceNew: true, reconnection: false });
    await connected(visitor);
    const { token } = data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
    const answered = nextEvent<ChatMessage>(visitor, 'message:created', (m) => m.author === 'ai');
    data(await visitor.emitWithAck('message:send', { clientId: 'restart-0001', text: 'How do I return an item?' }));
    const aiAnswer = await answered;
    visitor.disconnect();
    await killed(first.child);

    const second = await startProcess(dataDir);
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
      await killed(second.child);
    }
  });
});
