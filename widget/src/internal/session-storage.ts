/**
 * What the widget keeps in the browser, by key. Shared by the launcher (which must know at page
 * load whether a returning visitor left a session, to load the chat at once) and the connection
 * (which reads and writes it); small and free of dependencies, as the launcher must be.
 */

/** Keys are namespaced per server origin, so two deployments on one site never mix. */
export function storageKeys(server: string) {
  const prefix = `support-chat:${new URL(server).origin}:`;
  // `user`: the signed-in user (JWT `sub`) the rest belongs to; absent for an anonymous visitor.
  // `polling`: a WebSocket hung here once (a proxy swallows them): connect by polling first.
  return { token: prefix + 'token', outbox: prefix + 'outbox', read: prefix + 'read', user: prefix + 'user', polling: prefix + 'polling' };
}

// Storage can throw (disabled cookies, sandboxed frames, quota): the chat then works for this
// page only, which is the best that can be done.
export function load(storage: Storage, key: string): string | null {
  try {
    return storage.getItem(key);
  } catch {
    return null;
  }
}
export function save(storage: Storage, key: string, value: string | null): void {
  try {
    if (value === null) storage.removeItem(key);
    else storage.setItem(key, value);
  } catch (err) {
    console.warn('support-chat: could not write to storage', err);
  }
}

/** True when an earlier visit left a session behind: such a visitor reconnects on page load. */
export function hasStoredSession(storage: Storage, server: string): boolean {
  const keys = storageKeys(server);
  return !!(load(storage, keys.token) || load(storage, keys.outbox));
}

/**
 * Whose the stored session is: the signed-in user's `sub` written with it; '?' for a signed
 * user's session stored without one (by an older widget: its visitor id says `u_`, not whose;
 * `v1.` and, from a newer server, `v2.` tokens);
 * '' for an anonymous visitor or none.
 */
export function storedOwner(storage: Storage, server: string): string {
  const keys = storageKeys(server);
  return load(storage, keys.user) || (/^v\d\.u_/.test(load(storage, keys.token) ?? '') ? '?' : '');
}

/** Removes the visitor's token, outbox and read mark: the next visitor on this device starts afresh. */
export function forgetSession(storage: Storage, server: string): void {
  for (const key of Object.values(storageKeys(server))) save(storage, key, null);
}

/** localStorage, or this page's memory where the browser refuses it (sandboxed frames, policies). */
export function pageStorage(): Storage {
  try {
    return window.localStorage;
  } catch {
    return memoryStorage;
  }
}

const memory = new Map<string, string>();
/** One per page, so that the launcher and the chat see the same session when localStorage is refused. */
const memoryStorage = {
  getItem: (k: string) => memory.get(k) ?? null,
  setItem: (k: string, v: string) => void memory.set(k, v),
  removeItem: (k: string) => void memory.delete(k),
} as Storage;
