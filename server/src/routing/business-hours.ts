import type { BusinessHours, Weekday } from '@support-chat/shared';

const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DAY_NAMES: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

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
  const today = localDate(now, hours.timeZone);
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

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function parts(epoch: number, timeZone: string) {
  const p: Record<string, string> = {};
  for (const { type, value } of formatter(timeZone).formatToParts(epoch)) p[type] = value;
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour) % 24,
    minute: Number(p.minute),
    second: Number(p.second),
    weekday: DAY_NAMES[p.weekday!] ?? 0,
  };
}

function localDate(epoch: number, timeZone: string) {
  const { year, month, day, weekday } = parts(epoch, timeZone);
  return { year, month, day, weekday };
}

/** The zone's offset from UTC at `epoch`, in ms. */
function offsetAt(epoch: number, timeZone: string): number {
  const p = parts(epoch, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(epoch / 1000) * 1000;
}

/** The instant a wall-clock time (day and minutes may overflow: Date.UTC normalises) happens in `timeZone`. */
export function zonedToEpoch(year: number, month: number, day: number, minuteOfDay: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, 0, minuteOfDay);
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  return second;
}
