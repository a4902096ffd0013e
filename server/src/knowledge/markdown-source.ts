/**
 * Loads a knowledge folder: help-center articles in Markdown and FAQ files (JSON, JSON Lines,
 * CSV; see faq-source.ts), recursively, in a stable order.
 *
 * An article looks like this (the format of `examples/knowledge/`):
 *
 *     ---
 *     title: Returns and exchanges
 *     lang: en                      # en | zh; detected from the text when missing
 *     url: /help/returns
 *     tags: returns, exchanges
 *     ---
 *     # Returns and exchanges
 *     Intro paragraph.
 *     ## How do I return an item?   ← one entry per `##` section: heading = title, text = body
 *     Also asked: Can I send something back?   ← optional lines first: alternate phrasings
 *     Tags: returns                 ← and the entry's own tags, url, lang (over the file's)
 *
 *     …
 *
 * The intro becomes an entry of its own only when the article has no `##` sections: in a
 * sectioned article it is an overview that the sections repeat, and answering a precise question
 * with it would be vague.
 *
 * A `synonyms.txt` anywhere in the folder adds the company's own synonym groups (synonyms.ts).
 *
 * Problems in the content (an unknown `lang`, an empty section, a bad FAQ row) come back as
 * warnings with `file:line`; only a folder that cannot be read throws.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { detectLang, parseFaqFile, splitTags, type ParsedFile } from './faq-source.js';
import { createSlugger } from './slug.js';
import { parseSynonyms } from './synonyms.js';
import type { KnowledgeEntry, KnowledgeLang } from './types.js';

export interface LoadedKnowledge {
  entries: KnowledgeEntry[];
  warnings: string[];
  /** The company's synonym groups, from every `synonyms.txt` in the folder (format: synonyms.ts). */
  synonyms: string[][];
}

const SYNONYMS_FILE = 'synonyms.txt';

export async function loadKnowledgeDir(
  dir: string,
  { onProgress }: { onProgress?: (filesDone: number, files: number) => void } = {},
): Promise<LoadedKnowledge> {
  const files = (await listFiles(dir)).sort();
  const entries: KnowledgeEntry[] = [];
  const warnings: string[] = [];
  const synonyms: string[][] = [];
  for (const [i, relative] of files.entries()) {
    const text = await readFile(path.join(dir, relative), 'utf8');
    if (path.basename(relative).toLowerCase() === SYNONYMS_FILE) {
      const parsed = parseSynonyms(text, relative);
      synonyms.push(...parsed.groups);
      warnings.push(...parsed.warnings);
      onProgress?.(i + 1, files.length);
      continue;
    }
    const parsed = parseKnowledgeFile(text, relative);
    onProgress?.(i + 1, files.length);
    if (!parsed) continue;
    entries.push(...parsed.entries);
    warnings.push(...parsed.warnings);
  }
  return { entries, warnings, synonyms };
}

/** Parses one file by its extension; null for files that are not knowledge. */
export function parseKnowledgeFile(text: string, relativePath: string): ParsedFile | null {
  const ext = path.extname(relativePath).toLowerCase();
  if (ext === '.md') return parseMarkdown(text, relativePath);
  if (ext === '.json' || ext === '.jsonl' || ext === '.csv') {
    return parseFaqFile(text, relativePath, ext.slice(1) as 'json' | 'jsonl' | 'csv');
  }
  return null;
}

/** Paths relative to `dir`, with forward slashes on every OS: they become entry ids. */
async function listFiles(dir: string): Promise<string[]> {
  const found = await readdir(dir, { recursive: true, withFileTypes: true });
  return found
    .filter(
      (d) =>
        d.isFile() &&
        (/\.(md|json|jsonl|csv)$/i.test(d.name) || d.name.toLowerCase() === SYNONYMS_FILE) &&
        d.name.toLowerCase() !== 'readme.md',
    )
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)).split(path.sep).join('/'))
    .filter((p) => !p.split('/').some((part) => part.startsWith('.') || part === 'node_modules'));
}

interface Section {
  heading: string;
  line: number;
  lines: string[];
}

export function parseMarkdown(text: string, relativePath: string): ParsedFile {
  const warnings: string[] = [];
  const warn = (line: number, message: string) => warnings.push(`${relativePath}:${line}: ${message}`);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const { meta, bodyStart } = readFrontMatter(lines, warn);

  let title: string | undefined;
  const intro: string[] = [];
  const sections: Section[] = [];
  let fence: string | null = null;
  for (let i = bodyStart; i < lines.length; i++) {
    const line = lines[i]!;
    // A `##` inside a code block is code, not a heading.
    const fenceMark = /^\s{0,3}(```|~~~)/.exec(line)?.[1];
    if (fenceMark && (fence === null || fence === fenceMark)) fence = fence ? null : fenceMark;
    const heading = fence === null ? /^(#{1,2})\s+(.*?)(?:\s+#+)?\s*$/.exec(line) : null;
    if (heading?.[1] === '#' && title === undefined && sections.length === 0) title = heading[2];
    else if (heading?.[1] === '##') sections.push({ heading: heading[2]!, line: i + 1, lines: [] });
    else (sections.at(-1)?.lines ?? intro).push(line);
  }

  const document = meta.title ?? title ?? path.basename(relativePath, path.extname(relativePath));
  const lang = resolveLang(meta.lang, text, () => warn(meta.langLine, `lang "${meta.lang}" is not "en" or "zh"; detected from the text`));
  const base = { lang, url: meta.url, tags: meta.tags, document };
  const slugger = createSlugger();
  const entries: KnowledgeEntry[] = [];
  if (sections.length === 0) {
    const body = intro.join('\n').trim();
    if (body) entries.push({ ...base, id: `${relativePath}#${slugger.slug(document)}`, title: document, body });
    else warn(1, 'no content');
  }
  for (const section of sections) {
    const { fields, bodyLines } = readEntryFields(section, base, warn);
    const body = bodyLines.join('\n').trim();
    if (!section.heading) warn(section.line, 'empty heading, section skipped');
    else if (!body) warn(section.line, `section "${section.heading}" has no text, skipped`);
    else entries.push({ ...fields, id: `${relativePath}#${slugger.slug(section.heading)}`, title: section.heading, body });
  }
  return { entries, warnings };
}

/**
 * Lines right under a `##` heading (blank lines between them allowed) that describe the entry
 * rather than answer it: `Also asked:` (one alternate phrasing per line; `其他问法：` in Chinese),
 * and `Tags:`, `URL:`, `Lang:`, which override the file's front matter for this entry. The first
 * other line starts the answer; the same words further down are answer text.
 */
const ENTRY_FIELD = /^\s*(also asked|其他问法|tags|url|lang)\s*[:：]\s*(.*?)\s*$/i;

type EntryFields = Omit<KnowledgeEntry, 'id' | 'title' | 'body'>;

function readEntryFields(
  section: Section,
  base: EntryFields,
  warn: (line: number, message: string) => void,
): { fields: EntryFields; bodyLines: string[] } {
  const fields: EntryFields = { ...base };
  const phrasings: string[] = [];
  let i = 0;
  for (; i < section.lines.length; i++) {
    const line = section.lines[i]!;
    if (!line.trim()) continue;
    const match = ENTRY_FIELD.exec(line);
    if (!match) break;
    const key = match[1]!.toLowerCase();
    const value = match[2]!;
    if (key === 'also asked' || key === '其他问法') {
      if (value) phrasings.push(value);
    } else if (key === 'tags') fields.tags = splitTags(value);
    else if (key === 'url') fields.url = value || undefined;
    else if (/^zh\b/i.test(value)) fields.lang = 'zh';
    else if (/^en\b/i.test(value)) fields.lang = 'en';
    else warn(section.line + i + 1, `lang "${value}" is not "en" or "zh"; the file's is used`);
  }
  if (phrasings.length > 0) fields.phrasings = phrasings;
  return { fields, bodyLines: section.lines.slice(i) };
}

interface FrontMatter {
  title?: string;
  lang?: string;
  langLine: number;
  url?: string;
  tags: string[];
}

/** The `key: value` lines between `---` fences at the top; a tiny subset of YAML on purpose. */
function readFrontMatter(
  lines: string[],
  warn: (line: number, message: string) => void,
): { meta: FrontMatter; bodyStart: number } {
  const meta: FrontMatter = { tags: [], langLine: 1 };
  if (lines[0]?.trim() !== '---') return { meta, bodyStart: 0 };
  const end = lines.findIndex((line, i) => i > 0 && line.trim() === '---');
  if (end === -1) {
    warn(1, 'front matter is not closed with "---"; read as text');
    return { meta, bodyStart: 0 };
  }
  for (let i = 1; i < end; i++) {
    const match = /^\s*([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$/.exec(lines[i]!);
    if (!match) {
      if (lines[i]!.trim() && !lines[i]!.trim().startsWith('#')) warn(i + 1, 'expected "key: value" in front matter');
      continue;
    }
    const key = match[1]!.toLowerCase();
    const value = unquote(match[2]!);
    if (key === 'title') meta.title = value || undefined;
    else if (key === 'url') meta.url = value || undefined;
    else if (key === 'tags') meta.tags = splitTags(value.replace(/^\[|\]$/g, '')).map(unquote);
    else if (key === 'lang') {
      meta.lang = value || undefined;
      meta.langLine = i + 1;
    }
  }
  return { meta, bodyStart: end + 1 };
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}

function resolveLang(given: string | undefined, text: string, onInvalid: () => void): KnowledgeLang {
  if (given && /^zh\b/i.test(given)) return 'zh';
  if (given && /^en\b/i.test(given)) return 'en';
  if (given) onInvalid();
  return detectLang(text);
}
