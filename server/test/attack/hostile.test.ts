import { describe, expect, it } from 'vitest';
import { oversize } from './hostile.js';

// The fuzz's oracle for "the server must drop this connection" (socket-fuzz.attack.test.ts).
describe('oversize', () => {
  it('counts a real buffer as its own frame, and a plain object shaped like one as JSON text', () => {
    // Seed 3380035118: a 40 KB string of 3-byte characters beside a forged `{ type: 'Buffer' }` object.
    const forged = { type: 'Buffer', data: Array.from({ length: 10_000 }, () => 255) };
    expect(oversize('message:rate', [{ text: '中'.repeat(12_000), forged }])).toBe(true);
    expect(oversize('message:rate', [{ file: Buffer.alloc(40_000) }])).toBe(false);
    expect(oversize('message:rate', [{ file: Buffer.alloc(70_000) }])).toBe(true);
  });

  it('expects the connection dropped for more binary attachments than the parser takes', () => {
    expect(oversize('message:send', [{ parts: Array.from({ length: 10 }, () => new Uint8Array(4)) }])).toBe(false);
    expect(oversize('message:send', [{ parts: Array.from({ length: 11 }, () => new Uint8Array(4)) }])).toBe(true);
  });
});
