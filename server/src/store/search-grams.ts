import { likeLiteral } from './like-pattern.js';

/**
 * The search index's answer to one- and two-character queries in Chinese (and Japanese, Korean).
 *
 * FTS5's `trigram` tokenizer serves every substring of three characters or more, but cannot serve
 * shorter ones (it falls back to reading every row). Chinese words are often two characters
 * (`退款` refund, `发票` invoice), so those queries need their own index: every CJK character and
 * every pair of adjacent CJK characters of a text, space-separated, in a `unicode61` FTS5 table.
 * A one- or two-character CJK query is then one term lookup, with the same meaning as a substring
 * match (a pair is indexed exactly when it occurs in the text).
 *
 * Why not the knowledge base's analyzer (`knowledge/tokenizer.ts`)? It is built for retrieval: it
 * drops stopwords (`我`, `的`, `了`, and the pairs inside `怎么`), maps traditional characters
 * to simplified and stems English, so "contains this text" would find less and more than asked.
 * Short Latin or symbol queries (`%`, `ok`, `42`) stay without an index: they match nearly
 * everything anyway, and the store runs them on its reader thread, off the event loop.
 */

const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}';
const CJK_RUN = new RegExp(`[${CJK}]+`, 'gu');
const SHORT_CJK_QUERY = new RegExp(`^[${CJK}]{1,2}$`, 'u');

/** The CJK characters and adjacent pairs of `text`, space-separated, or null when it has none. */
export function cjkGrams(text: string | null): string | null {
  if (!text) return null;
  const grams = new Set<string>();
  for (const [run] of text.matchAll(CJK_RUN)) {
    const chars = Array.from(run);
    for (let i = 0; i < chars.length; i++) {
      grams.add(chars[i]!);
      if (i + 1 < chars.length) grams.add(chars[i]! + chars[i + 1]!);
    }
  }
  return grams.size > 0 ? [...grams].join(' ') : null;
}

/**
 * The text as the search index holds it, and a query as it is matched: lower case by Unicode's
 * rules. The trigram table keeps no positions (`detail = 'none'`: half the CPU per indexed row,
 * 18 against 34 µs for a ~200-character message, on the thread shared with reports), so a
 * substring is found with `LIKE`, which FTS5 answers from its trigrams; `LIKE` folds only ASCII
 * letters, so both sides are folded first (`Ärger` finds `ärger`).
 */
export function foldCase(text: string): string {
  return text.toLowerCase();
}

/** A `LIKE` pattern for the folded `text` anywhere in a row; `escape`: `%`, `_` and `\\` literal (with `ESCAPE '\\'`). */
export function containsPattern(text: string, { escape }: { escape: boolean }): string {
  // A NUL would end the pattern inside SQLite; no stored text holds one.
  const folded = foldCase(text.replace(/\0/g, ''));
  return `%${escape ? likeLiteral(folded) : folded}%`;
}

/** How a search text is served: FTS5 trigrams, the CJK grams table, or a scan (off the event loop). */
export function searchPlan(text: string): 'trigram' | 'grams' | 'scan' {
  // `%` and `_` would be wildcards to the trigram table's LIKE, and an ESCAPE clause keeps FTS5
  // from answering it: such (rare) queries are scanned, escaped.
  if (Array.from(text).length >= 3 && !/[%_]/.test(text)) return 'trigram';
  return SHORT_CJK_QUERY.test(text) ? 'grams' : 'scan';
}

/**
 * An FTS5 phrase: the text taken literally (double quotes doubled). A NUL would end the query
 * string inside SQLite ("unterminated string"), so it goes (no stored text holds one).
 */
export function ftsPhrase(text: string): string {
  return `"${text.replace(/\0/g, '').replace(/"/g, '""')}"`;
}
