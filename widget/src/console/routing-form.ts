/**
 * The routing settings form as plain data: `RoutingSettings` ↔ what the inputs hold (strings),
 * and the checks that let the form say what is wrong before the server does.
 */
import { isTimeZone, type BusinessHours, type RoutingSettings, type Weekday } from '@support-chat/shared';

export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
export const WEEKDAY_NAMES: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

export interface DayForm {
  open: boolean;
  start: string;
  end: string;
}

export interface RoutingForm {
  assignment: RoutingSettings['assignment'];
  defaultCapacity: string;
  graceSeconds: string;
  /** One keyword or phrase per line. */
  keywords: string;
  /** `key=value`, one per line. */
  attributes: string;
  hoursEnabled: boolean;
  timeZone: string;
  days: Record<Weekday, DayForm>;
}

export type RoutingFormErrors = Partial<Record<'defaultCapacity' | 'graceSeconds' | 'attributes' | 'timeZone' | Weekday, string>>;

const DEFAULT_DAY: DayForm = { open: false, start: '09:00', end: '17:00' };

/** One range per day in the form; a schedule with more keeps its first and last times. */
export function toForm(settings: RoutingSettings, fallbackTimeZone: string): RoutingForm {
  const hours = settings.businessHours;
  const days = {} as Record<Weekday, DayForm>;
  for (const day of WEEKDAYS) {
    const ranges = hours?.days[day] ?? [];
    days[day] = ranges.length
      ? { open: true, start: ranges[0]![0], end: ranges[ranges.length - 1]![1] }
      : { ...DEFAULT_DAY, open: !hours && !['sat', 'sun'].includes(day) };
  }
  return {
    assignment: settings.assignment,
    defaultCapacity: String(settings.defaultCapacity),
    graceSeconds: String(settings.disconnectGraceSeconds),
    keywords: settings.handoffKeywords.join('\n'),
    attributes: settings.handoffAttributes.map((a) => `${a.key}=${a.value}`).join('\n'),
    hoursEnabled: hours !== null,
    timeZone: hours?.timeZone ?? fallbackTimeZone,
    days,
  };
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

function integer(text: string, min: number, max: number): number | null {
  if (!/^\s*\d+\s*$/.test(text)) return null;
  const n = Number(text);
  return n >= min && n <= max ? n : null;
}

export function fromForm(form: RoutingForm): { ok: true; settings: RoutingSettings } | { ok: false; errors: RoutingFormErrors } {
  const errors: RoutingFormErrors = {};
  const capacity = integer(form.defaultCapacity, 1, 100);
  if (capacity === null) errors.defaultCapacity = 'A whole number from 1 to 100.';
  const grace = integer(form.graceSeconds, 0, 3600);
  if (grace === null) errors.graceSeconds = 'Seconds, from 0 to 3600.';
  const attributes: RoutingSettings['handoffAttributes'] = [];
  for (const line of lines(form.attributes)) {
    const at = line.indexOf('=');
    const key = line.slice(0, at).trim();
    if (at < 1 || !key) {
      errors.attributes = `"${line}" is not key=value.`;
      break;
    }
    attributes.push({ key, value: line.slice(at + 1).trim() });
  }
  let businessHours: BusinessHours | null = null;
  if (form.hoursEnabled) {
    if (!isTimeZone(form.timeZone)) errors.timeZone = 'Pick a time zone from the list.';
    const days: BusinessHours['days'] = {};
    for (const day of WEEKDAYS) {
      const d = form.days[day];
      if (!d.open) continue;
      if (!HHMM.test(d.start) || !HHMM.test(d.end)) errors[day] = 'Times as HH:MM.';
      else if (d.start >= d.end) errors[day] = 'The end must be after the start.';
      else days[day] = [[d.start, d.end]];
    }
    businessHours = { timeZone: form.timeZone, days };
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    settings: {
      assignment: form.assignment,
      defaultCapacity: capacity!,
      disconnectGraceSeconds: grace!,
      handoffKeywords: [...new Set(lines(form.keywords))],
      handoffAttributes: attributes,
      businessHours,
    },
  };
}

function lines(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Every IANA zone the browser knows, for the select; the current one kept even if unknown. */
export function timeZones(current: string): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: 'timeZone') => string[] };
  const all = intl.supportedValuesOf?.('timeZone') ?? ['UTC'];
  return all.includes(current) || !current ? all : [current, ...all];
}
