import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTypingThrottle } from './typing-throttle.js';

describe('createTypingThrottle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends true once, refreshes while typing continues, and false after going idle', () => {
    const sent: boolean[] = [];
    const throttle = createTypingThrottle({ send: (v) => sent.push(v), refreshMs: 3000, idleMs: 4000, now: Date.now });
    for (let i = 0; i < 10; i++) {
      throttle.input();
      vi.advanceTimersByTime(200);
    }
    expect(sent).toEqual([true]);
    for (let i = 0; i < 10; i++) {
      throttle.input();
      vi.advanceTimersByTime(200);
    }
    expect(sent).toEqual([true, true]);
    throttle.input();
    vi.advanceTimersByTime(3999);
    expect(sent).toEqual([true, true]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([true, true, false]);
  });

  it('stop sends false at once, only if true was sent, and a new keystroke starts over', () => {
    const sent: boolean[] = [];
    const throttle = createTypingThrottle({ send: (v) => sent.push(v), now: Date.now });
    throttle.stop();
    expect(sent).toEqual([]);
    throttle.input();
    throttle.stop();
    throttle.stop();
    vi.advanceTimersByTime(10_000);
    expect(sent).toEqual([true, false]);
    throttle.input();
    expect(sent).toEqual([true, false, true]);
  });
});
