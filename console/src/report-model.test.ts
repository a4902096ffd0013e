import { describe, expect, it } from 'vitest';
import {
  addDays,
  civilDate,
  countWithShare,
  csatRows,
  dayLabel,
  fillDays,
  labelEvery,
  lastDays,
  niceCeil,
  percent,
  seconds,
  shares,
  stackedBars,
} from './report-model.js';

describe('date ranges', () => {
  it('counts days in the team time zone, today included', () => {
    const at = Date.UTC(2026, 0, 1, 2, 0); // 02:00 UTC on 1 Jan = still 31 Dec in New York
    expect(civilDate(at, 'UTC')).toBe('2026-01-01');
    expect(civilDate(at, 'America/New_York')).toBe('2025-12-31');
    expect(lastDays(7, at, 'UTC')).toEqual({ from: '2025-12-26', to: '2026-01-01' });
    expect(lastDays(30, at, 'Asia/Shanghai')).toEqual({ from: '2025-12-03', to: '2026-01-01' });
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
  });

  it('fills the days the server had nothing for', () => {
    const rows = fillDays([{ day: '2026-03-02', total: 4, aiResolved: 3, handedOff: 1 }], '2026-03-01', '2026-03-03');
    expect(rows.map((r) => [r.day, r.total])).toEqual([
      ['2026-03-01', 0],
      ['2026-03-02', 4],
      ['2026-03-03', 0],
    ]);
  });
});

describe('stackedBars', () => {
  it('stacks AI-resolved, handed off and the rest from the bottom, on a readable axis', () => {
    const chart = stackedBars(
      [
        { day: 'a', total: 7, aiResolved: 4, handedOff: 2 },
        { day: 'b', total: 0, aiResolved: 0, handedOff: 0 },
      ],
      200,
      100,
    );
    expect(chart.max).toBe(10);
    expect(chart.ticks.map((t) => t.value)).toEqual([0, 2, 4, 6, 8, 10]);
    const [a, b] = chart.bars;
    expect(a!.segments.map((s) => [s.kind, s.value, s.y, s.height])).toEqual([
      ['aiResolved', 4, 60, 40],
      ['handedOff', 2, 40, 20],
      ['other', 1, 30, 10],
    ]);
    expect(b!.segments).toEqual([]);
    expect(a!.x).toBeLessThan(b!.x);
  });

  it('keeps an empty chart drawable', () => {
    const chart = stackedBars([], 200, 100);
    expect(chart.max).toBe(1);
    expect(chart.ticks.map((t) => t.value)).toEqual([0, 1]);
    const twenty = stackedBars([{ day: 'a', total: 13, aiResolved: 0, handedOff: 0 }], 10, 10);
    expect(twenty.ticks.map((t) => t.value)).toEqual([0, 5, 10, 15, 20]);
    const two = stackedBars([{ day: 'a', total: 2, aiResolved: 0, handedOff: 0 }], 10, 10);
    expect(two.ticks.map((t) => t.value)).toEqual([0, 1, 2]);
  });

  it('picks 1-2-5 maxima', () => {
    expect([0, 1, 3, 7, 12, 20, 51, 480].map(niceCeil)).toEqual([1, 1, 5, 10, 20, 20, 100, 500]);
  });
});

describe('labels', () => {
  it('formats rates, durations and days', () => {
    expect(percent(null)).toBe('—');
    expect(percent(0.456)).toBe('46%');
    expect([null, 42, 60, 200, 7300].map(seconds)).toEqual(['—', '42 s', '1 min', '3 min 20 s', '2 h 01 min']);
    expect(dayLabel('2026-11-24')).toBe('24 Nov');
    expect(dayLabel('2026-11-24', true)).toBe('Tue 24 Nov');
    expect(labelEvery(30, 10)).toBe(3);
    expect(labelEvery(7, 10)).toBe(1);
  });

  it('shares of a total, and CSAT from 5 down to 1', () => {
    expect(shares([['a', 1], ['b', 3]]).map((s) => s.share)).toEqual([0.25, 0.75]);
    expect(shares([['a', 0]])[0]!.share).toBe(0);
    const rows = csatRows({ '1': 0, '2': 0, '3': 1, '4': 1, '5': 2 });
    expect(rows.map((r) => [r.label, r.value, r.share])).toEqual([
      ['5 ★', 2, 0.5],
      ['4 ★', 1, 0.25],
      ['3 ★', 1, 0.25],
      ['2 ★', 0, 0],
      ['1 ★', 0, 0],
    ]);
  });
});

describe('label figures', () => {
  it('shows a count with its share of the label’s conversations', () => {
    expect(countWithShare(3, 5)).toBe('3 (60%)');
    expect(countWithShare(0, 0)).toBe('0');
    expect(countWithShare(1234, 1234)).toBe('1,234 (100%)');
  });
});
