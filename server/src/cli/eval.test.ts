import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalReport } from '../knowledge/eval/evaluate.js';
import type { LearningReport } from '../knowledge/eval/learn.js';
import { runEval } from './eval.js';

const fixture = path.resolve(import.meta.dirname, '../../test/fixtures/eval-knowledge');
const knowledge = path.join(fixture, 'knowledge');
const queries = path.join(fixture, 'queries.jsonl');

function io(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t), isTTY: false }, env },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'eval-cli-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('npm run eval -- --knowledge DIR', () => {
  it('scores a knowledge folder loaded as the server loads it: phrasings and synonyms.txt count', async () => {
    const t = io({ DATA_DIR: tmp });
    expect(await runEval(['--knowledge', knowledge, '--queries', queries, '--json'], t.io)).toBe(0);
    const report = JSON.parse(t.out()) as EvalReport;
    expect(report.n).toBe(5);
    expect(report.sweep.en?.n).toBe(5);
    expect(report.sweep.en?.curve).toHaveLength(101);

    // Words found only in an FAQ row's phrasings, and only through the folder's synonyms.txt:
    // the plain baseline (entry text alone) misses both, the server's loader finds both.
    const only = path.join(tmp, 'only.jsonl');
    await writeFile(
      only,
      [
        { query: 'internationally', gold: ['en/faq.csv#Do you ship outside the country?'] },
        { query: 'frobnicator', gold: ['en/returns.md#What if my item arrived damaged?'] },
      ].map((q) => JSON.stringify(q)).join('\n'),
    );
    const t2 = io({ DATA_DIR: tmp });
    expect(await runEval(['--knowledge', knowledge, '--queries', only, '--json'], t2.io)).toBe(0);
    const loaded = JSON.parse(t2.out()) as EvalReport;
    expect(loaded['recall@1']).toBe(1);
    expect(loaded.baseline['recall@1']).toBe(0);
  });

  it('prints the precision / answer-rate curve, the current threshold and the best one at ≥ 90%', async () => {
    const t = io({ DATA_DIR: tmp, OFFLINE_ANSWER_MIN_CONFIDENCE: '0.35' });
    expect(await runEval(['--knowledge', knowledge, '--queries', queries], t.io)).toBe(0);
    expect(t.out()).toMatch(/^5 queries/);
    expect(t.out()).toMatch(/offline responder, en answers \(OFFLINE_ANSWER_MIN_CONFIDENCE\), 5 queries/);
    expect(t.out()).toMatch(/ {6}0\.35 +\d+\.\d% +(\d+\.\d%|-) +current/);
    expect(t.out()).toMatch(/→ OFFLINE_ANSWER_MIN_CONFIDENCE=\d\.\d\d answers \d+\.\d% at (9\d|100)\.\d% precision|→ no threshold reaches 90\.0% precision/);
  });

  it('names the query whose gold matches no entry', async () => {
    const bad = path.join(tmp, 'bad.jsonl');
    await writeFile(bad, `${JSON.stringify({ query: 'x', gold: ['en/returns.md#How do I return an item?'] })}\n${JSON.stringify({ query: 'y', gold: ['en/returns.md#Exchanges'] })}\n`);
    await expect(runEval(['--knowledge', knowledge, '--queries', bad], io({ DATA_DIR: tmp }).io)).rejects.toThrow(/bad\.jsonl:2: "en\/returns\.md#Exchanges": no entry with that heading/);
  });

  it('wants exactly one of --kb and --knowledge', async () => {
    const t = io({ DATA_DIR: tmp });
    expect(await runEval(['--queries', queries], t.io)).toBe(2);
    expect(await runEval(['--kb', queries, '--knowledge', knowledge, '--queries', queries], t.io)).toBe(2);
    expect(t.err()).toMatch(/--knowledge DIR --queries/);
  });
});

const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n');

describe('npm run eval -- --learn FILE', () => {
  it('learning a phrasing moves a question that shares no word with its entry from a miss to a hit', async () => {
    const learned = path.join(tmp, 'learned.jsonl');
    const scored = path.join(tmp, 'scored.jsonl');
    await writeFile(learned, jsonl([{ id: 'l1', query: 'my wombat still has not turned up', gold: ['en/faq.csv#How long does delivery take?'] }]));
    await writeFile(
      scored,
      jsonl([
        { id: 's1', query: 'wombat not turned up yet', gold: ['en/faq.csv#How long does delivery take?'] },
        { id: 's2', query: 'can i send something back', gold: ['en/returns.md#How do I return an item?'] },
      ]),
    );
    const t = io({ DATA_DIR: tmp });
    expect(await runEval(['--knowledge', knowledge, '--queries', scored, '--learn', learned, '--json'], t.io)).toBe(0);
    const report = JSON.parse(t.out()) as LearningReport;
    expect(report.learned).toEqual({ questions: 1, phrasings: 1 });
    expect(report.before['recall@1']).toBe(0.5);
    expect(report.after['recall@1']).toBe(1);
    expect(report.after.baseline['recall@1']).toBe(0.5); // plain BM25 does not read phrasings
    // The folder itself is untouched: learning went to the (in-memory) store.
    const plain = io({ DATA_DIR: tmp });
    await runEval(['--knowledge', knowledge, '--queries', scored, '--json'], plain.io);
    expect((JSON.parse(plain.out()) as EvalReport)['recall@1']).toBe(0.5);

    const text = io({ DATA_DIR: tmp });
    expect(await runEval(['--knowledge', knowledge, '--queries', scored, '--learn', learned], text.io)).toBe(0);
    expect(text.out()).toMatch(/ours, after learning +1\.000/);
    expect(text.out()).toMatch(/gain from learning +\+50\.0pt/);
  });

  it('refuses to score a question it learned', async () => {
    await expect(runEval(['--knowledge', knowledge, '--queries', queries, '--learn', queries], io({ DATA_DIR: tmp }).io)).rejects.toThrow(/both learned and scored/);
  });

  it('--learn-split learns one half of a labelled set by id and scores the other', async () => {
    const kb = path.join(tmp, 'kb.jsonl');
    const set = path.join(tmp, 'set.jsonl');
    await writeFile(
      kb,
      jsonl([
        { id: 'k1', lang: 'en', question: 'How long does delivery take?', answer: 'Three to five days.' },
        { id: 'k2', lang: 'en', question: 'How do I return an item?', answer: 'From your orders page.' },
      ]),
    );
    const rows = Array.from({ length: 40 }, (_, i) => ({ id: `q${i}`, query: `wombat ${i % 2 ? 'absent' : 'missing'} variant ${i}`, gold: ['k1'] }));
    await writeFile(set, jsonl(rows));
    const t = io({ DATA_DIR: tmp });
    expect(await runEval(['--kb', kb, '--queries', set, '--learn-split', '--json'], t.io)).toBe(0);
    const report = JSON.parse(t.out()) as LearningReport;
    expect(report.learned.questions + report.after.n).toBe(40);
    expect(report.learned.questions).toBeGreaterThan(10);
    expect(report.after.n).toBeGreaterThan(10);
    expect(report.before['recall@1']).toBe(0);
    expect(report.after['recall@1']).toBe(1);
    // Deterministic: the same halves in a second run.
    const again = io({ DATA_DIR: tmp });
    await runEval(['--kb', kb, '--queries', set, '--learn-split', '--json'], again.io);
    expect((JSON.parse(again.out()) as LearningReport).learned).toEqual(report.learned);
    expect(await runEval(['--kb', kb, '--queries', set, '--learn-split', '--learn', set], io({ DATA_DIR: tmp }).io)).toBe(2);
  });
});

