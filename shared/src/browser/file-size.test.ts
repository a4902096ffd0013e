import { describe, expect, it } from 'vitest';
import { fileSize } from './file-size.js';

describe('fileSize', () => {
  it('reads as people read sizes: bytes under a kilobyte (an 18-byte file read "1 KB"), then KB, then MB', () => {
    expect([0, 18, 1023, 1024, 1536, 850 * 1024, 1024 * 1024, 1.25 * 1024 * 1024].map(fileSize)).toEqual([
      '0 B',
      '18 B',
      '1023 B',
      '1 KB',
      '2 KB',
      '850 KB',
      '1.0 MB',
      '1.3 MB',
    ]);
  });
});
