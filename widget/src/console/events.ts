/**
 * The console's DOM events: typed, `support-console-*`, bubbling and composed so they cross the
 * shadow roots up to `<support-console>`, which acts on them. Properties go down, these go up.
 */
import type { SectionKey } from './inbox-state.js';

export interface ConsoleEventDetails {
  'support-console-login-request': { email: string; password: string };
  'support-console-tab': { tab: SectionKey };
  'support-console-select': { conversationId: string };
  'support-console-claim': null;
  'support-console-close': null;
  'support-console-send': { text: string };
  'support-console-typing': { typing: boolean };
  'support-console-retry': { clientId: string };
  'support-console-discard': { clientId: string };
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
