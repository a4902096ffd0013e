/**
 * The shape every console string module has: English first, then zh-CN with exactly the same keys.
 * `defineStrings(en, zhCN)` is typed so that a key missing from zh-CN, or one zh-CN has and English
 * lacks (a typo), is a compile error (`npx tsc -b`); the catalog test checks the rest (no empty
 * strings, the same `{placeholders}` in both).
 */
import type { Locale } from '@support-chat/shared';

/** Words, or a group of words (a plural's `one` / `other`, a table keyed by a code). */
export interface StringTree {
  readonly [key: string]: string | StringTree;
}

/** The same keys as `T`, any words: what the other language must provide. */
export type Words<T> = { readonly [K in keyof T]: T[K] extends string ? string : Words<T[K]> };

/** A count's words: `one` where the language has a singular (English), `other` always. */
export interface PluralWords {
  readonly one: string;
  readonly other: string;
}

export function defineStrings<T extends StringTree>(en: T, zhCN: Words<T>): Readonly<Record<Locale, Words<T>>> {
  return { en: en as unknown as Words<T>, 'zh-CN': zhCN };
}
