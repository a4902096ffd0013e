/**
 * One process per SQLite DATA_DIR, on the built server (what `npm start` runs): a second process
 * refuses to start and says how to scale out; a killed one's lock is taken over; a stopped one's
 * lock is gone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../src/store/data-dir-lock.js';
import { requireBuiltServer, startServerProcess } from './server-process.js';

describe('the SQLite data directory lock', () => {
  let dataDir: string;
  beforeAll(() => {
    requireBuiltServer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-lock-'));
  });
  afterAll(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lets one process at a time serve a DATA_DIR', async () => {
    const first = await startServerProcess({ DATA_DIR: dataDir, KNOWLEDGE_WATCH: 'false' });
    expect(first.output()).toMatch(/mode {10}one process, SQLite in/);
    const refused = await startServerProcess({ DATA_DIR: dataDir, KNOWLEDGE_WATCH: 'false' }).then(
      () => 'started',
      (error: Error) => error.message,
    );
    expect(refused).toMatch(/server exited with 1/);
    expect(refused).toContain(`Another support-chat process (pid ${first.child.pid}) is already using ${dataDir}`);
    expect(refused).toContain('set DATABASE_URL (PostgreSQL) and REDIS_URL');

    await first.kill('SIGKILL');
    const second = await startServerProcess({ DATA_DIR: dataDir, KNOWLEDGE_WATCH: 'false' });
    expect(fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8').trim()).toBe(String(second.child.pid));
    await second.kill('SIGTERM');
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
  });

  it('refuses to start naming the setting, without a stack: a missing KNOWLEDGE_DIR, a HOST it cannot listen on', async () => {
    const refusal = (env: Record<string, string>) =>
      startServerProcess({ DATA_DIR: dataDir, KNOWLEDGE_WATCH: 'false', ...env }).then(
        async (node) => {
          await node.kill('SIGKILL');
          return 'started';
        },
        (error: Error) => error.message,
      );
    const cases: [Record<string, string>, RegExp][] = [
      [{ KNOWLEDGE_DIR: path.join(dataDir, 'no-such-folder') }, /KNOWLEDGE_DIR .*no-such-folder is not a directory/],
      [{ HOST: 'nosuch.invalid' }, /Cannot listen on nosuch\.invalid:\d+ \(HOST, PORT\)/],
    ];
    for (const [env, expected] of cases) {
      const said = await refusal(env);
      expect(said, JSON.stringify(env)).toMatch(expected);
      expect(said, JSON.stringify(env)).not.toMatch(/^\s+at /m);
    }
  });
});
