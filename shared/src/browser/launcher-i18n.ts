/**
 * The launcher's words and the language choice: all of the widget's i18n the first script needs
 * (the rest, in i18n.ts, arrives with the chat). i18n.ts builds its tables on these.
 */
import { resolveLocale, type Locale } from '@support-chat/shared';

export const LAUNCHER_STRINGS = {
  en: { openChat: 'Open chat', hideChat: 'Minimize chat', unread: '{n} unread' },
  'zh-CN': { openChat: '打开聊天', hideChat: '收起聊天', unread: '{n} 条未读' },
} satisfies Record<Locale, Record<string, string>>;

/**
 * The first language tag that is set wins: the element's `lang` attribute, then the page's
 * `<html lang>`, then the browser's. Returns the tag too, for the visitor context.
 */
export function pickLanguage(...tags: (string | null | undefined)[]): { locale: Locale; tag: string } {
  const tag = tags.find((t) => t && t.trim())?.trim() ?? 'en';
  return { locale: resolveLocale(tag), tag };
}

/** Fills `{name}` placeholders; a missing value leaves the placeholder empty. */
export function format(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => String(params[key] ?? ''));
}
