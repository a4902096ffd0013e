import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { WalSync } from './wal-sync.js';

describe('WalSync', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  function walDatabase(): { db: Database.Database; file: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-wal-'));
    dirs.push(dir);
    const file = path.join(dir, 'db.sqlite');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (v TEXT)');
    return { db, file };
  }

  it('shares one fsync among the writes that wait together, and one more among those that came during it', async () => {
    const { db, file } = walDatabase();
    const wal = WalSync.open(file);
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const first = Array.from({ length: 100 }, (_, i) => {
      insert.run(`a${i}`);
      return wal.flush();
    });
    await Promise.resolve(); // the first sync is under way; these wait for the next
    const second = Array.from({ length: 100 }, (_, i) => {
      insert.run(`b${i}`);
      return wal.flush();
    });
    await Promise.all([...first, ...second]);
    expect(wal.syncCount).toBe(2);
    await wal.close();
    db.close();
  });

  it('blocking (the writer thread): each flush has synced before it returns, and none once closed', async () => {
    const { db, file } = walDatabase();
    const wal = WalSync.open(file, { blocking: true });
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const flushes = Array.from({ length: 3 }, (_, i) => {
      insert.run(`a${i}`);
      const flushed = wal.flush();
      expect(wal.syncCount).toBe(i + 1); // synced already, before anyone awaited
      return flushed;
    });
    await Promise.all(flushes);
    await wal.close();
    await expect(wal.flush()).rejects.toThrow(/closed/);
    db.close();
  });

  it('refuses to flush once closed, rather than acknowledging a write it did not sync', async () => {
    const { db, file } = walDatabase();
    const wal = WalSync.open(file);
    await wal.close();
    await expect(wal.flush()).rejects.toThrow(/closed/);
    db.close();
  });
});
