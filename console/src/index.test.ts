import { afterEach, describe, expect, it, vi } from 'vitest';
import { SupportConsole, SupportConsoleWorkspace, defineConsole } from './index.js';

describe('defineConsole', () => {
  afterEach(() => vi.restoreAllMocks());

  it('registers every console element on import, and can be called again', () => {
    expect(customElements.get('support-console')).toBe(SupportConsole);
    expect(customElements.get('support-console-workspace')).toBe(SupportConsoleWorkspace);
    for (const tag of ['topbar', 'search', 'inbox', 'team', 'conversation', 'composer', 'transfer-menu', 'reports', 'admin-agents', 'admin-canned', 'admin-routing', 'admin-welcome', 'shortcuts']) {
      expect(customElements.get(`support-console-${tag}`), tag).toBeDefined();
    }
    expect(() => defineConsole()).not.toThrow();
  });

  it('warns instead of throwing when another script took a tag', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const registry = {
      get: (tag: string) => (tag === 'support-console' ? class Other {} : undefined),
      define: vi.fn(),
    } as unknown as CustomElementRegistry;
    expect(() => defineConsole(registry)).not.toThrow();
    expect(warn).toHaveBeenCalledOnce();
    expect(warn.mock.calls[0]?.[0]).toMatch(/<support-console> is already defined/);
  });
});
