/**
 * Requests broken before any route runs (a security probe): malformed percent-encoding in a path,
 * a body that says gzip but is not. They answered 500 `internal` and logged an error with its
 * stack each time, a cheap way for a stranger to flood the error log.
 */
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';

let t: TestServer;
const logged: { level: number; msg: string }[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logged.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  t = await startTestServer({ logger: pino({ level: 'info' }, sink) });
});

afterAll(async () => {
  await t.close();
});

const errorsLogged = () => logged.filter((entry) => entry.level >= 50);

describe('a malformed request', () => {
  it.each([
    ['a path with malformed percent-encoding', () => fetch(`${t.url}/api/visitor/attachments/%ZZ`), /malformed percent-encoding/],
    [
      'a body that says gzip but is not',
      () => fetch(`${t.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: '{"email":"a@b.c"}' }),
      /not valid for its Content-Encoding/,
    ],
    [
      'a body in an encoding the server does not take',
      () => fetch(`${t.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'compress' }, body: '{}' }),
      /Content-Encoding is not supported/,
    ],
  ])('gets 400 invalid_payload and logs no error: %s', async (_what, send, message) => {
    const before = errorsLogged().length;
    const res = await send();
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'invalid_payload', message: expect.stringMatching(message) } });
    expect(errorsLogged().slice(before)).toEqual([]);
  });

  it('still takes a body that is gzip, as it says', async () => {
    const res = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ email: 'nobody@example.com', password: 'wrong-password-1' })),
    });
    expect(res.status).toBe(401);
  });
});
