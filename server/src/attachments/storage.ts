/**
 * Where the bytes of attachments live (issue 13), behind one small interface so the domain never
 * knows whether they are files under DATA_DIR (file-storage.ts, the default) or, later, objects
 * in an S3-like bucket. Keys are made by the domain (random, opaque); an adapter may lay them out
 * as it likes.
 */
import type { Readable } from 'node:stream';

export interface AttachmentStorage {
  /**
   * Receives an upload into a staging place, refusing it (`ChatError('too_large')`) as soon as
   * it passes `maxBytes`. Nothing is visible under a key until `commit`.
   */
  stage(source: AsyncIterable<Uint8Array>, options: { maxBytes: number }): Promise<StagedUpload>;
  /** The stored file, or null when there is none under the key (erased, or never committed). */
  open(key: string): Promise<StoredFile | null>;
  /** Deletes the file; a key with no file is not an error (erasures may be repeated). */
  remove(key: string): Promise<void>;
  /**
   * Deletes staged uploads last written before `before` (ms since the epoch): a process killed
   * mid-upload never commits nor discards its staged file. Resolves with how many it deleted.
   */
  sweepStaging(before: number): Promise<number>;
}

export interface StagedUpload {
  readonly size: number;
  /** The staged bytes from the start, for sniffing their type. */
  read(): Readable;
  /** Makes it durable under `key` (synced to disk, or acknowledged by the remote store) before resolving. */
  commit(key: string): Promise<void>;
  /** Drops it (refused, or the request failed). */
  discard(): Promise<void>;
}

export interface StoredFile {
  readonly size: number;
  read(): Readable;
}
