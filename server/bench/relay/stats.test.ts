import { describe, expect, it } from 'vitest';
import { dueAt, latency, ratio, sendsDue } from './stats.js';

describe('open-loop schedule', () => {
  it('owes the first send at once and one more every 1/rate seconds', () => {
    expect(sendsDue(0, 2000)).toBe(1);
    expect(sendsDue(0.49, 2000)).toBe(1);
    expect(sendsDue(0.5, 2000)).toBe(2);
    expect(sendsDue(-1, 2000)).toBe(0);
  });

  it('holds the rate over a run whatever the timer did: a late tick owes the backlog at once', () => {
    expect(sendsDue(999.9, 2000)).toBe(2000);
    expect(sendsDue(37, 500)).toBe(19);
  });

  it('places send n where the schedule owes it', () => {
    for (const rate of [500, 2000, 3]) {
      for (const n of [0, 1, 17, 999]) expect(sendsDue(dueAt(n, rate), rate)).toBe(n + 1);
    }
  });
});

describe('latency', () => {
  it('takes nearest-rank percentiles', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect(latency(samples)).toEqual({ p50_ms: 50, p99_ms: 99, samples: 100 });
    expect(latency([])).toEqual({ p50_ms: 0, p99_ms: 0, samples: 0 });
  });

  it('has no ratio against a zero baseline', () => {
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(1, 4)).toBe(0.25);
  });
});
