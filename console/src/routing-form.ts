/**
 * The routing settings form as plain data: `RoutingSettings` ↔ what the inputs hold (strings),
 * and the checks that let the form say what is wrong before the server does, in the console's
 * language (read when checked, so a switch of language words the next check anew).
 */
import { isTimeZone, type BusinessHours, type RoutingSettings, type Weekday } from '@support-chat/shared';
import { fill, t } from './i18n/locale.js';
import { fromRuleRows, toRuleRows, type LabelRuleRow } from './label-rules-form.js';

export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export interface HoursForm {
  start: string;
  end: string;
}

export interface DayForm {
  open: boolean;
  /** One or more ranges (a lunch break makes two); an end before the start runs past midnight. */
  ranges: HoursForm[];
}

/** As many ranges per day as the server takes (businessHoursSchema). */
export const MAX_RANGES_PER_DAY = 6;

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
  /** The label rules (issue 13), a row each. */
  labelRules: LabelRuleRow[];
}

/** A field's problem; `rule3` is the fourth label rule's. */
export type RoutingFormErrors = Partial<Record<'defaultCapacity' | 'graceSeconds' | 'attributes' | 'timeZone' | Weekday | `rule${number}`, string>>;

/** The hours a day gets when it is first opened, or another range added. */
export const DEFAULT_HOURS: HoursForm = { start: '09:00', end: '17:00' };

/** Every range of the schedule, as it is: a day with a lunch break keeps both halves. */
export function toForm(settings: RoutingSettings, fallbackTimeZone: string): RoutingForm {
  const hours = settings.businessHours;
  const days = {} as Record<Weekday, DayForm>;
  for (const day of WEEKDAYS) {
    const ranges = hours?.days[day] ?? [];
    days[day] = ranges.length
      ? { open: true, ranges: ranges.map(([start, end]) => ({ start, end })) }
      : { open: !hours && !['sat', 'sun'].includes(day), ranges: [{ ...DEFAULT_HOURS }] };
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
    labelRules: toRuleRows(settings.labelRules),
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
  const e = t().routing.errors;
  const capacity = integer(form.defaultCapacity, 1, 100);
  if (capacity === null) errors.defaultCapacity = e.capacity;
  const grace = integer(form.graceSeconds, 0, 3600);
  if (grace === null) errors.graceSeconds = e.grace;
  const attributes: RoutingSettings['handoffAttributes'] = [];
  for (const line of lines(form.attributes)) {
    const at = line.indexOf('=');
    const key = line.slice(0, at).trim();
    if (at < 1 || !key) {
      errors.attributes = fill(e.attribute, { line });
      break;
    }
    attributes.push({ key, value: line.slice(at + 1).trim() });
  }
  let businessHours: BusinessHours | null = null;
  if (form.hoursEnabled) {
    if (!isTimeZone(form.timeZone)) errors.timeZone = e.timeZone;
    const days: BusinessHours['days'] = {};
    for (const day of WEEKDAYS) {
      const d = form.days[day];
      if (!d.open) continue;
      const checked = checkDay(d.ranges);
      if (typeof checked === 'string') errors[day] = checked;
      else days[day] = checked;
    }
    businessHours = { timeZone: form.timeZone, days };
  }
  const rules = fromRuleRows(form.labelRules);
  if (!rules.ok) for (const problem of rules.errors) errors[`rule${problem.index}`] = problem.message;
  if (Object.keys(errors).length || !rules.ok) return { ok: false, errors };
  return {
    ok: true,
    settings: {
      assignment: form.assignment,
      defaultCapacity: capacity!,
      disconnectGraceSeconds: grace!,
      handoffKeywords: [...new Set(lines(form.keywords))],
      handoffAttributes: attributes,
      businessHours,
      labelRules: rules.rules,
    },
  };
}

/** A day's ranges, sorted, or what is wrong with them. */
function checkDay(ranges: readonly HoursForm[]): [string, string][] | string {
  const e = t().routing.errors;
  if (ranges.length === 0) return e.noHours;
  if (ranges.length > MAX_RANGES_PER_DAY) return fill(e.tooManyRanges, { n: MAX_RANGES_PER_DAY });
  if (ranges.some((r) => !HHMM.test(r.start) || !HHMM.test(r.end))) return e.timeFormat;
  if (ranges.some((r) => r.start === r.end)) return e.sameStartEnd;
  const sorted = [...ranges].sort((a, b) => a.start.localeCompare(b.start));
  for (let i = 1; i < sorted.length; i++) {
    if (minutesOf(sorted[i]!.start) < endMinutes(sorted[i - 1]!)) return e.overlap;
  }
  return sorted.map((r) => [r.start, r.end]);
}

/** Whether a range ends on the next day (its end is before its start). */
export function runsPastMidnight(range: HoursForm): boolean {
  return HHMM.test(range.start) && HHMM.test(range.end) && range.end < range.start;
}

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

function endMinutes(range: HoursForm): number {
  return minutesOf(range.end) + (runsPastMidnight(range) ? 24 * 60 : 0);
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
