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
    // Another script's element (another copy of the widget brings a class of its own).
    customElements.define('taken-chat', class extends HTMLElement {});
    expect(() => define('taken-chat')).not.toThrow();
    expect(warn).toHaveBeenCalledOnce();
  });

  it('registers the element under a tag of its own too, once, without a word', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    define();
    define('acme-chat');
    define('acme-chat');
    // A class holds one name in a browser's registry: the second name is a subclass.
    expect(customElements.get('acme-chat')!.prototype).toBeInstanceOf(SupportChat);
    expect(warn).not.toHaveBeenCalled();
  });
});
