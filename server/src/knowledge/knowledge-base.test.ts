import { writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFakeOpenAI, type FakeOpenAI } from '../../test/fake-openai.js';
import { createOpenAIEmbedder } from '../ai/openai-embedder.js';
import { createOfflineResponder } from '../ai/offline-responder.js';
import { openEmbeddingCache } from './embeddings.js';
import { KnowledgeBase } from './knowledge-base.js';

const article = (heading: string, body: string) => `---\nlang: en\nurl: /help/test\n---\n# Test\n\n## ${heading}\n\n${body}\n`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kb-test-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function until(check: () => boolean, timeoutMs = 4_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('KnowledgeBase', () => {
  it('re-indexes when a file changes, and the responders built on it see the new entries', async () => {
    const folder = path.join(dir, 'watch');
    await mkdir(folder);
    await writeFile(path.join(folder, 'a.md'), article('How long does shipping take?', 'Three to five days.'));
    const reloads: string[] = [];
    const knowledge = await KnowledgeBase.open({ dir: folder, debounceMs: 50, onReload: (_, reason) => reloads.push(reason) });
    const offline = createOfflineResponder({ retriever: knowledge });
    const ask = (question: string) => offline.answer({ conversationId: 'c', question, history: [], locale: 'en' });
    const stop = knowledge.watch();
    try {
      expect(knowledge.size).toBe(1);
      expect((await ask('Can I pay with a gift card?')).provenance.answered).toBe(false);

      await writeFile(path.join(folder, 'b.md'), article('Can I pay with a gift card?', 'Yes, at checkout.'));
      await until(() => knowledge.size === 2);
      expect(reloads.at(-1)).toMatch(/file changed/);
      const answer = await ask('Can I pay with a gift card?');
      expect(answer.provenance.answered).toBe(true);
      expect(answer.text).toBe('Yes, at checkout.');

      await rm(path.join(folder, 'a.md'));
      await until(() => knowledge.size === 1);
      expect(knowledge.entries.map((e) => e.title)).toEqual(['Can I pay with a gift card?']);
    } finally {
      stop();
    }
  });

  it('keeps serving the previous index when a rebuild fails', async () => {
    const folder = path.join(dir, 'vanishing');
    await mkdir(folder);
    await writeFile(path.join(folder, 'a.md'), article('How do I reset my password?', 'Use the link on the login page.'));
    const errors: unknown[] = [];
    const knowledge = await KnowledgeBase.open({ dir: folder, onError: (e) => errors.push(e) });
    await rm(folder, { recursive: true });
    await expect(knowledge.reload()).rejects.toThrow();
    expect(errors).toHaveLength(1);
    expect(knowledge.size).toBe(1);
    expect((await knowledge.search('reset password'))[0]!.entry.title).toBe('How do I reset my password?');
  });

  it("reads the company's synonyms.txt, reports its bad lines, and follows edits to it", async () => {
    const folder = path.join(dir, 'synonyms');
    await mkdir(path.join(folder, 'faq'), { recursive: true });
    await writeFile(path.join(folder, 'a.md'), article('How do I reset the Lumen?', 'Hold the button for ten seconds.'));
    await writeFile(path.join(folder, 'faq', 'synonyms.txt'), '# our products\nLumen, desk lamp\nlonely\n');
    const knowledge = await KnowledgeBase.open({ dir: folder });
    expect(knowledge.size).toBe(1); // the synonyms file is not an entry
    expect(knowledge.snapshot.warnings).toEqual(['faq/synonyms.txt:3: a synonym group needs at least two members, separated by commas']);
    expect((await knowledge.search('my desk lamp'))[0]?.entry.title).toBe('How do I reset the Lumen?');

    await writeFile(path.join(folder, 'faq', 'synonyms.txt'), 'Lumen, reading light\n');
    await knowledge.reload();
    expect(await knowledge.search('my desk lamp')).toEqual([]);
    expect((await knowledge.search('reading light'))[0]?.entry.title).toBe('How do I reset the Lumen?');
  });

  it('runs one follow-up build for reloads requested while one is running', async () => {
    const folder = path.join(dir, 'burst');
    await mkdir(folder);
    await writeFile(path.join(folder, 'a.md'), article('Question one?', 'One.'));
    let builds = 0;
    const knowledge = await KnowledgeBase.open({ dir: folder, onReload: () => builds++ });
    const first = knowledge.reload();
    // Synchronously, so the burst surely lands while the first build runs (an awaited write could
    // let it finish first, and then a third build would be right).
    writeFileSync(path.join(folder, 'b.md'), article('Question two?', 'Two.'));
    const [a, b, c] = await Promise.all([first, knowledge.reload(), knowledge.reload()]);
    expect(builds).toBe(2);
    expect(b).toBe(c);
    expect(a.entries.length).toBeLessThanOrEqual(2);
    expect(knowledge.size).toBe(2);
  });
});

describe('KnowledgeBase with an embeddings model', () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await createFakeOpenAI();
  });
  afterAll(() => fake.close());
  afterEach(() => fake.reset());

  const embeddingInputs = () =>
    fake.requests.filter((r) => r.path === '/v1/embeddings').flatMap((r) => (r.body as { input: string[] }).input);

  it('fuses dense hits with the lexical ranking, and caches vectors by model and content on disk', async () => {
    const folder = path.join(dir, 'dense');
    const dataDir = path.join(dir, 'data');
    await mkdir(folder);
    // No word of the question below is in this entry's title, but its answer shares them: the
    // (bag-of-words) fake embeddings find it; lexically the other entry ranks first.
    await writeFile(
      path.join(folder, 'a.md'),
      `${article('How do I return an item?', 'Parcel parcel parcel label printer courier.')}\n## Which carriers deliver?\n\nWe deliver with courier partners.\n`,
    );
    const embedder = createOpenAIEmbedder({ apiKey: 'k', baseURL: fake.baseURL, model: 'fake-embed' });
    const open = async () =>
      KnowledgeBase.open({ dir: folder, embedder, cache: await openEmbeddingCache(dataDir, 'fake-embed') });

    const knowledge = await open();
    expect(knowledge.snapshot.embedded).toBe(2);
    expect(embeddingInputs()).toHaveLength(2);
    const lexical = knowledge.snapshot.lexical.search('parcel label printer courier');
    const hybrid = await knowledge.search('parcel label printer courier', { limit: 2 });
    expect(hybrid.map((h) => h.entry.title)).toContain('How do I return an item?');
    expect(hybrid).toHaveLength(2);
    expect(lexical.length).toBeGreaterThan(0);
    // The query was embedded too, in a request of its own.
    expect(embeddingInputs().at(-1)).toBe('parcel label printer courier');

    // A restart embeds nothing; an edited entry is embedded again, alone.
    fake.reset();
    const again = await open();
    expect(again.snapshot.embedded).toBe(0);
    expect(embeddingInputs()).toHaveLength(0);
    await writeFile(path.join(folder, 'b.md'), article('Do you sell gift cards?', 'Yes.'));
    await again.reload();
    expect(again.snapshot.embedded).toBe(1);
    expect(embeddingInputs()).toEqual([expect.stringContaining('Do you sell gift cards?')]);
    const cacheFile = (await openEmbeddingCache(dataDir, 'fake-embed')).file;
    expect((await readFile(cacheFile, 'utf8')).trim().split('\n')).toHaveLength(3);
  });

  it('answers from the lexical index alone when embedding the query fails', async () => {
    const folder = path.join(dir, 'dense-down');
    await mkdir(folder);
    await writeFile(path.join(folder, 'a.md'), article('How long does shipping take?', 'Three days.'));
    const embedder = createOpenAIEmbedder({ apiKey: 'k', baseURL: fake.baseURL, model: 'fake-embed', maxRetries: 0 });
    const errors: unknown[] = [];
    const knowledge = await KnowledgeBase.open({ dir: folder, embedder, onQueryError: (e) => errors.push(e) });
    await fake.close();
    const hits = await knowledge.search('shipping time');
    expect(hits[0]!.entry.title).toBe('How long does shipping take?');
    expect(errors).toHaveLength(1);
    fake = await createFakeOpenAI();
  });
});
