import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { newClientId, TypingThrottle } from './typing.js';

describe('client ids', () => {
  it('makes client ids the server accepts', () => {
    const ids = new Set(Array.from({ length: 100 }, newClientId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
  });
});

describe('TypingThrottle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends true at most every 2 s while typing and false after 3 s idle', () => {
    const sent: boolean[] = [];
    const t = new TypingThrottle((typing) => sent.push(typing));
    t.set(true);
    vi.advanceTimersByTime(500);
    t.set(true);
    vi.advanceTimersByTime(500);
    t.set(true);
    expect(sent).toEqual([true]);
    vi.advanceTimersByTime(1100);
    t.set(true);
    expect(sent).toEqual([true, true]);
    vi.advanceTimersByTime(3000);
    expect(sent).toEqual([true, true, false]);
  });

  it('sends false once on stop, and nothing when not typing', () => {
    const sent: boolean[] = [];
    const t = new TypingThrottle((typing) => sent.push(typing));
    t.set(false);
    t.set(true);
    t.set(false);
    t.set(false);
    vi.advanceTimersByTime(5000);
    expect(sent).toEqual([true, false]);
  });
});
