import Database from 'better-sqlite3';
import path from 'node:path';

/**
 * Milliseconds of one fsync'd SQLite commit (WAL, synchronous=FULL) in `dir`: every acked write
 * of the product waits for a sync of its WAL (shared by the writes in flight), the disk is shared
 * with everything else on the machine, and the raw relay never touches it, so the run prints it.
 */
export function commitMs(dir: string, commits = 200): number {
  const db = new Database(path.join(dir, 'probe.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE IF NOT EXISTS probe (n INTEGER)');
    const insert = db.prepare('INSERT INTO probe (n) VALUES (?)');
    const started = performance.now();
    for (let i = 0; i < commits; i++) insert.run(i);
    return Math.round(((performance.now() - started) / commits) * 1000) / 1000;
  } finally {
    db.close();
  }
}
