/**
 * Synonym groups: words and phrases that ask the same thing (`还清, 还完, 还上`; `refund, money
 * back`). Lexical retrieval cannot know that `还完` and `还清` mean the same; a group tells it.
 *
 * Each group becomes one concept term (`≈3`) that the analyzer adds wherever a member occurs, in
 * entries and in questions alike, beside the member's own terms. Two phrasings that use different
 * members then share the concept and meet in the index, and IDF weighs the concept like any other
 * term: a group whose members are everywhere counts for little.
 *
 * Matching runs over "atoms": each Han character, and each Latin word as the index stems it. A
 * member matches a run of atoms anywhere (Chinese has no spaces, so `还清了吗` holds `还清`), the
 * longest member wins (`取消绑定` is "unbind", not "cancel" + "bind"), and a match never crosses
 * punctuation.
 *
 * File format (`synonyms.txt` in the knowledge folder, and the built-in list): one group per line,
 * members separated by commas (`,` `，` `、`), `#` starts a comment.
 */
import { normalizeText, stem } from './tokenizer.js';

/** Bounds on what a synonyms file can make us hold: the file is the company's, but still input. */
export const SYNONYM_LIMITS = { groups: 5000, membersPerGroup: 50, memberChars: 40 } as const;

export interface ParsedSynonyms {
  groups: string[][];
  warnings: string[];
}

const MEMBER_SEPARATOR = /[,，、]/;

export function parseSynonyms(text: string, file = 'synonyms.txt'): ParsedSynonyms {
  const groups: string[][] = [];
  const warnings: string[] = [];
  let ignored = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    const where = `${file}:${i + 1}`;
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const members = [...new Set(line.split(MEMBER_SEPARATOR).map((m) => m.trim().replace(/\s+/g, ' ')).filter(Boolean))];
    if (members.length < 2) {
      warnings.push(`${where}: a synonym group needs at least two members, separated by commas`);
      return;
    }
    const tooLong = members.find((m) => m.length > SYNONYM_LIMITS.memberChars);
    if (tooLong) {
      warnings.push(`${where}: "${tooLong.slice(0, 20)}…" is longer than ${SYNONYM_LIMITS.memberChars} characters; group skipped`);
      return;
    }
    if (members.length > SYNONYM_LIMITS.membersPerGroup) {
      warnings.push(`${where}: more than ${SYNONYM_LIMITS.membersPerGroup} members; group skipped`);
      return;
    }
    if (groups.length >= SYNONYM_LIMITS.groups) {
      ignored++;
      return;
    }
    groups.push(members);
  });
  if (ignored > 0) warnings.push(`${file}: more than ${SYNONYM_LIMITS.groups} groups; the last ${ignored} were ignored`);
  return { groups, warnings };
}

interface TrieNode {
  next: Map<string, TrieNode>;
  /** The concept term of the group a member ending here belongs to. */
  concept?: string;
}

/**
 * Han characters one by one, other words stemmed, and a break for punctuation. A word stops at a
 * Han character: `花呗app还清` is 花 呗 app 还 清, not 花 呗 and one word `app还清`.
 */
const ATOM = /(\p{Script=Han})|((?:(?!\p{Script=Han})[\p{L}\p{N}])+(?:['’](?:(?!\p{Script=Han})[\p{L}\p{N}])+)*)|([^\s\p{L}\p{N}]+)/gu;
const BREAK = '';

function atoms(normalised: string): string[] {
  const out: string[] = [];
  for (const [, han, word] of normalised.matchAll(ATOM)) {
    out.push(han ?? (word !== undefined ? stem(word.replace(/['’]/g, '')) : BREAK));
  }
  return out;
}

export class Thesaurus {
  private readonly root: TrieNode = { next: new Map() };
  readonly groupCount: number;

  /**
   * Later groups win where a member is listed twice (the company's own file is added after the
   * built-in list, so it can move a word to another group).
   */
  constructor(groups: readonly (readonly string[])[]) {
    groups.forEach((members, index) => {
      const concept = `≈${index}`;
      for (const member of members) {
        const path = atoms(normalizeText(member)).filter((atom) => atom !== BREAK);
        if (path.length === 0) continue;
        let node = this.root;
        for (const atom of path) {
          let child = node.next.get(atom);
          if (!child) node.next.set(atom, (child = { next: new Map() }));
          node = child;
        }
        node.concept = concept;
      }
    });
    this.groupCount = groups.length;
  }

  /** The concept terms of the members in `text`, in order; `normalised` must come from normalizeText. */
  conceptsIn(normalised: string): string[] {
    const found: string[] = [];
    const list = atoms(normalised);
    for (let i = 0; i < list.length; ) {
      let node: TrieNode | undefined = this.root;
      let concept: string | undefined;
      let end = i;
      for (let j = i; j < list.length; j++) {
        node = node.next.get(list[j]!);
        if (!node) break;
        if (node.concept) {
          concept = node.concept;
          end = j + 1;
        }
      }
      if (concept) {
        found.push(concept);
        i = end;
      } else {
        i++;
      }
    }
    return found;
  }
}
