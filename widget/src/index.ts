/**
 * support-chat: the `<support-chat>` element for bundlers. Importing the package registers
 * `<support-chat>`, as the script-tag bundle (`dist/support-chat.js`) does; `define(tag)` adds a
 * name of your own (calls queued in `window.supportChat` go to `<support-chat>` only).
 */
import { SupportChat } from './support-chat.js';

export { SupportChat } from './support-chat.js';
export type { SupportChatEventMap, SupportChatMessageDetail, SupportChatUnreadDetail, SupportChatConversationDetail } from './support-chat.js';
export { runCommandQueue, type SupportChatCommand } from './internal/command-queue.js';
export type {
  ChatMessage,
  ConversationStatus,
  Source,
  SystemEvent,
  VisitorConversation,
} from '@support-chat/shared';

/**
 * Registers `<support-chat>` (or `tag`). A page that loads the embed twice, or another copy
 * already defined the tag, gets a warning instead of an exception. A tag of your own is the
 * element under a name of its own (a subclass: one class can hold only one name, and importing
 * the package took `support-chat`; `define('acme-chat')` threw, found by a developer's probe).
 */
export function define(tag = 'support-chat'): void {
  const existing = customElements.get(tag);
  if (!existing) customElements.define(tag, tag == 'support-chat' ? SupportChat : class extends SupportChat {});
  else if (!(existing == SupportChat || existing.prototype instanceof SupportChat)) console.warn(`support-chat: <${tag}> is already defined by another script`);
}
