/**
 * support-chat: the `<support-chat>` element for bundlers. Call `define()` once (it is safe to
 * call again); the script-tag bundle (`dist/support-chat.js`) registers itself.
 */
import { SupportChat } from './support-chat.js';

export { SupportChat } from './support-chat.js';
export type { SupportChatMessageDetail, SupportChatUnreadDetail, SupportChatConversationDetail } from './support-chat.js';
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
 * already defined the tag, gets a warning instead of an exception.
 */
export function define(tag = 'support-chat'): void {
  const existing = customElements.get(tag);
  if (existing) {
    if (existing !== SupportChat) console.warn(`support-chat: <${tag}> is already defined by another script`);
    return;
  }
  customElements.define(tag, SupportChat);
}
