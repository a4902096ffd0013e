/** A webhook receiver on 127.0.0.1 for tests: records every request and answers as told. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookPayload } from '@support-chat/shared';

export interface ReceivedHook {
  at: number;
  headers: http.IncomingHttpHeaders;
  raw: string;
  payload: WebhookPayload;
}

export interface Receiver {
  url: string;
  port: number;
  received: ReceivedHook[];
  /** What to answer next: a status, or `hang` (never answer). The last one repeats. */
  answer(...statuses: (number | 'hang')[]): void;
  /** Answers each request with what `decide` says (instead of the planned statuses). */
  answerWith(decide: ((hook: ReceivedHook, received: ReceivedHook[]) => number) | null): void;
  /** Resolves once `predicate` holds for what was received. */
  waitFor(predicate: (received: ReceivedHook[]) => boolean, timeoutMs?: number): Promise<ReceivedHook[]>;
  close(): Promise<void>;
}

export async function startReceiver(port = 0): Promise<Receiver> {
  const received: ReceivedHook[] = [];
  let plan: (number | 'hang')[] = [200];
  let decide: ((hook: ReceivedHook, received: ReceivedHook[]) => number) | null = null;
  const waiters = new Set<() => void>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      const hook = { at: Date.now(), headers: req.headers, raw, payload: JSON.parse(raw) as WebhookPayload };
      received.push(hook);
      const status = decide ? decide(hook, received) : plan.length > 1 ? plan.shift()! : plan[0]!;
      for (const wake of waiters) wake();
      if (status === 'hang') return;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}/hooks`,
    port: actual,
    received,
    answer: (...statuses) => {
      plan = statuses;
      decide = null;
    },
    answerWith: (fn) => {
      decide = fn;
    },
    waitFor: (predicate, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(received)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(received);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the receiver did not see what was expected in ${timeoutMs} ms; it got: ${received.map((r) => `${r.payload.type} ${r.payload.id}`).join(', ')}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls `read` until `predicate` holds (store state the test cannot be told about). */
export async function eventually<T>(read: () => Promise<T>, predicate: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (predicate(value)) return value;
    if (Date.now() > until) throw new Error(`not reached in ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
