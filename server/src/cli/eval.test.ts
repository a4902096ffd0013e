import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalReport } from '../knowledge/eval/evaluate.js';
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
