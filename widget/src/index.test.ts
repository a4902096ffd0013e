import { afterEach, describe, expect, it, vi } from 'vitest';

// Node has no DOM: the element only needs a base class and a registry that refuses a second
// definition, as browsers' does.
class Registry {
  private readonly _defined = new Map<string, CustomElementConstructor>();
  get(tag: string) {
    return this._defined.get(tag);
  }
  define(tag: string, element: CustomElementConstructor) {
    if (this._defined.has(tag)) throw new DOMException(`"${tag}" has already been defined`, 'NotSupportedError');
    this._defined.set(tag, element);
  }
}
Object.assign(globalThis, { HTMLElement: class {}, customElements: new Registry() });
const { define, SupportChat } = await import('./index.js');

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
