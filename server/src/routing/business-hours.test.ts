import { describe, expect, it } from 'vitest';
import type { BusinessHours } from '@support-chat/shared';
import { zonedToEpoch } from '../time/zoned.js';
import { hoursAt } from './business-hours.js';

const weekdays9to18 = (timeZone: string): BusinessHours => ({
  timeZone,
  days: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['09:00', '18:00']]])),
});

describe('business hours', () => {
  it('is always open without a schedule, never with an empty one', () => {
    expect(hoursAt(null, Date.UTC(2025, 0, 1))).toEqual({ withinHours: true });
    expect(hoursAt({ timeZone: 'UTC', days: {} }, Date.UTC(2025, 0, 1))).toEqual({ withinHours: false });
  });

  it('reads the schedule in its own time zone', () => {
    const shanghai = weekdays9to18('Asia/Shanghai');
    // Wednesday 2025-01-08 02:00 UTC = 10:00 in Shanghai: open.
    expect(hoursAt(shanghai, Date.UTC(2025, 0, 8, 2, 0))).toEqual({ withinHours: true });
    // 10:00 UTC = 18:00 in Shanghai: the end is exclusive; opens Thursday 09:00 Shanghai = 01:00 UTC.
    expect(hoursAt(shanghai, Date.UTC(2025, 0, 8, 10, 0))).toEqual({
      withinHours: false,
      nextOpenAt: Date.UTC(2025, 0, 9, 1, 0),
    });
  });

  it('opens on Monday after a weekend, across the date line', () => {
    // Friday 2025-01-10 23:30 in New York = Saturday 04:30 UTC.
    const ny = weekdays9to18('America/New_York');
    expect(hoursAt(ny, Date.UTC(2025, 0, 11, 4, 30))).toEqual({
      withinHours: false,
      nextOpenAt: Date.UTC(2025, 0, 13, 14, 0), // Monday 09:00 EST
    });
  });

  it('follows daylight saving time', () => {
    // Berlin switches to CEST on Sunday 2025-03-30: Monday 09:00 is 07:00 UTC, not 08:00.
    const berlin = weekdays9to18('Europe/Berlin');
    expect(hoursAt(berlin, Date.UTC(2025, 2, 29, 12, 0)).nextOpenAt).toBe(Date.UTC(2025, 2, 31, 7, 0));
    expect(zonedToEpoch(2025, 3, 28, 9 * 60, 'Europe/Berlin')).toBe(Date.UTC(2025, 2, 28, 8, 0));
  });

  it('handles ranges past midnight and 24:00', () => {
    const nights: BusinessHours = { timeZone: 'UTC', days: { fri: [['22:00', '02:00']], sat: [['20:00', '24:00']] } };
    expect(hoursAt(nights, Date.UTC(2025, 0, 11, 1, 0)).withinHours).toBe(true); // Sat 01:00, from Friday's range
    expect(hoursAt(nights, Date.UTC(2025, 0, 11, 2, 0))).toEqual({ withinHours: false, nextOpenAt: Date.UTC(2025, 0, 11, 20, 0) });
    expect(hoursAt(nights, Date.UTC(2025, 0, 11, 23, 59)).withinHours).toBe(true);
  });
});
