import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCK_FILE, lockDataDir } from './data-dir-lock.js';

describe('lockDataDir', () => {
  const dirs: string[] = [];
  const dir = () => {
    const made = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-lock-'));
    dirs.push(made);
    return made;
  };
  afterEach(() => {
    for (const made of dirs.splice(0)) fs.rmSync(made, { recursive: true, force: true });
  });

  it('holds DATA_DIR for one process and tells a second one how to scale out', () => {
    const dataDir = dir();
    const lock = lockDataDir(dataDir);
    expect(fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
    // Held by a live process (this one's parent stands in for another server).
    fs.writeFileSync(path.join(dataDir, LOCK_FILE), `${process.ppid}\n`);
    expect(() => lockDataDir(dataDir)).toThrow(new RegExp(`pid ${process.ppid}\\) is already using .*set DATABASE_URL \\(PostgreSQL\\) and REDIS_URL`));
    fs.writeFileSync(path.join(dataDir, LOCK_FILE), `${process.pid}\n`);
    lock.release();
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
  });

  it('says in one line, as a setting to change, when DATA_DIR cannot be a folder', () => {
    const file = path.join(dir(), 'a-file');
    fs.writeFileSync(file, '');
    for (const dataDir of [path.join(file, 'data'), file]) {
      expect(() => lockDataDir(dataDir)).toThrow(expect.objectContaining({ name: 'ConfigError', message: expect.stringMatching(/^DATA_DIR .*a-file(\/data)? cannot be used \((ENOTDIR: |it is a file).*Point DATA_DIR at a folder this user can write to\.$/) }));
    }
  });

  it('makes the folders DATA_DIR names', () => {
    const nested = path.join(dir(), 'a', 'b', 'data');
    lockDataDir(nested).release();
    expect(fs.statSync(nested).isDirectory()).toBe(true);
  });

  it('takes over the lock of a process that is gone', () => {
    const dataDir = dir();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    fs.writeFileSync(path.join(dataDir, LOCK_FILE), `${gone}\n`);
    const lock = lockDataDir(dataDir);
    expect(fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });
});
