import { describe, expect, it } from 'vitest';
import { SHORTCUTS, shortcutFor, typingIn } from './shortcuts.js';

const key = (k: string, patch: Partial<Parameters<typeof shortcutFor>[0]> = {}) =>
  shortcutFor({ key: k, ctrlKey: false, metaKey: false, altKey: false, ...patch });

describe('shortcutFor', () => {
  it('maps the single keys to actions', () => {
    expect(['j', 'k', 'c', 'r', 'n', 'e', 't', 'd', '/', '?'].map((k) => key(k))).toEqual([
      'next',
      'previous',
      'claim',
      'reply',
      'note',
      'close',
      'transfer',
      'draft',
      'search',
      'help',
    ]);
    expect(key('3')).toBe('tab-3');
    expect(key('7')).toBeNull();
    expect(key('x')).toBeNull();
  });

  it('stays out of the way of modifiers, IME composition and handled keys', () => {
    expect(key('c', { ctrlKey: true })).toBeNull();
    expect(key('c', { metaKey: true })).toBeNull();
    expect(key('j', { altKey: true })).toBeNull();
    expect(key('j', { isComposing: true })).toBeNull();
    expect(key('j', { defaultPrevented: true })).toBeNull();
  });

  it('never fires while typing in a field, across shadow roots', () => {
    const textarea = { tagName: 'TEXTAREA' } as unknown as EventTarget;
    const host = { tagName: 'SUPPORT-CONSOLE-COMPOSER' } as unknown as EventTarget;
    expect(key('c', { composedPath: () => [textarea, host] })).toBeNull();
    expect(typingIn([{ tagName: 'INPUT', type: 'search' } as unknown as EventTarget])).toBe(true);
    expect(typingIn([{ tagName: 'INPUT', type: 'checkbox' } as unknown as EventTarget])).toBe(false);
    expect(typingIn([{ tagName: 'DIV', isContentEditable: true } as unknown as EventTarget])).toBe(true);
    expect(typingIn([{ tagName: 'BUTTON' } as unknown as EventTarget, host])).toBe(false);
    expect(typingIn([{ tagName: 'DIALOG' } as unknown as EventTarget])).toBe(true);
    const menu = { tagName: 'DIV', getAttribute: (n: string) => (n === 'role' ? 'menu' : null) };
    expect(typingIn([{ tagName: 'BUTTON' } as unknown as EventTarget, menu as unknown as EventTarget])).toBe(true);
  });

  it('documents every key it handles', () => {
    expect(SHORTCUTS.map((s) => s.keys)).toEqual(['j', 'k', 'c', 'r', 'n', 'd', 't', 'e', '/', '1 … 6', '?']);
  });
});
