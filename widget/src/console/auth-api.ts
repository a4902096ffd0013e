/**
 * The console's three HTTP calls (same origin; the session is an httpOnly cookie the browser
 * sends by itself). Every outcome, network failures included, comes back as an `AckResult` so the
 * UI has one shape to switch on.
 */
import { HTTP_ROUTES, isErrorCode, type AckResult, type AgentProfile } from '@support-chat/shared';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface AuthApi {
  me(): Promise<AckResult<{ agent: AgentProfile }>>;
  login(email: string, password: string): Promise<AckResult<{ agent: AgentProfile }>>;
  logout(): Promise<AckResult<null>>;
}

export function createAuthApi(fetchImpl: FetchLike = (input, init) => fetch(input, init)): AuthApi {
  const call = async <T>(path: string, init: RequestInit = {}): Promise<AckResult<T>> => {
    let response: Response;
    try {
      response = await fetchImpl(path, {
        credentials: 'same-origin',
        ...init,
        headers: { accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}) },
      });
    } catch (cause) {
      console.warn('[support-console] request failed', path, cause);
      return failure('unavailable', 'Could not reach the server. Check your connection and try again.');
    }
    return parseResponse<T>(response);
  };

  return {
    me: () => call(HTTP_ROUTES.me),
    login: (email, password) =>
      call(HTTP_ROUTES.login, { method: 'POST', body: JSON.stringify({ email, password }) }),
    logout: () => call(HTTP_ROUTES.logout, { method: 'POST' }),
  };
}

async function parseResponse<T>(response: Response): Promise<AckResult<T>> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's error page, say): the status is all we know.
    return failure(response.status === 401 ? 'unauthorized' : 'internal', `The server answered ${response.status}.`);
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

function failure(code: 'unavailable' | 'unauthorized' | 'internal', message: string) {
  return { ok: false as const, error: { code, message } };
}
