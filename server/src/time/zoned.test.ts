import { describe, expect, it } from 'vitest';
import { dayKey, isDay, nextDay, startOfDay } from './zoned.js';

describe('calendar days in a time zone', () => {
  it('finds where a day starts, across daylight-saving changes', () => {
    expect(startOfDay('2026-11-24', 'UTC')).toBe(Date.UTC(2026, 10, 24));
    expect(startOfDay('2026-11-24', 'Asia/Shanghai')).toBe(Date.UTC(2026, 10, 23, 16));
    // New York: EST (UTC-5) in January, EDT (UTC-4) in July, and the spring-forward day itself.
    expect(startOfDay('2026-01-15', 'America/New_York')).toBe(Date.UTC(2026, 0, 15, 5));
    expect(startOfDay('2026-07-15', 'America/New_York')).toBe(Date.UTC(2026, 6, 15, 4));
    expect(startOfDay('2026-03-08', 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 5));
  });

  it('names the day an instant falls on where the team is', () => {
    const lateEvening = Date.UTC(2026, 10, 24, 20); // 04:00 on the 25th in Shanghai
    expect(dayKey(lateEvening, 'UTC')).toBe('2026-11-24');
    expect(dayKey(lateEvening, 'Asia/Shanghai')).toBe('2026-11-25');
  });

  it('steps days and validates them', () => {
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
    expect(nextDay('2028-02-28')).toBe('2028-02-29');
    expect(isDay('2026-11-24')).toBe(true);
    expect(isDay('2026-13-01')).toBe(false);
    expect(isDay('2026-02-30')).toBe(false);
    expect(isDay('yesterday')).toBe(false);
  });
});
