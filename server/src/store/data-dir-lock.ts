import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config.js';

export const LOCK_FILE = 'support-chat.lock';

/** Whether `pid` is a running process (EPERM: it runs, as another user). */
function alive(pid: number): boolean {
  if (pid === process.pid) return false; // our own pid in a lock we did not write: a container restarted
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * `mkdir -p`, one folder at a time. Node's `mkdirSync(dir, { recursive: true })` never returns
 * where mkdir answers ENOENT under a parent that exists (`DATA_DIR=/proc/x`, a probe: it makes
 * the parent again, then the child again, forever); one at a time, that ENOENT is the error.
 */
function makeFolders(dir: string): void {
  const missing: string[] = [];
  for (let folder = path.resolve(dir); !fs.existsSync(folder); folder = path.dirname(folder)) {
    missing.unshift(folder);
    if (path.dirname(folder) === folder) break;
  }
  for (const folder of missing) {
    try {
      fs.mkdirSync(folder);
    } catch (error) {
      // Made meanwhile (another process starting): as good as made here.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/**
 * One process per SQLite `DATA_DIR` (issue 10): a second one would share the file, answer
 * "database is locked" and never see the first one's live events. The lock file is created
 * exclusively (`wx`) with our pid and removed on exit; a lock whose process is gone (kill -9, a
 * crash) is taken over. Not proof against two processes taking over one stale lock in the same
 * instant, nor across hosts or containers sharing a volume: it is a guard for operators, the
 * message says how to scale out instead.
 */
export function lockDataDir(dataDir: string): { release(): void } {
  const file = path.join(dataDir, LOCK_FILE);
  // The first thing to touch DATA_DIR: a folder this user may not write to (EACCES, EROFS), or a
  // path that is a file (ENOTDIR), is a setting to change, said in one line (a probe got a stack).
  const unusable = (error: unknown) =>
    new ConfigError(`DATA_DIR ${dataDir} cannot be used (${(error as Error).message}). Point DATA_DIR at a folder this user can write to.`);
  try {
    makeFolders(dataDir);
    if (!fs.statSync(dataDir).isDirectory()) throw new Error('it is a file, not a folder');
  } catch (error) {
    throw unusable(error);
  }
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw unusable(error);
      if (attempt > 0) throw error;
    }
    const holder = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
      throw new ConfigError(
        `Another support-chat process (pid ${holder}) is already using ${dataDir}. ` +
          'One process serves a SQLite DATA_DIR. To run several processes, set DATABASE_URL (PostgreSQL) and REDIS_URL ' +
          `on every process; to run a second separate site, give it another DATA_DIR. (If pid ${holder} is not support-chat, delete ${file}.)`,
      );
    }
    fs.rmSync(file, { force: true });
  }
  const release = () => {
    try {
      if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.rmSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  };
  process.once('exit', release);
  return {
    release: () => {
      process.off('exit', release);
      release();
    },
  };
}
