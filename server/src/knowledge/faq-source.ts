/**
 * FAQ files: question/answer rows as JSON (an array of objects), JSON Lines or CSV with a header
 * row. Fields: `question`, `answer`, and optionally `id`, `url`, `tags`, `lang`, `phrasings` (other
 * ways visitors ask: a JSON list, or one cell with `|` between them, since questions hold commas); others are
 * ignored. A bad row becomes a warning naming its file and line and the rest of the file still
 * loads: one typo in a spreadsheet export must not take the whole help center offline.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { looksChinese } from '@support-chat/shared';
import { z } from 'zod';
import { createSlugger } from './slug.js';
import type { KnowledgeEntry, KnowledgeLang } from './types.js';

export type FaqFormat = 'json' | 'jsonl' | 'csv';

export interface ParsedFile {
  entries: KnowledgeEntry[];
  warnings: string[];
}

interface Row {
  line: number;
  value: unknown;
}

/** CSV cells are strings, and an empty cell means "not given". */
const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((s) => s || undefined);

const faqRowSchema = z.object({
  id: z
    .union([z.string(), z.number()])
    .optional()
    .transform((v) => (v === undefined ? undefined : String(v).trim() || undefined)),
  question: z.string().trim().min(1, 'must not be empty'),
  answer: z.string().trim().min(1, 'must not be empty'),
  url: optionalText,
  tags: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((tags) => splitTags(tags ?? [])),
  phrasings: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((list) => (typeof list === 'string' ? list.split(/[|\n]/) : (list ?? [])).map((p) => p.trim()).filter(Boolean)),
  lang: optionalText.pipe(
    z
      .string()
      .regex(/^(en|zh)\b/i, 'must be "en" or "zh"')
      .transform((l) => l.slice(0, 2).toLowerCase() as KnowledgeLang)
      .optional(),
  ),
});

/** `'a, b'` or `['a', 'b']` → `['a', 'b']`. */
export function splitTags(tags: string | string[]): string[] {
  const list = typeof tags === 'string' ? tags.split(/[,，]/) : tags;
  return list.map((t) => t.trim()).filter(Boolean);
}

export function detectLang(text: string): KnowledgeLang {
  return looksChinese(text) ? 'zh' : 'en';
}

export function parseFaqFile(text: string, path: string, format: FaqFormat): ParsedFile {
  const warnings: string[] = [];
  const warn = (line: number, message: string) => warnings.push(`${path}:${line}: ${message}`);
  const rows = format === 'csv' ? csvRows(text, warn) : format === 'jsonl' ? jsonlRows(text, warn) : jsonRows(text, warn);

  const valid: { line: number; row: z.output<typeof faqRowSchema> }[] = [];
  for (const { line, value } of rows) {
    const parsed = faqRowSchema.safeParse(value);
    if (parsed.success) valid.push({ line, row: parsed.data });
    else warn(line, parsed.error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`).join('; '));
  }

  // Given ids first, so a generated slug can never take an id a later row asks for.
  const slugger = createSlugger();
  const keep = valid.filter(({ line, row }) => {
    if (row.id === undefined || slugger.claim(row.id)) return true;
    warn(line, `duplicate id "${row.id}", row skipped`);
    return false;
  });
  const document = path.split('/').pop() ?? path;
  const entries = keep.map(({ row }): KnowledgeEntry => ({
    id: `${path}#${row.id ?? slugger.slug(row.question)}`,
    title: row.question,
    ...(row.phrasings.length > 0 ? { phrasings: row.phrasings } : {}),
    body: row.answer,
    lang: row.lang ?? detectLang(`${row.question}\n${row.answer}`),
    url: row.url,
    tags: row.tags,
    document,
  }));
  return { entries, warnings };
}

function csvRows(text: string, warn: (line: number, message: string) => void): Row[] {
  // CRLF is normalised first: csv-parse counts a CRLF inside a quoted field as two lines.
  const records = parseCsv(text.replace(/\r\n?/g, '\n'), {
    bom: true,
    columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
    skip_empty_lines: true,
    info: true,
    raw: true,
    skip_records_with_error: true,
    on_skip: (error) => {
      if (error) warn(Number(error['lines']) || 0, error.message);
      return undefined;
    },
  }) as unknown as { record: Record<string, string>; raw: string; info: { lines: number } }[];
  // `info.lines` is the record's last line; a quoted answer may span several.
  return records.map(({ record, raw, info }) => ({
    line: info.lines - (raw.replace(/\n$/, '').match(/\n/g)?.length ?? 0),
    value: record,
  }));
}

function jsonlRows(text: string, warn: (line: number, message: string) => void): Row[] {
  const rows: Row[] = [];
  text.split('\n').forEach((content, i) => {
    if (!content.trim()) return;
    try {
      rows.push({ line: i + 1, value: JSON.parse(content) });
    } catch (error) {
      warn(i + 1, `invalid JSON: ${(error as Error).message}`);
    }
  });
  return rows;
}

function jsonRows(text: string, warn: (line: number, message: string) => void): Row[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    warn(1, `invalid JSON: ${(error as Error).message}`);
    return [];
  }
  if (!Array.isArray(data)) {
    warn(1, 'expected an array of {question, answer} objects');
    return [];
  }
  const lines = elementLines(text);
  return data.map((value, i) => ({ line: lines[i] ?? 1, value }));
}

/**
 * The line on which each element of a top-level JSON array starts (the text is known to be valid
 * JSON), so a bad FAQ row is reported where an editor shows it, not as "element 37".
 */
function elementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (/\s/.test(c)) continue;
    if (depth === 1 && expectElement && c !== ']') {
      lines.push(line);
      expectElement = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1) expectElement = true;
    } else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expectElement = true;
  }
  return lines;
}
