import OpenAI, { APIError, RateLimitError } from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeOpenAI, type FakeOpenAI } from './fake-openai.js';

let fake: FakeOpenAI;
let client: OpenAI;

beforeEach(async () => {
  fake = await createFakeOpenAI({ models: ['fake-model', 'other'] });
  client = new OpenAI({ apiKey: 'test-key', baseURL: fake.baseURL, maxRetries: 0 });
});
afterEach(() => fake.close());

const messages = [{ role: 'user' as const, content: 'Hello' }];

describe('fake OpenAI server', () => {
  it('streams the scripted text in chunks of the given size, then usage and [DONE]', async () => {
    fake.reply({ text: '退款多久到账 refund', chunkSize: 3, usage: { prompt_tokens: 11, completion_tokens: 5 } });
    const stream = await client.chat.completions.create({
      model: 'fake-model',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) deltas.push(chunk.choices[0].delta.content);
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(deltas).toEqual(['退款多', '久到账', ' re', 'fun', 'd']);
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 });
  });

  it('answers without streaming too, and falls back to the default reply when the queue is empty', async () => {
    fake.reply({ text: 'First' });
    const first = await client.chat.completions.create({ model: 'fake-model', messages });
    const second = await client.chat.completions.create({ model: 'fake-model', messages });
    expect(first.choices[0]!.message.content).toBe('First');
    expect(second.choices[0]!.message.content).toBe('OK');
    expect(first.model).toBe('fake-model');
  });

  it('records every request body', async () => {
    await client.chat.completions.create({ model: 'fake-model', messages, temperature: 0.3 });
    expect(fake.chatRequests()).toEqual([{ model: 'fake-model', messages, temperature: 0.3 }]);
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer test-key');
  });

  it('fails with a scripted status and Retry-After', async () => {
    fake.reply({ status: 429, retryAfter: 7 }, { status: 500 });
    const limited = await client.chat.completions.create({ model: 'fake-model', messages }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).headers.get('retry-after')).toBe('7');
    const failed = await client.chat.completions.create({ model: 'fake-model', messages }).catch((e: unknown) => e);
    expect((failed as APIError).status).toBe(500);
  });

  it('cuts the connection mid-stream', async () => {
    fake.reply({ text: 'abcdefghij', chunkSize: 2, cutAfterChunks: 2 });
    const stream = await client.chat.completions.create({ model: 'fake-model', messages, stream: true });
    const deltas: string[] = [];
    const consume = async () => {
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) deltas.push(chunk.choices[0].delta.content);
    };
    await expect(consume()).rejects.toThrow();
    expect(deltas).toEqual(['ab', 'cd']);
  });

  it('paces chunks with the scripted delay', async () => {
    fake.reply({ text: 'abc', chunkSize: 1, delayMs: 30 });
    const started = performance.now();
    await client.chat.completions.create({ model: 'fake-model', messages, stream: true }).then(async (s) => {
      for await (const _ of s);
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(80);
  });

  it('lists models and returns deterministic, normalised embeddings', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['fake-model', 'other']);
    const { data } = await client.embeddings.create({ model: 'emb', input: ['refund my order', 'refund my order', 'lamp'] });
    expect(data).toHaveLength(3);
    expect(data[0]!.embedding).toEqual(data[1]!.embedding);
    expect(data[0]!.embedding).not.toEqual(data[2]!.embedding);
    expect(Math.hypot(...data[0]!.embedding)).toBeCloseTo(1, 6);
  });

  it('answers unknown routes with a 404 in the OpenAI error shape', async () => {
    const error = await client.completions.create({ model: 'x', prompt: 'y' }).catch((e: unknown) => e);
    expect((error as APIError).status).toBe(404);
  });
});
