/** Which real SQLite failures mean "the store cannot write now" (issue 11), and which do not. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatError } from '../errors.js';
import { isSqliteUnavailable, StoreThreadError, toStoreError, withStoreErrors } from './store-errors.js';

const thrown = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};

describe('isSqliteUnavailable', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is true for SQLITE_FULL (max_page_count reached, as on a full disk), READONLY and CANTOPEN', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (x TEXT)');
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    const full = thrown(() => db.prepare('INSERT INTO t VALUES (?)').run('x'.repeat(10_000)));
    expect((full as { code: string }).code).toBe('SQLITE_FULL');
    expect(isSqliteUnavailable(full)).toBe(true);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-store-errors-'));
    dirs.push(dir);
    new Database(path.join(dir, 'a.sqlite')).exec('CREATE TABLE t (x)');
    const readonly = new Database(path.join(dir, 'a.sqlite'), { readonly: true });
    const refused = thrown(() => readonly.exec('INSERT INTO t VALUES (1)'));
    expect((refused as { code: string }).code).toMatch(/^SQLITE_READONLY/);
    expect(isSqliteUnavailable(refused)).toBe(true);
    // The writer thread opens with fileMustExist: the file was removed under it.
    const cantOpen = thrown(() => new Database(path.join(dir, 'gone.sqlite'), { fileMustExist: true }));
    expect((cantOpen as { code: string }).code).toBe('SQLITE_CANTOPEN');
    expect(isSqliteUnavailable(cantOpen)).toBe(true);
  });

  it('is false for constraints, bad SQL and bugs, which a retry would not fix', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (x TEXT PRIMARY KEY)');
    db.prepare('INSERT INTO t VALUES (?)').run('a');
    const duplicate = thrown(() => db.prepare('INSERT INTO t VALUES (?)').run('a'));
    expect((duplicate as { code: string }).code).toBe('SQLITE_CONSTRAINT_PRIMARYKEY');
    expect(isSqliteUnavailable(duplicate)).toBe(false);
    expect(isSqliteUnavailable(thrown(() => db.exec('SELEC 1')))).toBe(false);
    expect(isSqliteUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isSqliteUnavailable(new StoreThreadError('The store writer thread exited (1)'))).toBe(true);
    expect(isSqliteUnavailable(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }))).toBe(true);
  });
});

describe('withStoreErrors', () => {
  it('maps the failures of async and sync methods, and leaves ChatErrors and others alone', async () => {
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    const store = withStoreErrors(
      {
        async write() {
          throw full;
        },
        read() {
          throw full;
        },
        async refuse() {
          throw new ChatError('conflict', 'taken');
        },
        async ok() {
          return 1;
        },
      },
      isSqliteUnavailable,
    );
    await expect(store.write()).rejects.toMatchObject({ code: 'store_unavailable', cause: full });
    expect(thrown(() => store.read())).toMatchObject({ code: 'store_unavailable' });
    await expect(store.refuse()).rejects.toMatchObject({ code: 'conflict' });
    expect(await store.ok()).toBe(1);
    expect(toStoreError(new RangeError('bug'), isSqliteUnavailable)).toBeInstanceOf(RangeError);
  });
});
