/**
 * The analyzer the knowledge index runs: the tokenizer's terms plus the concept terms of the
 * synonym groups (built-in, and the company's own when its knowledge folder has a synonyms.txt).
 */
import { BUILTIN_SYNONYMS } from './builtin-synonyms.js';
import { parseSynonyms, Thesaurus } from './synonyms.js';
import { analyzeNormalized, normalizeText, type HanMode } from './tokenizer.js';

export type Analyzer = (text: string) => string[];

const builtinGroups = parseSynonyms(BUILTIN_SYNONYMS, 'builtin-synonyms').groups;

/** The built-in groups followed by `extraGroups` (which win where a member is in both). */
export function createThesaurus(extraGroups: readonly (readonly string[])[] = []): Thesaurus {
  return new Thesaurus([...builtinGroups, ...extraGroups]);
}

/** `hanMode` 'compare': the terms two questions are compared on, not indexed by (tokenizer.ts HanMode). */
export function createAnalyzer(thesaurus: Thesaurus, hanMode: HanMode = 'index'): Analyzer {
  return (text) => {
    const normalised = normalizeText(text);
    return [...analyzeNormalized(normalised, hanMode), ...thesaurus.conceptsIn(normalised)];
  };
}

/** The analyzer with the built-in synonyms only. */
export const analyzeWithSynonyms: Analyzer = createAnalyzer(createThesaurus());
/** Its twin for comparing questions. */
export const compareWithSynonyms: Analyzer = createAnalyzer(createThesaurus(), 'compare');
