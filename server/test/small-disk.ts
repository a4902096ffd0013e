/**
 * A real, small filesystem for a test's DATA_DIR (issue 11: "disk full"): a tmpfs mount of a few
 * megabytes in a temp directory, made full by a ballast file and freed by deleting it. Nothing is
 * mocked: SQLite meets ENOSPC from the kernel exactly as on a full disk.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface SmallDisk {
  dir: string;
  /** Writes a ballast file until the filesystem refuses (ENOSPC); returns the bytes written. */
  fill(): number;
  /** Deletes the ballast: the space is back. */
  free(): void;
  /** Unmounts and removes the mount point. */
  remove(): void;
}

/** Mounts a tmpfs of `megabytes` at a new temp directory, or says why it cannot. */
export function mountSmallDisk(megabytes: number): SmallDisk | string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return stderr || (error as Error).message;
  }
  const ballast = path.join(dir, 'ballast');
  return {
    dir,
    fill() {
      const chunk = Buffer.alloc(64 * 1024, 1);
      const fd = fs.openSync(ballast, 'a');
      let written = 0;
      try {
        for (;;) written += fs.writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        fs.closeSync(fd);
      }
      // The last partial chunk: fill the remaining bytes one small write at a time.
      const tail = fs.openSync(ballast, 'a');
      try {
        for (;;) written += fs.writeSync(tail, chunk, 0, 512);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        fs.closeSync(tail);
      }
      return written;
    },
    free() {
      fs.rmSync(ballast, { force: true });
    },
    remove() {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A mount that succeeds, or throws: for `beforeAll`, once `skipWithoutSmallDisk` said it can. */
export function mountSmallDiskOrThrow(megabytes: number): SmallDisk {
  const disk = mountSmallDisk(megabytes);
  if (typeof disk === 'string') throw new Error(`cannot mount a ${megabytes} MB tmpfs: ${disk}`);
  return disk;
}

/**
 * Whether to skip: tries a mount (and unmounts it at once, so a suite that never runs leaves
 * nothing mounted). Skips, with one loud line, only where mounting is impossible (not root, no
 * rights in this mount namespace); a CI machine that runs as root can mount, so there it fails.
 */
export function skipWithoutSmallDisk(suite: string): boolean {
  const probe = mountSmallDisk(1);
  if (typeof probe !== 'string') {
    probe.remove();
    return false;
  }
  if (process.env.CI === 'true' && process.getuid?.() === 0) {
    throw new Error(`${suite}: running as root under CI=true, yet a tmpfs could not be mounted: ${probe}`);
  }
  console.warn(`⚠ SKIPPED ${suite}: cannot mount a small tmpfs for DATA_DIR (${probe}); run as root to test a full disk.`);
  return true;
}
