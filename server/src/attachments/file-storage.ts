/**
 * Attachments as files (issue 13): `<dir>/<first 2 characters of the key>/<key>`, staged in
 * `<dir>/.staging` and moved into place by rename once fsynced, the directory synced after, so a
 * committed file survives a power loss and a half-written one is never visible under its key.
 *
 * With several processes (PostgreSQL + Redis), `dir` must be a directory every process reads and
 * writes: the operator shares one (NFS, a mounted volume), set as ATTACHMENTS_DIR. We chose that
 * over PostgreSQL large objects: files stay out of the database's WAL, backups and replication
 * (a 10 MB photo would otherwise cross every replica and every base backup), and an S3-like
 * adapter can take this one's place behind the same interface.
 */
import { createReadStream } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, rm, stat, statfs } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ChatError } from '../errors.js';
import type { AttachmentStorage, StagedUpload, StoredFile } from './storage.js';

/** Keys are the domain's random ids: nothing that could climb out of the directory. */
const KEY = /^[A-Za-z0-9_-]{16,64}$/;

export class FileAttachmentStorage implements AttachmentStorage {
  private readonly staging: string;
  /** The largest sizes of the uploads being received now: counted as taken (a review: uploads at once all passed the check against the same free space). */
  private reserved = 0;

  /**
   * `minFreeBytes`: an upload is refused unless the disk would keep this much free with it
   * (`ATTACHMENTS_MIN_FREE_MB`). Strangers may upload (30 files an hour each, 10 MB apiece), and a
   * disk filled with files stops every chat when the database shares it (a security probe).
   */
  constructor(
    private readonly dir: string,
    private readonly options: { minFreeBytes?: number } = {},
  ) {
    this.staging = path.join(dir, '.staging');
  }

  async stage(source: AsyncIterable<Uint8Array>, { maxBytes }: { maxBytes: number }): Promise<StagedUpload> {
    await mkdir(this.staging, { recursive: true });
    await this.keepFree(maxBytes);
    this.reserved += maxBytes;
    try {
      return await this.receive(source, maxBytes);
    } finally {
      this.reserved -= maxBytes;
    }
  }

  private async receive(source: AsyncIterable<Uint8Array>, maxBytes: number): Promise<StagedUpload> {
    const file = path.join(this.staging, randomUUID());
    const handle = await open(file, 'wx');
    let size = 0;
    try {
      try {
        for await (const chunk of source) {
          size += chunk.byteLength;
          if (size > maxBytes) throw tooLarge(maxBytes);
          await handle.write(chunk);
        }
        // On disk before anything refers to it: the message is appended only after this.
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      await rm(file, { force: true });
      throw error;
    }
    return {
      size,
      read: () => createReadStream(file),
      commit: async (key) => {
        const target = this.pathOf(key);
        await mkdir(path.dirname(target), { recursive: true });
        await rename(file, target);
        await syncDirectory(path.dirname(target));
      },
      discard: () => rm(file, { force: true }),
    };
  }

  private async keepFree(maxBytes: number): Promise<void> {
    const minFree = this.options.minFreeBytes ?? 0;
    if (minFree <= 0) return;
    const { bavail, bsize } = await statfs(this.staging);
    if (bavail * bsize - this.reserved - maxBytes < minFree) {
      throw new ChatError('unavailable', 'The server has no room for files now: describe it in a message instead, or try again later.');
    }
  }

  async open(key: string): Promise<StoredFile | null> {
    const file = this.pathOf(key);
    try {
      const { size } = await stat(file);
      return { size, read: () => createReadStream(file) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async sweepStaging(before: number): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.staging);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0; // nothing was ever uploaded
      throw error;
    }
    let removed = 0;
    const failed: string[] = [];
    for (const name of names) {
      const file = path.join(this.staging, name);
      try {
        const entry = await lstat(file);
        // Written to, chunk after chunk, while its upload goes on: an old one has no upload left.
        // Only files: this process stages nothing else here.
        if (!entry.isFile() || entry.mtimeMs >= before) continue;
        await rm(file, { force: true });
        removed++;
      } catch (error) {
        // Gone since the listing (committed or discarded) is no failure; one file that cannot be
        // deleted (busy, not permitted) must not keep the others from being swept.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') failed.push(`${name}: ${(error as Error).message}`);
      }
    }
    if (failed.length > 0) throw new Error(`${removed} abandoned uploads deleted, ${failed.length} could not be: ${failed.slice(0, 3).join('; ')}`);
    return removed;
  }

  private pathOf(key: string): string {
    if (!KEY.test(key)) throw new Error(`Not an attachment key: ${JSON.stringify(key)}`);
    return path.join(this.dir, key.slice(0, 2), key);
  }
}

function tooLarge(maxBytes: number): ChatError {
  return new ChatError('too_large', `The file is larger than ${formatBytes(maxBytes)}.`);
}

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** A rename is durable once its directory is synced. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
