import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKb } from './kb.js';
import { createProgress } from './progress.js';

const fixtures = path.resolve(import.meta.dirname, '../../test/fixtures/knowledge');

function io(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t), isTTY: false }, env },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

let data: string;
beforeAll(async () => {
  data = await mkdtemp(path.join(tmpdir(), 'kb-cli-'));
});
afterAll(() => rm(data, { recursive: true, force: true }));

describe('npm run kb', () => {
  it('ingest validates a folder, reports its warnings on stderr and what was indexed', async () => {
    const t = io({ DATA_DIR: data });
    expect(await runKb(['ingest', '--dir', fixtures], t.io)).toBe(0);
    expect(t.out()).toMatch(/^22 entries \(en \d+, zh \d+\) from 8 files/);
    expect(t.out()).toMatch(/embeddings: off/);
    expect(t.err()).toMatch(/warning: /);
    const strict = io({ DATA_DIR: data });
    expect(await runKb(['ingest', '--dir', fixtures, '--strict'], strict.io)).toBe(1);
  });

  it('ingest fails on an empty folder', async () => {
    const t = io({ DATA_DIR: data });
    expect(await runKb(['ingest', '--dir', data], t.io)).toBe(1);
    expect(t.err()).toMatch(/no knowledge entries/);
  });

  it('search prints the top hits with scores and confidence', async () => {
    const t = io();
    expect(await runKb(['search', 'how', 'long', 'is', 'the', 'warranty', '--dir', fixtures, '--limit', '2'], t.io)).toBe(0);
    const lines = t.out().trim().split('\n');
    expect(lines[0]).toMatch(/score\s+conf\s+entry/);
    expect(lines[1]).toMatch(/^1\s+\d+\.\d{3}\s+0\.\d\d\s+How long is the warranty\?$/);
    expect(lines[2]!.trim()).toBe('en/warranty.md#how-long-is-the-warranty');
    expect(lines).toHaveLength(5);
  });

  it('stats counts entries per language and file and lists problems', async () => {
    await writeFile(path.join(data, 'dupes.csv'), 'question,answer,url\nHow?,One,/a\nHow?,Two,ftp://x\n');
    const t = io();
    expect(await runKb(['stats', '--dir', data], t.io)).toBe(0);
    expect(t.out()).toContain('by language: en 2');
    expect(t.out()).toMatch(/\s2\s+dupes\.csv/);
    expect(t.out()).toContain('2 entries share the question "how?"');
    expect(t.out()).toContain('url "ftp://x" is neither a path nor an http(s) link');
  });

  it('prints usage for an unknown command', async () => {
    const t = io();
    expect(await runKb(['frobnicate'], t.io)).toBe(2);
    expect(t.err()).toMatch(/Usage: npm run kb/);
  });
});

describe('progress', () => {
  it('draws a bar on a terminal and prints tenths in a log', () => {
    const tty: string[] = [];
    const bar = createProgress({ write: (t: string) => tty.push(t), isTTY: true }, 'embedding', { minTotal: 1 });
    bar.update(5, 10);
    bar.done();
    expect(tty[0]).toBe(`\rembedding [${'#'.repeat(15)}${'-'.repeat(15)}] 50% 5/10`);
    expect(tty.at(-1)).toBe('\n');

    const log: string[] = [];
    const plain = createProgress({ write: (t: string) => log.push(t) }, 'reading', { minTotal: 1 });
    for (let i = 0; i <= 1000; i++) plain.update(i, 1000);
    expect(log).toHaveLength(11);
    expect(log[5]).toBe('reading: 50% (500/1000)\n');
  });
});
