/**
 * A DATA_DIR the system will not make is refused in one line, by the built server. Under /proc,
 * mkdir answers ENOENT under a folder that exists, and Node's recursive mkdirSync looped there for
 * ever (a probe): run as a child with a deadline, so that a return of the loop fails this test
 * instead of hanging the run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { requireBuiltServer, SERVER_MAIN } from './server-process.js';

describe.skipIf(!fs.existsSync('/proc/self'))('a DATA_DIR that cannot be made (Linux /proc)', () => {
  it('stops the server at once with a one-line error', () => {
    requireBuiltServer();
    const dataDir = `/proc/support-chat-${process.pid}/data`;
    const run = spawnSync(process.execPath, [SERVER_MAIN], {
      env: { ...process.env, DATA_DIR: dataDir, PORT: '0', KNOWLEDGE_WATCH: 'false' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.signal).toBeNull(); // not killed at the deadline
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      `support-chat: DATA_DIR ${dataDir} cannot be used (ENOENT: no such file or directory, mkdir '/proc/support-chat-${process.pid}'). Point DATA_DIR at a folder this user can write to.`,
    );
  }, 30_000);
});
