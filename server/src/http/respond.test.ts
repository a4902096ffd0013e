import pino from 'pino';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Request, Response } from 'express';
import { errorHandler } from './respond.js';

/** What the handler answered and logged for `error`. */
function handle(error: unknown) {
  const logged: { level: number }[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _e, done) => (logged.push(JSON.parse(chunk.toString()) as { level: number }), done()) });
  const answer: { status?: number; body?: unknown } = {};
  const res = {
    setHeader: () => res,
    status: (code: number) => ((answer.status = code), res),
    json: (body: unknown) => ((answer.body = body), res),
  } as unknown as Response;
  errorHandler(pino({ level: 'info' }, sink))(error, {} as Request, res, () => undefined);
  return { ...answer, errorsLogged: logged.filter((entry) => entry.level >= 50).length };
}

describe('errorHandler', () => {
  it("answers the request's own faults 400 without logging them", () => {
    expect(handle(Object.assign(new URIError('Failed to decode param'), { status: 400 }))).toMatchObject({ status: 400, errorsLogged: 0 });
    expect(handle(Object.assign(new Error('incorrect header check'), { status: 400, expose: true, code: 'Z_DATA_ERROR' }))).toMatchObject({ status: 400, errorsLogged: 0 });
  });

  it('keeps any other error with a 4xx status as ours: 500, logged (an SDK error that got this far)', () => {
    expect(handle(Object.assign(new Error('Incorrect API key provided'), { status: 401, type: 'invalid_request_error' }))).toMatchObject({ status: 500, errorsLogged: 1 });
  });
});
