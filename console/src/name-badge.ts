import { html, nothing } from 'lit';
import type { AgentConversation } from '@support-chat/shared';
import { nameTrust } from './format.js';
import { t } from './i18n/locale.js';

/**
 * After the visitor's name: "verified" when a signed-in user's token vouches for it,
 * "unverified" when the browser only says so (`onlyVerified`: where room is short, the inbox
 * rows). Styled by theme.styles.ts (`.badge.verified`, `.badge.unverified`).
 */
export function nameBadge(conversation: Pick<AgentConversation, 'visitorId' | 'context' | 'leftMessage'>, { onlyVerified = false } = {}) {
  const trust = nameTrust(conversation);
  if (!trust || (onlyVerified && trust !== 'verified')) return nothing;
  return html` <span class="badge ${trust}">${t().visitor[trust]}</span>`;
}
