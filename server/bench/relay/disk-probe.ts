import Database from 'better-sqlite3';
import path from 'node:path';

/**
 * Milliseconds of one fsync'd SQLite commit (WAL, synchronous=FULL, as the product's store) in
 * `dir`: the disk is shared with everything else on the machine, and the product's figures move
 * with it while the raw relay's do not, so the run prints it beside them.
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
