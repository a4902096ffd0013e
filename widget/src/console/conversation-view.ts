import { LitElement, html, nothing } from 'lit';
import type { AgentConversation, AgentProfile } from '@support-chat/shared';
import type { ConnectionStatus } from './agent-connection.js';
import { fire } from './events.js';
import { STATUS_LABELS, duration, visitorLabel } from './format.js';
import { queuedSince } from './inbox-state.js';
import { canClaim, canClose, canReply } from './permissions.js';
import type { TranscriptState } from './transcript-state.js';
import { base } from './theme.styles.js';
import { conversationViewStyles } from './conversation-view.styles.js';

/**
 * One conversation: who and where it stands, Claim and Close, the transcript and the reply box.
 *
 * @fires support-console-claim - the agent takes the conversation.
 * @fires support-console-close - the agent closes it.
 */
export class SupportConsoleConversation extends LitElement {
  static override styles = [base, conversationViewStyles];
  static override properties = {
    conversation: { attribute: false },
    transcript: { attribute: false },
    agent: { attribute: false },
    status: { type: String },
    now: { type: Number },
    busy: { type: Boolean },
  };

  declare conversation: AgentConversation;
  declare transcript: TranscriptState | null;
  declare agent: AgentProfile;
  declare status: ConnectionStatus;
  declare now: number;
  /** A claim or close is in flight. */
  declare busy: boolean;

  constructor() {
    super();
    this.transcript = null;
    this.status = 'connecting';
    this.now = Date.now();
    this.busy = false;
  }

  override render() {
    const c = this.conversation;
    const claim = canClaim(c, this.status);
    const close = canClose(c, this.agent, this.status);
    const reply = canReply(c, this.agent, this.status);
    return html`
      <header>
        <div class="title">
          <h2 id="conversation-title">${visitorLabel(c)}</h2>
          <div class="sub">
            <span class="badge ${c.status}">${STATUS_LABELS[c.status]}</span>
            <span>${this.describe(c)}</span>
          </div>
        </div>
        <div class="actions">
          ${claim.allowed
            ? html`<button class="btn primary" type="button" ?disabled=${this.busy} @click=${() => fire(this, 'support-console-claim', null)}>
                Claim
              </button>`
            : nothing}
          ${c.status !== 'closed'
            ? html`<button
                class="btn"
                type="button"
                ?disabled=${this.busy || !close.allowed}
                title=${close.allowed ? 'Close this conversation' : close.reason}
                @click=${() => fire(this, 'support-console-close', null)}
              >
                Close
              </button>`
            : nothing}
        </div>
      </header>
      <support-console-transcript .transcript=${this.transcript} .agent=${this.agent}></support-console-transcript>
      <support-console-composer
        .conversationId=${c.id}
        .disabledReason=${reply.allowed ? '' : reply.reason}
      ></support-console-composer>
    `;
  }

  private describe(c: AgentConversation): string {
    switch (c.status) {
      case 'queued':
        return `Waiting ${duration(this.now - queuedSince(c))}${c.queuePosition ? ` · #${c.queuePosition} in queue` : ''}`;
      case 'bot':
        return 'The AI is answering';
      case 'assigned':
        return c.assignedAgentId === this.agent.id ? 'Assigned to you' : `Assigned to ${c.assignedAgentName ?? 'a colleague'}`;
      case 'closed':
        return 'Closed';
    }
  }
}
