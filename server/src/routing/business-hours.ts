import type { BusinessHours, Weekday } from '@support-chat/shared';
import { zonedParts, zonedToEpoch } from '../time/zoned.js';

const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export interface HoursState {
  withinHours: boolean;
  /** When the schedule next opens, when outside it (absent when it never opens). */
  nextOpenAt?: number;
}

/**
 * Is `now` inside the weekly schedule, and if not, when does it open next? Each day's ranges are
 * [start, end) in the schedule's own time zone (DST included); `24:00` ends at midnight, and a
 * range whose end is not after its start runs past midnight into the next day. No schedule means
 * always open; a schedule with no ranges means never.
 */
export function hoursAt(hours: BusinessHours | null, now: number): HoursState {
  if (!hours) return { withinHours: true };
  const today = zonedParts(now, hours.timeZone);
  let nextOpenAt: number | undefined;
  // From yesterday (a range running past midnight) to a week ahead.
  for (let offset = -1; offset <= 7; offset++) {
    const day = WEEKDAYS[(today.weekday + offset + 7) % 7]!;
    for (const [from, to] of hours.days[day] ?? []) {
      const startMin = minutes(from);
      let endMin = minutes(to);
      if (endMin === startMin) continue;
      if (endMin < startMin) endMin += 24 * 60;
      const start = zonedToEpoch(today.year, today.month, today.day + offset, startMin, hours.timeZone);
      const end = zonedToEpoch(today.year, today.month, today.day + offset, endMin, hours.timeZone);
      if (start <= now && now < end) return { withinHours: true };
      if (start > now && (nextOpenAt === undefined || start < nextOpenAt)) nextOpenAt = start;
    }
  }
  return nextOpenAt === undefined ? { withinHours: false } : { withinHours: false, nextOpenAt };
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}
