/** The console's sign-in calls. */
import { HTTP_ROUTES, type AckResult, type AgentProfile, type Locale } from '@support-chat/shared';
import { createCall, type FetchLike } from './http.js';

export type { FetchLike } from './http.js';

export interface AuthApi {
  me(): Promise<AckResult<{ agent: AgentProfile }>>;
  login(email: string, password: string): Promise<AckResult<{ agent: AgentProfile }>>;
  logout(): Promise<AckResult<null>>;
  /** The signed-in agent's own choices, kept with the account. */
  savePreferences(preferences: { locale: Locale }): Promise<AckResult<{ agent: AgentProfile }>>;
}

export function createAuthApi(fetchImpl?: FetchLike): AuthApi {
  const call = createCall(fetchImpl);
  return {
    me: () => call('GET', HTTP_ROUTES.me),
    login: (email, password) => call('POST', HTTP_ROUTES.login, { email, password }),
    logout: () => call('POST', HTTP_ROUTES.logout),
    savePreferences: (preferences) => call('PUT', HTTP_ROUTES.mePreferences, preferences),
  };
}
