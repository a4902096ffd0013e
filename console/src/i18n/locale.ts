/**
 * The console's language at runtime: the agent's choice (saved with their account), else the
 * browser's. Components hold a `LocaleController`, so a switch re-renders everything at once,
 * without a reload. Numbers, dates and plurals go through `Intl` in the chosen language.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { resolveLocale, type ErrorBody, type Locale } from '@support-chat/shared';
import { CATALOG, type Catalog } from './catalog.js';
import type { PluralWords } from './define.js';

/** The browser's first language (the console page's `<html lang>` is ours, not the agent's). */
export function browserLocale(): Locale {
  return resolveLocale(typeof navigator === 'undefined' ? undefined : (navigator.languages?.[0] ?? navigator.language));
}

let current: Locale = browserLocale();
const listeners = new Set<(locale: Locale) => void>();
const tables = new Map<Locale, Catalog>();

export function consoleLocale(): Locale {
  return current;
}

/** Switches every console string at once; listeners (the components) re-render. */
export function setConsoleLocale(locale: Locale): void {
  if (locale === current) return;
  current = locale;
  for (const listener of listeners) listener(locale);
}

export function onLocaleChange(listener: (locale: Locale) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The console's words in the current language (or `locale`): `t().inbox.tabs.mine`. */
export function t(locale: Locale = current): Catalog {
  let table = tables.get(locale);
  if (!table) {
    table = Object.fromEntries(Object.entries(CATALOG).map(([module, words]) => [module, words[locale]])) as unknown as Catalog;
    tables.set(locale, table);
  }
  return table;
}

/** Re-renders its element when the language changes. `new LocaleController(this)` in a constructor. */
export class LocaleController implements ReactiveController {
  private off: (() => void) | null = null;
  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }
  hostConnected(): void {
    this.off = onLocaleChange(() => this.host.requestUpdate());
  }
  hostDisconnected(): void {
    this.off?.();
    this.off = null;
  }
}

/** A number in the console's language ("1,234"). */
export function num(n: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(current, options).format(n);
}

/** Fills `{name}` placeholders; numbers are formatted for the language. */
export function fill(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = params[key];
    return value === undefined ? '' : typeof value === 'number' ? num(value) : value;
  });
}

/** A count with its words: `plural(s.conversations, 3)` → "3 conversations" / "3 个会话". */
export function plural(words: PluralWords, n: number, params: Record<string, string | number> = {}): string {
  const rule = new Intl.PluralRules(current).select(n);
  return fill(rule === 'one' ? words.one : words.other, { ...params, n });
}

/** A time of day ("14:05", "2:05 PM"), in the agent's time zone or `timeZone`. */
export function clock(at: number, timeZone?: string): string {
  return new Intl.DateTimeFormat(current, { hour: '2-digit', minute: '2-digit', ...(timeZone ? { timeZone } : {}) }).format(at);
}

/** A date ("5 Dec 2026", "2026年12月5日"). */
export function date(at: number, options: Intl.DateTimeFormatOptions = { dateStyle: 'medium' }): string {
  return new Intl.DateTimeFormat(current, options).format(at);
}

/**
 * A failure in the agent's language. English shows the server's own sentence (it says exactly what
 * went wrong); other languages word it from the error's code, which the protocol always carries,
 * and for a refused form add the server's sentence, which names the field.
 */
export function errorText(error: Pick<ErrorBody, 'code' | 'message'>): string {
  if (current === 'en' && error.message) return error.message;
  // Which field the server found wrong, in its (English) words, rather than nothing at all.
  if (error.code === 'invalid_payload' && error.message) return `${t().errors.invalid_payload}（${error.message}）`;
  return t().errors[error.code];
}
