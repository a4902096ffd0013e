import { describe, expect, it } from 'vitest';
import { storageKeys, storedOwner } from './session-storage.js';

/** localStorage as the widget uses it: strings by key. */
function storage(entries: Record<string, string>): Storage {
  const map = new Map(Object.entries(entries));
  return {
    get length() {
      return map.size;
    },
    key: (i: number) => [...map.keys()][i] ?? null,
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
    clear: () => map.clear(),
  };
}

describe('storedOwner', () => {
  const server = 'https://chat.example';
  it("says a signed user's session stored by an older widget (no owner written) is someone's, v1 and v2 tokens alike", () => {
    const keys = storageKeys(server);
    for (const token of ['v1.u_abcdefghijklmnopqrstuvwxyz0123.sig', 'v2.u_abcdefghijklmnopqrstuvwxyz0123.mxdhe01o.sig']) {
      expect(storedOwner(storage({ [keys.token]: token }), server)).toBe('?');
    }
    expect(storedOwner(storage({ [keys.token]: 'v2.ERKMTz0qHJySF9KCIpxPCQ.mxdhe01o.sig' }), server)).toBe('');
    expect(storedOwner(storage({ [keys.token]: 'v2.u_x.1.sig', [keys.user]: 'user-7' }), server)).toBe('user-7');
  });
});
