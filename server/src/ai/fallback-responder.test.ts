import { describe, expect, it, vi } from 'vitest';
import { createFallbackResponder } from './fallback-responder.js';
import { ResponderError, type ResponderFailure } from './responder-error.js';
import type { Responder, ResponderAnswer, ResponderRequest } from './types.js';

function answerOf(responder: 'offline' | 'openai', text: string): ResponderAnswer {
  return { text, sources: [], provenance: { responder, passageIds: [], scores: [], answered: true, latencyMs: 1 } };
}

/** Streams `tokens`, then fails with `failure` (or answers when there is none). */
function scripted(tokens: string[], failure?: ResponderFailure | Error): Responder {
  return {
    name: 'openai',
    async answer(request) {
      for (const token of tokens) request.onToken?.(token);
      if (failure instanceof Error) throw failure;
      if (failure) throw new ResponderError(failure, `scripted ${failure}`);
      return answerOf('openai', tokens.join(''));
    },
  };
}

const offline: Responder = {
  name: 'offline',
  async answer(request) {
    request.onToken?.('Offline ');
    request.onToken?.('answer');
    return answerOf('offline', 'Offline answer');
  },
};

function request(extra: Partial<ResponderRequest> = {}): ResponderRequest & { events: string[] } {
  const events: string[] = [];
  return {
    conversationId: 'c1',
    question: 'q',
    history: [],
    locale: 'en',
    onToken: (t) => events.push(t),
    events,
    ...extra,
  };
}

describe('createFallbackResponder', () => {
  it('returns the primary answer when it succeeds, named after the primary', async () => {
    const responder = createFallbackResponder(scripted(['Hel', 'lo']), offline);
    const req = request();
    expect(responder.name).toBe('openai');
    expect((await responder.answer(req)).text).toBe('Hello');
    expect(req.events).toEqual(['Hel', 'lo']);
  });

  it('uses the fallback when the primary fails before streaming, without a reset', async () => {
    const onReset = vi.fn();
    const onFallback = vi.fn();
    const req = request({ onReset });
    const answer = await createFallbackResponder(scripted([], 'rate_limited'), offline, { onFallback }).answer(req);
    expect(answer.provenance.responder).toBe('offline');
    expect(req.events).toEqual(['Offline ', 'answer']);
    expect(onReset).not.toHaveBeenCalled();
    expect(onFallback).toHaveBeenCalledWith(expect.objectContaining({ reason: 'rate_limited' }));
  });

  it('resets the partial stream before the fallback streams when the primary fails mid-answer', async () => {
    const req = request();
    req.onReset = () => req.events.push('<reset>');
    const answer = await createFallbackResponder(scripted(['Par', 'tial'], 'interrupted'), offline).answer(req);
    expect(req.events).toEqual(['Par', 'tial', '<reset>', 'Offline ', 'answer']);
    expect(answer.text).toBe('Offline answer');
  });

  it('does not stream the fallback over a partial answer the caller cannot reset', async () => {
    const req = request();
    const answer = await createFallbackResponder(scripted(['Par', 'tial'], 'timeout'), offline).answer(req);
    expect(req.events).toEqual(['Par', 'tial']);
    expect(answer.text).toBe('Offline answer');
  });

  it('knows the stream is clean again after the primary reset it itself', async () => {
    const primary: Responder = {
      name: 'openai',
      async answer(r) {
        r.onToken?.('Let me');
        r.onReset?.();
        throw new ResponderError('unavailable', 'down');
      },
    };
    const req = request();
    req.onReset = () => req.events.push('<reset>');
    await createFallbackResponder(primary, offline).answer(req);
    expect(req.events).toEqual(['Let me', '<reset>', 'Offline ', 'answer']);
  });

  it('does not fall back on abort, and rethrows errors that are not ResponderErrors', async () => {
    const fallback = { name: 'offline' as const, answer: vi.fn() };
    await expect(createFallbackResponder(scripted([], 'aborted'), fallback).answer(request())).rejects.toMatchObject({
      reason: 'aborted',
    });
    const controller = new AbortController();
    controller.abort();
    await expect(
      createFallbackResponder(scripted([], 'unavailable'), fallback).answer(request({ signal: controller.signal })),
    ).rejects.toMatchObject({ reason: 'unavailable' });
    await expect(createFallbackResponder(scripted([], new TypeError('bug')), fallback).answer(request())).rejects.toThrow(
      TypeError,
    );
    expect(fallback.answer).not.toHaveBeenCalled();
  });
});
