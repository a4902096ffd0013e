#!/usr/bin/env node
/**
 * `npm run kb -- <command>`: the knowledge base from the command line, for people who run the
 * server. Reads the same environment as the server (KNOWLEDGE_DIR, DATA_DIR, OPENAI_*).
 *
 *   ingest [--dir D] [--strict]     load and validate every file, index it, and embed it when
 *                                   OPENAI_EMBEDDING_MODEL is set (the cache the server reuses)
 *   search QUERY… [--dir D] [--limit N] [--lang en|zh]   the top hits with scores
 *   stats [--dir D]                 entries per language and file, and what looks wrong
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { loadConfig, type Config } from '../config.js';
import { buildKnowledge, indexKnowledge } from '../knowledge/knowledge-base.js';
import { loadKnowledgeDir } from '../knowledge/markdown-source.js';
import { openEmbeddingCache } from '../knowledge/embeddings.js';
import type { KnowledgeEntry } from '../knowledge/types.js';
import { chooseEmbedder } from '../responders.js';
import { createProgress, type ProgressStream } from './progress.js';

export interface CliIO {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
  env: NodeJS.ProcessEnv;
}

const USAGE = `Usage: npm run kb -- <command> [options]
  ingest [--dir D] [--strict]                  validate, index and (with OPENAI_EMBEDDING_MODEL) embed
  search QUERY [--dir D] [--limit N] [--lang en|zh]   show the top hits with their scores
  stats [--dir D]                              entries per language and file, and warnings`;

/** Runs one command; returns the exit code. */
export async function runKb(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dir: { type: 'string' },
      limit: { type: 'string', default: '5' },
      lang: { type: 'string' },
      strict: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    io.stdout.write(`${USAGE}\n`);
    return command || values.help ? 0 : 2;
  }
  const config = loadConfig({ ...io.env, ...(values.dir ? { KNOWLEDGE_DIR: values.dir } : {}) });
  if (command === 'ingest') return ingest(config, io, values.strict);
  if (command === 'search') {
    const lang = values.lang === 'zh' || values.lang === 'en' ? values.lang : undefined;
    return search(config, io, rest.join(' '), { limit: Number(values.limit) || 5, lang });
  }
  if (command === 'stats') return stats(config, io);
  io.stderr.write(`Unknown command "${command}".\n${USAGE}\n`);
  return 2;
}

async function ingest(config: Readonly<Config>, io: CliIO, strict: boolean): Promise<number> {
  const embedder = chooseEmbedder(config);
  const files = createProgress(io.stderr, 'reading');
  const loaded = await loadKnowledgeDir(config.knowledgeDir, { onProgress: (d, t) => files.update(d, t) });
  files.done();
  for (const warning of loaded.warnings) io.stderr.write(`warning: ${warning}\n`);
  const bar = createProgress(io.stderr, 'embedding', { minTotal: 1 });
  const cache = embedder ? await openEmbeddingCache(config.dataDir, embedder.model) : undefined;
  const snapshot = await indexKnowledge(loaded.entries, loaded.warnings, {
    synonyms: loaded.synonyms,
    embedder,
    cache,
    onProgress: (d, t) => bar.update(d, t),
  });
  bar.done();
  const langs = countBy(snapshot.entries, (e) => e.lang);
  const fileCount = new Set(snapshot.entries.map(fileOf)).size;
  io.stdout.write(
    `${snapshot.entries.length} entries (${formatCounts(langs)}) from ${fileCount} files in ${config.knowledgeDir}; ` +
      `${loaded.synonyms.length} synonym group(s) of the folder's own; ` +
      `indexed in ${Math.round(snapshot.buildMs)} ms; ${loaded.warnings.length} warning(s)\n`,
  );
  if (embedder) {
    io.stdout.write(
      `embeddings (${embedder.model}): ${snapshot.embedded} new, ${snapshot.entries.length - snapshot.embedded} from the cache ${cache!.file}\n`,
    );
  } else {
    io.stdout.write('embeddings: off (set OPENAI_EMBEDDING_MODEL to add dense retrieval)\n');
  }
  if (snapshot.entries.length === 0) {
    io.stderr.write('error: no knowledge entries found\n');
    return 1;
  }
  return strict && loaded.warnings.length > 0 ? 1 : 0;
}

async function search(
  config: Readonly<Config>,
  io: CliIO,
  query: string,
  { limit, lang }: { limit: number; lang?: 'en' | 'zh' },
): Promise<number> {
  if (!query.trim()) {
    io.stderr.write('Usage: npm run kb -- search QUERY\n');
    return 2;
  }
  const embedder = chooseEmbedder(config);
  const cache = embedder ? await openEmbeddingCache(config.dataDir, embedder.model) : undefined;
  const snapshot = await buildKnowledge(config.knowledgeDir, { embedder, cache });
  const hits = await snapshot.retriever.search(query, { limit, lang: lang ?? (/\p{Script=Han}/u.test(query) ? 'zh' : 'en') });
  if (hits.length === 0) {
    io.stdout.write('no match\n');
    return 0;
  }
  io.stdout.write(`${'#'.padEnd(3)}${'score'.padStart(8)} ${'conf'.padStart(5)}  entry\n`);
  hits.forEach((hit, i) => {
    const conf = hit.confidence === undefined ? '    -' : hit.confidence.toFixed(2).padStart(5);
    io.stdout.write(`${String(i + 1).padEnd(3)}${hit.score.toFixed(3).padStart(8)} ${conf}  ${hit.entry.title}\n${' '.repeat(18)}${hit.entry.id}\n`);
  });
  return 0;
}

async function stats(config: Readonly<Config>, io: CliIO): Promise<number> {
  const { entries, warnings, synonyms } = await loadKnowledgeDir(config.knowledgeDir);
  const out: string[] = [
    `${entries.length} entries in ${config.knowledgeDir}`,
    `by language: ${formatCounts(countBy(entries, (e) => e.lang))}`,
    `synonym groups: ${synonyms.length} from synonyms.txt, beside the built-in ones`,
    'by file:',
  ];
  for (const [file, count] of [...countBy(entries, fileOf)].sort()) out.push(`  ${String(count).padStart(5)}  ${file}`);
  const problems = [...warnings];
  const titles = countBy(entries, (e) => `${e.lang}:${e.title.trim().toLowerCase()}`);
  for (const [title, count] of titles) if (count > 1) problems.push(`${count} entries share the question "${title.slice(3)}"`);
  for (const e of entries) {
    if (!e.url) continue;
    if (!/^(\/|https?:\/\/)/.test(e.url)) problems.push(`${e.id}: url "${e.url}" is neither a path nor an http(s) link`);
  }
  const long = entries.filter((e) => e.body.length > 4_000);
  if (long.length) problems.push(`${long.length} entries are longer than 4,000 characters (the model sees the first 2,000): split them with ## headings`);
  out.push(`warnings: ${problems.length}`, ...problems.map((p) => `  ${p}`));
  io.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

function fileOf(entry: KnowledgeEntry): string {
  return entry.id.split('#')[0]!;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

function formatCounts(counts: Map<string, number>): string {
  return [...counts].map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runKb(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`kb: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
