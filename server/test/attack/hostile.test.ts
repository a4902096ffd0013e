import { Encoder, PacketType } from 'socket.io-parser';
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

  it("leaves out an own __proto__ field beside a binary, as socket.io-parser's copy of the packet does", () => {
    // Seed 3409097167: a computed key makes `__proto__` an own field; beside a binary, the parser's
    // copy (`copy[key] = …`) sets it as the copy's prototype instead, and JSON leaves it out.
    const withProto = (value: unknown[]) => ({ ['__proto__']: value });
    const big = 'a'.repeat(70_000);
    expect(oversize('handoff:request', [withProto([Buffer.alloc(4), big]), 1])).toBe(false);
    expect(oversize('handoff:request', [withProto([big]), 1])).toBe(true);
    // What the client's encoder writes, the oracle's reference.
    const largestFrame = (args: unknown[]) =>
      Math.max(...new Encoder().encode({ type: PacketType.EVENT, nsp: '/visitor', data: ['handoff:request', ...args] }).map((f) => (typeof f === 'string' ? Buffer.byteLength(f) : f.byteLength)));
    expect(largestFrame([withProto([Buffer.alloc(4), big]), 1])).toBeLessThan(1_000);
    expect(largestFrame([withProto([big]), 1])).toBeGreaterThan(70_000);
  });

  it('expects the connection dropped for more binary attachments than the parser takes', () => {
    expect(oversize('message:send', [{ parts: Array.from({ length: 10 }, () => new Uint8Array(4)) }])).toBe(false);
    expect(oversize('message:send', [{ parts: Array.from({ length: 11 }, () => new Uint8Array(4)) }])).toBe(true);
  });
});
