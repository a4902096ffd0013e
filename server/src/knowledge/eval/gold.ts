/**
 * Gold answers that name a knowledge folder's entries the way a person writing test questions
 * sees them, `FILE#HEADING` (`"en/returns.md#How do I return an item?"`), resolved to the ids the
 * server's loader gives those entries (markdown-source.ts, faq-source.ts):
 *
 * - FILE is the path under the knowledge folder, with `/`, as the loader lists it.
 * - HEADING is, for an article, a `##` heading as written (or the article's title when it has no
 *   `##` sections); for an FAQ file (CSV, JSON, JSON Lines), the row's question as written.
 *   Compared with runs of whitespace collapsed; letter case counts only when two entries of the
 *   file differ by case alone.
 * - The entry's id itself is accepted too: `FILE#slug-of-the-heading` (GitHub's anchor, `-2`, `-3`
 *   for repeated headings) and, for an FAQ row with an `id` column, `FILE#<that id>`.
 *
 * Two sections of one file with the same heading are both gold (either counts as found). A name
 * that matches nothing is an error naming the query, so a renamed heading cannot silently score
 * as a retrieval miss.
 */
import type { KnowledgeEntry } from '../types.js';

const squash = (text: string) => text.trim().replace(/\s+/g, ' ');

export interface GoldResolver {
  /** The entry ids a gold name stands for; throws when it names no entry. */
  resolve(name: string): string[];
}

export function createGoldResolver(entries: readonly KnowledgeEntry[]): GoldResolver {
  const ids = new Set(entries.map((e) => e.id));
  const byFile = new Map<string, KnowledgeEntry[]>();
  for (const entry of entries) {
    const file = entry.id.slice(0, entry.id.indexOf('#'));
    let list = byFile.get(file);
    if (!list) byFile.set(file, (list = []));
    list.push(entry);
  }
  return {
    resolve(name) {
      if (ids.has(name)) return [name];
      const hash = name.indexOf('#');
      const file = hash < 0 ? name : name.slice(0, hash);
      const inFile = byFile.get(file);
      if (!inFile) {
        throw new Error(`"${name}": no entries from a file "${file}" (files: ${[...byFile.keys()].slice(0, 8).join(', ')}${byFile.size > 8 ? ', …' : ''})`);
      }
      const heading = squash(name.slice(hash + 1));
      const exact = inFile.filter((e) => squash(e.title) === heading);
      if (exact.length > 0) return exact.map((e) => e.id);
      const folded = inFile.filter((e) => squash(e.title).toLowerCase() === heading.toLowerCase());
      if (folded.length > 0) return folded.map((e) => e.id);
      throw new Error(`"${name}": no entry with that heading in ${file} (its headings: ${inFile.slice(0, 6).map((e) => JSON.stringify(e.title)).join(', ')}${inFile.length > 6 ? ', …' : ''})`);
    },
  };
}
