/**
 * A real HTTP server speaking the parts of the OpenAI API we use, for tests: chat completions
 * (streamed as server-sent events, or as one JSON body), models and embeddings. Each test
 * scripts the next replies — text, chunking, pacing, HTTP errors, a connection cut mid-stream,
 * a stall — and reads back every request it received.
 *
 *     const fake = await createFakeOpenAI();
 *     fake.reply({ text: 'Hello [1]', chunkSize: 3 }, { status: 429, retryAfter: 1 });
 *     new OpenAI({ apiKey: 'test', baseURL: fake.baseURL });
 *     …
 *     expect(fake.chatRequests()[0].messages[0].role).toBe('system');
 *     await fake.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeReply {
  /** The assistant's text. Default `'OK'`. */
  text?: string;
  /** Characters per streamed chunk. Default 4. */
  chunkSize?: number;
  /** Pause before each streamed chunk (ms). Default 0. */
  delayMs?: number;
  /** Answer with this HTTP error status instead (e.g. 429, 500, 401). */
  status?: number;
  /** `Retry-After` header (seconds) sent with an error status. */
  retryAfter?: number;
  /** Destroy the connection after this many content chunks (a dropped stream). */
  cutAfterChunks?: number;
  /** Stop sending after this many content chunks and hold the connection open (a stalled model). */
  stallAfterChunks?: number;
  /** `finish_reason` of the last chunk. Default `'stop'`. */
  finishReason?: string;
  /** Reported usage; estimated from the request and the text when absent. */
  usage?: { prompt_tokens: number; completion_tokens: number };
  /** The `model` field of the response. Default: the requested model. */
  model?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** Parsed JSON body, or undefined for a GET. */
  body: unknown;
}

/** The parts of a chat completions request body the tests look at. */
export interface ChatRequestBody {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  [key: string]: unknown;
}

export interface FakeOpenAI {
  /** `http://127.0.0.1:<port>/v1`: pass as `baseURL`. */
  baseURL: string;
  requests: RecordedRequest[];
  /** Bodies of the chat completion requests, in order. */
  chatRequests(): ChatRequestBody[];
  /** Queues replies for the next chat completion requests, in order. */
  reply(...replies: FakeReply[]): void;
  /** Forgets the recorded requests and any replies still queued (between tests). */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeOpenAIOptions {
  /** Used when the queue is empty. */
  defaultReply?: FakeReply;
  /** Known model ids (`GET /v1/models`). */
  models?: string[];
  /** Length of the deterministic embedding vectors. */
  embeddingDimensions?: number;
}

export async function createFakeOpenAI({
  defaultReply = {},
  models = ['fake-model'],
  embeddingDimensions = 64,
}: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const queue: FakeReply[] = [];
  const requests: RecordedRequest[] = [];

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, `fake-openai: ${(error as Error).message}`);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const raw = await readBody(req);
    const body: unknown = raw ? JSON.parse(raw) : undefined;
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });

    if (req.method === 'GET' && path === '/v1/models') {
      sendJson(res, 200, {
        object: 'list',
        data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake-openai' })),
      });
    } else if (req.method === 'POST' && path === '/v1/chat/completions') {
      await chatCompletion(body as ChatRequestBody, queue.shift() ?? defaultReply, res);
    } else if (req.method === 'POST' && path === '/v1/embeddings') {
      const { input, model, encoding_format } = body as { input: string | string[]; model: string; encoding_format?: string };
      const inputs = Array.isArray(input) ? input : [input];
      // The SDK asks for base64 (little-endian float32) unless told otherwise, and decodes it.
      const encode = (vector: number[]) =>
        encoding_format === 'base64' ? Buffer.from(Float32Array.from(vector).buffer).toString('base64') : vector;
      sendJson(res, 200, {
        object: 'list',
        model,
        data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: encode(embed(text, embeddingDimensions)) })),
        usage: { prompt_tokens: inputs.join(' ').length, total_tokens: inputs.join(' ').length },
      });
    } else {
      sendError(res, 404, `fake-openai: no route ${req.method} ${path}`);
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    chatRequests: () => requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body as ChatRequestBody),
    reply: (...replies) => void queue.push(...replies),
    reset: () => {
      requests.length = 0;
      queue.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function chatCompletion(body: ChatRequestBody, reply: FakeReply, res: ServerResponse): Promise<void> {
  if (reply.status && reply.status >= 400) {
    const headers = reply.retryAfter !== undefined ? { 'retry-after': String(reply.retryAfter) } : undefined;
    sendError(res, reply.status, `fake-openai: scripted ${reply.status}`, headers);
    return;
  }
  const text = reply.text ?? 'OK';
  const model = reply.model ?? body.model;
  const usage = reply.usage ?? {
    prompt_tokens: Math.ceil(JSON.stringify(body.messages).length / 4),
    completion_tokens: Math.ceil(text.length / 4),
  };
  const id = `chatcmpl-fake-${Date.now()}`;
  const created = Math.floor(Date.now() / 1000);
  const finishReason = reply.finishReason ?? 'stop';

  if (!body.stream) {
    sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: finishReason, logprobs: null }],
      usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
    });
    return;
  }

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  // Each write is flushed before the next step, so a scripted cut happens after what was sent.
  const send = (data: unknown) =>
    new Promise<void>((resolve) => res.write(`data: ${JSON.stringify(data)}\n\n`, () => resolve()));
  const chunk = (delta: object, finish: string | null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  });

  await send(chunk({ role: 'assistant', content: '' }, null));
  const size = Math.max(1, reply.chunkSize ?? 4);
  const chars = Array.from(text); // never split a surrogate pair (emoji, rare Han)
  let sent = 0;
  for (let i = 0; i < chars.length; i += size) {
    if (reply.cutAfterChunks !== undefined && sent >= reply.cutAfterChunks) {
      res.destroy();
      return;
    }
    if (reply.stallAfterChunks !== undefined && sent >= reply.stallAfterChunks) return; // closed by close()
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (res.destroyed) return;
    await send(chunk({ content: chars.slice(i, i + size).join('') }, null));
    sent++;
  }
  if (reply.cutAfterChunks !== undefined) {
    res.destroy();
    return;
  }
  await send(chunk({}, finishReason));
  if (body.stream_options?.include_usage) {
    await send({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } });
  }
  res.end('data: [DONE]\n\n');
}

/** Bag-of-words vectors: texts sharing words point the same way; equal texts, equal vectors. */
function embed(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const units = /\p{Script=Han}/u.test(word) ? Array.from(word) : [word];
    for (const unit of units) {
      let hash = 2166136261;
      for (let i = 0; i < unit.length; i++) hash = Math.imul(hash ^ unit.charCodeAt(i), 16777619);
      vector[(hash >>> 0) % dimensions]! += 1;
    }
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((v) => v / norm);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, message: string, headers?: Record<string, string>): void {
  const type = status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
  sendJson(res, status, { error: { message, type, param: null, code: type } }, headers);
}
