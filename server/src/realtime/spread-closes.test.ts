import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { closeSpread } from './spread-closes.js';

describe('closeSpread', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const connections = (count: number) => {
    const closed: number[] = [];
    return { closed, list: Array.from({ length: count }, (_, i) => ({ close: () => void closed.push(i) })) };
  };

  it('closes a batch at once and the rest a batch per tick, each once, until all are closed', () => {
    const { closed, list } = connections(25);
    closeSpread(list, { perSecond: 100, tickMs: 100 });
    expect(closed).toHaveLength(10);
    vi.advanceTimersByTime(100);
    expect(closed).toHaveLength(20);
    vi.advanceTimersByTime(100);
    expect(closed).toHaveLength(25);
    vi.advanceTimersByTime(1000);
    expect(closed).toEqual(list.map((_, i) => i));
    expect(vi.getTimerCount()).toBe(0);
  });

  it('closes nothing more once stopped', () => {
    const { closed, list } = connections(25);
    const stop = closeSpread(list, { perSecond: 100, tickMs: 100 });
    stop();
    vi.advanceTimersByTime(1000);
    expect(closed).toHaveLength(10);
  });
});
