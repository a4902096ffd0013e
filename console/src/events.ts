/**
 * The console's DOM events: typed, `support-console-*`, bubbling and composed so they cross the
 * shadow roots up to the element that acts on them. Properties go down, these go up.
 */
import type { Locale } from '@support-chat/shared';
import type { SectionKey } from './inbox-state.js';

/** The console's pages; `#c=<id>` opens a conversation in the inbox. */
export type ConsolePage = 'inbox' | 'reports' | 'agents' | 'canned' | 'routing' | 'audit' | 'integrations' | 'knowledge';

export interface ConsoleEventDetails {
  'support-console-login-request': { email: string; password: string };
  'support-console-navigate': { page: ConsolePage };
  'support-console-logout': null;
  'support-console-reconnect': null;
  'support-console-presence': { status: 'online' | 'away' };
  'support-console-notifications': null;
  'support-console-sound': { muted: boolean };
  'support-console-locale': { locale: Locale };
  'support-console-help': null;
  'support-console-tab': { tab: SectionKey };
  /** The agent reached the end of a tab's list and the server has more. */
  'support-console-more': { tab: SectionKey };
  'support-console-select': { conversationId: string };
  'support-console-search': { query: string; from?: number; to?: number };
  'support-console-search-clear': null;
  'support-console-claim': null;
  'support-console-close': null;
  'support-console-reopen': null;
  'support-console-handback': null;
  'support-console-transfer': { agentId: string };
  'support-console-send': { text: string; kind: 'text' | 'note' };
  'support-console-typing': { typing: boolean };
  'support-console-draft': null;
  'support-console-draft-taken': null;
  'support-console-retry': { clientId: string };
  'support-console-discard': { clientId: string };
  /** On a narrow screen: from the conversation back to the inbox list. */
  'support-console-back': null;
  /** On a narrower screen: show the visitor panel in the conversation's place. */
  'support-console-visitor-panel': null;
}

export type ConsoleEventName = keyof ConsoleEventDetails;

type ConsoleEvents = { [K in ConsoleEventName]: CustomEvent<ConsoleEventDetails[K]> };

declare global {
  interface HTMLElementEventMap extends ConsoleEvents {}
}

export function fire<K extends ConsoleEventName>(
  from: EventTarget,
  type: K,
  detail: ConsoleEventDetails[K],
): void {
  from.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}

export type Detail<K extends ConsoleEventName> = CustomEvent<ConsoleEventDetails[K]>;
