/**
 * JSON over same-origin HTTP (the session is an httpOnly cookie the browser sends by itself).
 * Every outcome, network failures included, comes back as an `AckResult` so the UI has one shape
 * to switch on.
 */
import { isErrorCode, type AckResult } from '@support-chat/shared';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export type Call = <T>(method: string, path: string, body?: unknown) => Promise<AckResult<T>>;

export function createCall(fetchImpl: FetchLike = (input, init) => fetch(input, init)): Call {
  return async <T>(method: string, path: string, body?: unknown): Promise<AckResult<T>> => {
    let response: Response;
    try {
      response = await fetchImpl(path, {
        method,
        credentials: 'same-origin',
        headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (cause) {
      console.warn('[support-console] request failed', path, cause);
      return failure('unavailable', 'Could not reach the server. Check your connection and try again.');
    }
    return parseResponse<T>(response);
  };
}

async function parseResponse<T>(response: Response): Promise<AckResult<T>> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's error page, an empty 204): the status is all we know.
    if (response.ok) return { ok: true, data: null as T };
    const code = response.status === 401 ? 'unauthorized' : response.status === 404 ? 'not_found' : 'internal';
    return failure(code, `The server answered ${response.status}.`);
  }
  if (isAckResult<T>(body)) return body;
  return failure('internal', `Unexpected answer from the server (${response.status}).`);
}

function isAckResult<T>(body: unknown): body is AckResult<T> {
  if (typeof body !== 'object' || body === null || !('ok' in body)) return false;
  if (body.ok === true) return 'data' in body;
  if (body.ok !== false || !('error' in body)) return false;
  const error = body.error as { code?: unknown; message?: unknown } | null;
  return typeof error === 'object' && error !== null && isErrorCode(error.code) && typeof error.message === 'string';
}

function failure(code: 'unavailable' | 'unauthorized' | 'not_found' | 'internal', message: string) {
  return { ok: false as const, error: { code, message } };
}
