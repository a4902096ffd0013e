import { afterEach, describe, expect, it, vi } from 'vitest';
import { define, SupportChat } from './index.js';

describe('define', () => {
  afterEach(() => vi.restoreAllMocks());

  it('registers the element once and can be called again', () => {
    define();
    expect(customElements.get('support-chat')).toBe(SupportChat);
    expect(() => define()).not.toThrow();
  });

  it('warns instead of throwing when another script took the tag', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    customElements.define('taken-chat', class extends SupportChat {});
    expect(() => define('taken-chat')).not.toThrow();
    expect(warn).toHaveBeenCalledOnce();
  });
});
