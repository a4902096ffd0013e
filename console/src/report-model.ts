/**
 * The reports page without the rendering: date ranges in the team's time zone, and the numbers
 * and geometry the hand-made SVG charts draw. Pure, unit-tested.
 */
import type { ReportSummary } from '@support-chat/shared';
import { consoleLocale, fill, num, t } from './i18n/locale.js';

export type DayRow = ReportSummary['conversationsPerDay'][number];

/** "YYYY-MM-DD" of an instant in a time zone. */
export function civilDate(at: number, timeZone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** The last `days` days, today included, as the server's `from`/`to` query. */
export function lastDays(days: number, now: number, timeZone: string): { from: string; to: string } {
  const to = civilDate(now, timeZone);
  return { from: addDays(to, -(days - 1)), to };
}

/** Every day of the range, with zeros where the server had nothing, so the bars keep their dates. */
export function fillDays(rows: readonly DayRow[], from: string, to: string): DayRow[] {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const out: DayRow[] = [];
  for (let day = from; day <= to && out.length < 400; day = addDays(day, 1)) {
    out.push(byDay.get(day) ?? { day, total: 0, aiResolved: 0, handedOff: 0 });
  }
  return out;
}

/** The smallest 1, 2 or 5 × 10ⁿ at or above `n` (an axis maximum people can read). */
export function niceCeil(n: number): number {
  if (n <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(n));
  const step = [1, 2, 5, 10].find((s) => s * magnitude >= n) ?? 10;
  return step * magnitude;
}

export interface BarSegment {
  kind: 'aiResolved' | 'handedOff' | 'other';
  value: number;
  y: number;
  height: number;
}

export interface Bar {
  day: string;
  x: number;
  width: number;
  total: number;
  segments: BarSegment[];
}

export interface BarChart {
  max: number;
  ticks: { value: number; y: number }[];
  bars: Bar[];
}

/**
 * Stacked daily bars: resolved by the AI at the bottom, handed to a person above, the rest
 * (still open, or closed otherwise) on top. `height` is the plot area; y grows downwards.
 */
export function stackedBars(rows: readonly DayRow[], width: number, height: number): BarChart {
  const max = niceCeil(Math.max(0, ...rows.map((r) => r.total)));
  const slot = rows.length ? width / rows.length : width;
  const barWidth = Math.max(2, Math.min(36, slot * 0.7));
  const scale = (v: number) => (v / max) * height;
  const bars = rows.map((r, i) => {
    const other = Math.max(0, r.total - r.aiResolved - r.handedOff);
    let top = height;
    const segments: BarSegment[] = [];
    for (const [kind, value] of [['aiResolved', r.aiResolved], ['handedOff', r.handedOff], ['other', other]] as const) {
      if (value <= 0) continue;
      const h = scale(value);
      top -= h;
      segments.push({ kind, value, y: top, height: h });
    }
    return { day: r.day, x: i * slot + (slot - barWidth) / 2, width: barWidth, total: r.total, segments };
  });
  // 10 → 0, 2 … 10; 20 → 0, 5 … 20; 50 → 0, 10 … 50; never fractions of a conversation.
  const mantissa = max / 10 ** Math.floor(Math.log10(max));
  const tickStep = Math.max(1, max / (mantissa === 2 ? 4 : 5));
  const ticks = [];
  for (let v = 0; v <= max + 1e-9; v += tickStep) ticks.push({ value: Math.round(v * 100) / 100, y: height - scale(v) });
  return { max, ticks, bars };
}

export function percent(rate: number | null): string {
  return rate === null ? '—' : num(rate, { style: 'percent', maximumFractionDigits: 0 });
}

/** "45 s", "3 min 20 s", "2 h 05 min"; "—" without samples. */
export function seconds(value: number | null): string {
  if (value === null) return '—';
  const s = Math.round(value);
  const w = t().labels;
  if (s < 60) return fill(w.seconds, { n: s });
  if (s < 3600) return s % 60 ? fill(w.minutesSeconds, { min: Math.floor(s / 60), s: s % 60 }) : fill(w.minutes, { n: s / 60 });
  return fill(w.hoursMinutes, { h: Math.floor(s / 3600), min: num(Math.floor((s % 3600) / 60), { minimumIntegerDigits: 2 }) });
}

/** "24 Nov" for an axis label; `weekday` adds "Tue". */
export function dayLabel(day: string, weekday = false): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  // English as the team reads it ("24 Nov"); Chinese as "11月24日".
  return new Intl.DateTimeFormat(consoleLocale() === 'en' ? 'en-GB' : consoleLocale(), {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'short',
    ...(weekday ? { weekday: 'short' } : {}),
  }).format(Date.UTC(y, m - 1, d));
}

/** Which day labels to print so they do not collide: about `room` of them, always the last. */
export function labelEvery(count: number, room: number): number {
  return Math.max(1, Math.ceil(count / Math.max(1, room)));
}

export interface Share {
  label: string;
  value: number;
  /** 0–1 of the total; 0 when there is nothing. */
  share: number;
}

export function shares(entries: readonly (readonly [string, number])[]): Share[] {
  const total = entries.reduce((sum, [, v]) => sum + v, 0);
  return entries.map(([label, value]) => ({ label, value, share: total ? value / total : 0 }));
}

/** CSAT 5 to 1, each with its share of the responses. */
export function csatRows(distribution: ReportSummary['csat']['distribution']): Share[] {
  return shares((['5', '4', '3', '2', '1'] as const).map((k) => [`${k} ★`, distribution[k] ?? 0] as const));
}

/** A label's figure in the reports table: "3 (60%)" of its `of` conversations; just "0" without any. */
export function countWithShare(n: number, of: number): string {
  return of > 0 ? `${num(n)} (${percent(n / of)})` : num(n);
}
