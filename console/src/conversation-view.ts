import { LitElement, html, nothing } from 'lit';
import type { AgentConversation, AgentProfile, CannedReply, LabelCount, PresenceStatus } from '@support-chat/shared';
import type { ConnectionStatus, DraftState } from './agent-connection.js';
import { fire } from './events.js';
import { ago, duration, handoffReasonText, relativeTime, stars, statusLabel, visitorLabel } from './format.js';
import { LocaleController, fill, t } from './i18n/locale.js';
import { queuedSince } from './inbox-state.js';
import { placeholderValues, type PlaceholderValues } from './canned.js';
import { canClaim, canClose, canHandback, canNote, canReopen, canReply, canTransfer, isMine, type Gate } from './permissions.js';
import type { TransferTarget } from './team-state.js';
import { seenMarkerSeq, type TranscriptState } from './transcript-state.js';
import type { SupportConsoleComposer } from './composer.js';
import type { SupportConsoleTransferMenu } from './transfer-menu.js';
import { nameBadge } from './name-badge.js';
import { base } from './theme.styles.js';
import { conversationViewStyles, factsStyles, narrowStyles } from './conversation-view.styles.js';

/**
 * One conversation: who and where it stands, why it came to people, the visitor's rating, the
 * actions (claim, transfer, hand back to the AI, close, reopen), the transcript and the composer.
 *
 * @fires support-console-claim
 * @fires support-console-close
 * @fires support-console-reopen
 * @fires support-console-handback
 * @fires support-console-transfer - `{ agentId }` (from the transfer menu).
 * @fires support-console-back - narrow screens: back to the inbox list.
 * @fires support-console-visitor-panel - narrower screens: show the visitor panel.
 */
export class SupportConsoleConversation extends LitElement {
  static override styles = [base, conversationViewStyles, factsStyles, narrowStyles];
  static override properties = {
    conversation: { attribute: false },
    transcript: { attribute: false },
    agent: { attribute: false },
    status: { type: String },
    now: { type: Number },
    busy: { type: Boolean },
    targets: { attribute: false },
    handlerStatus: { type: String },
    canned: { attribute: false },
    draft: { attribute: false },
    labelSuggestions: { attribute: false },
  };

  declare conversation: AgentConversation;
  declare transcript: TranscriptState | null;
  declare agent: AgentProfile;
  declare status: ConnectionStatus;
  declare now: number;
  /** A claim, transfer or close is in flight. */
  declare busy: boolean;
  declare targets: readonly TransferTarget[];
  /** The presence of the colleague the conversation is assigned to, when the console knows it (permissions.ts). */
  declare handlerStatus: PresenceStatus | undefined;
  declare canned: readonly CannedReply[];
  declare draft: DraftState | null;
  private readonly i18n = new LocaleController(this);
  declare labelSuggestions: readonly LabelCount[];
  /** Adds and removes labels of this conversation (issue 13); set by the workspace. */
  onLabel: (change: { add: string[]; remove: string[] }) => Promise<boolean> = async () => false;

  constructor() {
    super();
    this.transcript = null;
    this.status = 'connecting';
    this.now = Date.now();
    this.busy = false;
    this.targets = [];
    this.canned = [];
    this.draft = null;
    this.labelSuggestions = [];
  }

  /** The composer's placeholder values, the same object while neither changed (a new one re-renders it). */
  private placeholders(c: AgentConversation, agent: AgentProfile): PlaceholderValues {
    if (this.placeholderCache?.conversation !== c || this.placeholderCache.agent !== agent) {
      this.placeholderCache = { conversation: c, agent, values: placeholderValues(c, agent) };
    }
    return this.placeholderCache.values;
  }

  private placeholderCache: { conversation: AgentConversation; agent: AgentProfile; values: PlaceholderValues } | null = null;

  /** The keyboard shortcuts act through these. */
  get composer(): SupportConsoleComposer | null {
    return this.renderRoot.querySelector<SupportConsoleComposer>('support-console-composer');
  }

  /** Back from the visitor panel on a narrow screen: the keyboard returns to the button that opened it. */
  focusVisitorToggle(): void {
    this.renderRoot.querySelector<HTMLButtonElement>('.visitor-toggle')?.focus();
  }

  showTransfer(): void {
    this.renderRoot.querySelector<SupportConsoleTransferMenu>('support-console-transfer-menu')?.show();
  }

  override render() {
    const c = this.conversation;
    const { agent, status } = this;
    const reply = canReply(c, agent, status, this.handlerStatus);
    const note = canNote(status);
    const s = t().conversation;
    return html`
      <header>
        <button class="btn back" type="button" aria-label=${s.backToInbox} title=${s.backToInbox} @click=${() => fire(this, 'support-console-back', null)}>
          <span aria-hidden="true">←</span>
        </button>
        <div class="title">
          <h2 id="conversation-title">${visitorLabel(c)}${nameBadge(c)}</h2>
          <div class="sub">
            <span class="badge ${c.status}">${statusLabel(c.status)}</span>
            <span>${this.describe(c)}</span>
          </div>
        </div>
        <button class="btn visitor-toggle" type="button" @click=${() => fire(this, 'support-console-visitor-panel', null)}>
          ${s.visitorDetails}
        </button>
        <div class="actions" role="group" aria-label=${s.actionsLabel}>${this.renderActions(c)}</div>
      </header>
      ${this.renderFacts(c)}
      <support-console-labels
        .labels=${c.labels ?? []}
        .suggestions=${this.labelSuggestions}
        .disabled=${status !== 'online'}
        .onChange=${this.onLabel}
      ></support-console-labels>
      <support-console-transcript
        .transcript=${this.transcript}
        .agent=${agent}
        .seenSeq=${this.transcript ? seenMarkerSeq(this.transcript, c.visitorReadSeq) : null}
      ></support-console-transcript>
      <support-console-composer
        .conversationId=${c.id}
        .mine=${isMine(c, agent)}
        .replyBlocked=${reply.allowed ? '' : reply.reason}
        .noteBlocked=${note.allowed ? '' : note.reason}
        .canned=${this.canned}
        .placeholders=${this.placeholders(c, agent)}
        .draft=${this.draft?.conversationId === c.id ? this.draft : null}
      ></support-console-composer>
    `;
  }

  private renderActions(c: AgentConversation) {
    const { agent, status } = this;
    const claim = canClaim(c, status);
    const { handlerStatus } = this;
    const transfer = canTransfer(c, agent, status, handlerStatus);
    const handback = canHandback(c, agent, status, handlerStatus);
    const close = canClose(c, agent, status, handlerStatus);
    const reopen = canReopen(c, status);
    const s = t().conversation;
    const button = (label: string, gate: Gate, event: 'support-console-claim' | 'support-console-close' | 'support-console-reopen' | 'support-console-handback', hint: string, primary = false) =>
      html`<button
        class="btn ${primary ? 'primary' : ''}"
        type="button"
        ?disabled=${this.busy || !gate.allowed}
        title=${gate.allowed ? hint : gate.reason}
        @click=${() => fire(this, event, null)}
      >
        ${label}
      </button>`;
    return html`
      ${claim.allowed ? button(c.status === 'bot' ? s.takeOver : s.claim, claim, 'support-console-claim', s.claimHint, true) : nothing}
      ${c.status === 'queued' || c.status === 'assigned'
        ? html`<support-console-transfer-menu
            .targets=${this.targets}
            .disabled=${this.busy || !transfer.allowed}
            .reason=${transfer.reason}
          ></support-console-transfer-menu>`
        : nothing}
      ${c.status === 'assigned' ? button(s.handBack, handback, 'support-console-handback', s.handBackHint) : nothing}
      ${c.status !== 'closed' ? button(s.close, close, 'support-console-close', s.closeHint) : nothing}
      ${c.status === 'closed' ? button(s.reopen, reopen, 'support-console-reopen', s.reopenHint, true) : nothing}
    `;
  }

  /** Why it came to people, a message left offline, the visitor's rating: only what is known. */
  private renderFacts(c: AgentConversation) {
    const facts = [];
    const s = t().conversation;
    if (c.handoffReason) facts.push(html`<li class="reason"><strong>${s.handoff}</strong> ${handoffReasonText(c.handoffReason)}</li>`);
    if (c.leftMessage) {
      const who = c.leftMessage.name ? `${c.leftMessage.name} <${c.leftMessage.email}>` : c.leftMessage.email;
      facts.push(html`<li class="left"><strong>${s.leftMessage}</strong> · ${s.replyByEmail}
        <a href="mailto:${c.leftMessage.email}">${who}</a></li>`);
    }
    if (c.rating) {
      facts.push(html`<li class="rating">
        <strong>${s.rating}</strong> <span class="stars" aria-hidden="true">${stars(c.rating.score)}</span>
        <span>${fill(s.outOfFive, { n: c.rating.score })}</span>${c.rating.comment ? html` · “${c.rating.comment}”` : nothing}
        <span class="muted">${relativeTime(c.rating.ratedAt, this.now)}</span>
      </li>`);
    }
    return facts.length ? html`<ul class="facts" aria-label=${s.aboutLabel}>${facts}</ul>` : nothing;
  }

  private describe(c: AgentConversation): string {
    const s = t().conversation;
    switch (c.status) {
      case 'queued':
        return fill(s.waitingFor, { time: duration(this.now - queuedSince(c)) }) + (c.queuePosition ? fill(s.inQueue, { n: c.queuePosition }) : '');
      case 'bot':
        return s.aiAnswering;
      case 'assigned':
        if (c.assignedAgentId === this.agent.id) return s.assignedToYou;
        // Away or offline: a teammate may take it over (permissions.ts), and should know to.
        return fill(
          this.handlerStatus === 'away' ? s.assignedToAway : this.handlerStatus === 'offline' ? s.assignedToOffline : s.assignedTo,
          { name: c.assignedAgentName ?? s.aColleague },
        );
      case 'closed':
        return c.closedAt ? fill(s.closedAgo, { when: ago(c.closedAt, this.now) }) : s.closed;
    }
  }
}
