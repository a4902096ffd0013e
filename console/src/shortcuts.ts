/**
 * Keyboard shortcuts for the common moves. Single keys, Gmail-style, so they never fire while the
 * agent types in a field (or with Ctrl/Alt/Meta held, which belong to the browser).
 */

import type { Catalog } from './i18n/catalog.js';

export type ShortcutAction =
  | 'next'
  | 'previous'
  | 'claim'
  | 'reply'
  | 'note'
  | 'close'
  | 'transfer'
  | 'draft'
  | 'search'
  | 'help'
  | `tab-${number}`;

export interface Shortcut {
  keys: string;
  action: ShortcutAction;
  /** Its words in the catalog (`shortcuts` module): the keys stay the same in every language. */
  label: keyof Catalog['shortcuts'];
}

/** Also the list the "?" dialog shows, in this order. */
export const SHORTCUTS: readonly Shortcut[] = [
  { keys: 'j', action: 'next', label: 'next' },
  { keys: 'k', action: 'previous', label: 'previous' },
  { keys: 'c', action: 'claim', label: 'claim' },
  { keys: 'r', action: 'reply', label: 'reply' },
  { keys: 'n', action: 'note', label: 'note' },
  { keys: 'd', action: 'draft', label: 'draft' },
  { keys: 't', action: 'transfer', label: 'transfer' },
  { keys: 'e', action: 'close', label: 'closeConversation' },
  { keys: '/', action: 'search', label: 'search' },
  { keys: '1 … 6', action: 'tab-1', label: 'tab' },
  { keys: '?', action: 'help', label: 'help' },
];

const BY_KEY: Record<string, ShortcutAction> = {
  j: 'next',
  k: 'previous',
  c: 'claim',
  r: 'reply',
  n: 'note',
  d: 'draft',
  t: 'transfer',
  e: 'close',
  '/': 'search',
  '?': 'help',
};

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  isComposing?: boolean;
  defaultPrevented?: boolean;
  /** The event's composed path (it crosses shadow roots): a field anywhere on it swallows the key. */
  composedPath?: () => EventTarget[];
}

export function shortcutFor(event: KeyLike): ShortcutAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing || event.defaultPrevented) return null;
  if (typingIn(event.composedPath?.() ?? [])) return null;
  if (/^[1-6]$/.test(event.key)) return `tab-${Number(event.key)}`;
  return BY_KEY[event.key] ?? null;
}

/**
 * True when the key goes to a text field, a select or an editable element, or to a dialog or a
 * menu that has the keyboard for itself.
 */
export function typingIn(path: readonly EventTarget[]): boolean {
  return path.some((target) => {
    const el = target as { tagName?: string; isContentEditable?: boolean; type?: string; getAttribute?: (name: string) => string | null };
    if (!el.tagName) return false;
    const tag = el.tagName.toLowerCase();
    if (tag === 'textarea' || tag === 'select' || tag === 'dialog' || el.isContentEditable) return true;
    if (el.getAttribute?.('role') === 'menu') return true;
    return tag === 'input' && !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(el.type ?? 'text');
  });
}
