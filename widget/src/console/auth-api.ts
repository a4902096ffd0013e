/** The console's sign-in calls. */
import { HTTP_ROUTES, type AckResult, type AgentProfile } from '@support-chat/shared';
import { createCall, type FetchLike } from './http.js';

export type { FetchLike } from './http.js';

export interface AuthApi {
  me(): Promise<AckResult<{ agent: AgentProfile }>>;
  login(email: string, password: string): Promise<AckResult<{ agent: AgentProfile }>>;
  logout(): Promise<AckResult<null>>;
}

export function createAuthApi(fetchImpl?: FetchLike): AuthApi {
  const call = createCall(fetchImpl);
  return {
    me: () => call('GET', HTTP_ROUTES.me),
    login: (email, password) => call('POST', HTTP_ROUTES.login, { email, password }),
    logout: () => call('POST', HTTP_ROUTES.logout),
  };
}
