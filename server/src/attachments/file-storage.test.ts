import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileAttachmentStorage } from './file-storage.js';

async function* bytes(text: string): AsyncIterable<Uint8Array> {
  yield Buffer.from(text);
}

describe('FileAttachmentStorage', () => {
  it('refuses an upload that would leave the disk with less than the free space to keep, and keeps nothing of it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-files-'));
    try {
      const free = fs.statfsSync(dir);
      const freeBytes = free.bavail * free.bsize;
      // More than this disk has free (by a margin other tests' files cannot move): refused before a byte is written.
      const full = new FileAttachmentStorage(dir, { minFreeBytes: freeBytes + 1024 ** 3 });
      await expect(full.stage(bytes('photo'), { maxBytes: 100 })).rejects.toMatchObject({ code: 'unavailable' });
      expect(fs.readdirSync(path.join(dir, '.staging'))).toEqual([]);
      // The upload's own largest size counts: room for the floor, not for the floor and the file.
      const tight = new FileAttachmentStorage(dir, { minFreeBytes: freeBytes - 1024 * 1024 });
      await expect(tight.stage(bytes('photo'), { maxBytes: 1024 ** 3 })).rejects.toMatchObject({ code: 'unavailable' });
      const roomy = new FileAttachmentStorage(dir, { minFreeBytes: 1024 * 1024 });
      expect((await roomy.stage(bytes('photo'), { maxBytes: 100 })).size).toBe(5);

      // Uploads at once: the one still being received counts with its largest size.
      const shared = new FileAttachmentStorage(dir, { minFreeBytes: freeBytes - 1.5 * 1024 ** 3 });
      let finish!: () => void;
      const held = new Promise<void>((resolve) => (finish = resolve));
      async function* slow(): AsyncIterable<Uint8Array> {
        yield Buffer.from('first ');
        await held;
        yield Buffer.from('half');
      }
      const first = shared.stage(slow(), { maxBytes: 1024 ** 3 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      await expect(shared.stage(bytes('second'), { maxBytes: 1024 ** 3 })).rejects.toMatchObject({ code: 'unavailable' });
      finish();
      expect((await first).size).toBe(10);
      // Received and on disk: no longer reserved (what it took shows in the free space itself).
      expect((await shared.stage(bytes('third'), { maxBytes: 1024 ** 3 })).size).toBe(5);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sweeps the staged uploads left unwritten since before a time, and only those', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-files-'));
    try {
      const storage = new FileAttachmentStorage(dir);
      // Nothing uploaded yet: no staging directory, nothing to sweep.
      expect(await storage.sweepStaging(Date.now())).toBe(0);
      // A process killed mid-upload: staged, never committed nor discarded.
      await storage.stage(bytes('abandoned'), { maxBytes: 100 });
      const staging = path.join(dir, '.staging');
      const [abandoned] = fs.readdirSync(staging);
      const anHourAgo = new Date(Date.now() - 60 * 60 * 1000);
      fs.utimesSync(path.join(staging, abandoned!), anHourAgo, anHourAgo);
      // One received just now, not yet committed (its request still checking it), and one that
      // goes on to be committed.
      const current = await storage.stage(bytes('current'), { maxBytes: 100 });
      const committed = await storage.stage(bytes('committed'), { maxBytes: 100 });
      await committed.commit('committed-file-key-01');

      expect(await storage.sweepStaging(Date.now() - 30 * 60 * 1000)).toBe(1);
      expect(fs.readdirSync(staging)).toHaveLength(1);
      expect((await storage.open('committed-file-key-01'))?.size).toBe('committed'.length);
      // The one still in progress commits as if nothing happened.
      await current.commit('current-file-key-0001');
      expect((await storage.open('current-file-key-0001'))?.size).toBe('current'.length);
      expect(fs.readdirSync(staging)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sweeps the abandoned uploads past an entry that is not a file (it used to stop there)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-files-'));
    try {
      const storage = new FileAttachmentStorage(dir);
      const staging = path.join(dir, '.staging');
      const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
      // Not a file, and old: left alone wherever the listing puts it (`rm` of a directory fails,
      // which used to end the sweep), and the files swept all the same.
      fs.mkdirSync(path.join(staging, 'aaa-a-directory'), { recursive: true });
      for (const name of ['bbb', 'ccc']) {
        fs.writeFileSync(path.join(staging, name), 'x');
        fs.utimesSync(path.join(staging, name), old, old);
      }
      fs.utimesSync(path.join(staging, 'aaa-a-directory'), old, old);
      expect(await storage.sweepStaging(Date.now())).toBe(2);
      expect(fs.readdirSync(staging)).toEqual(['aaa-a-directory']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
