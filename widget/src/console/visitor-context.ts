import { LitElement, html, nothing, type TemplateResult } from 'lit';
import type { AgentConversation } from '@support-chat/shared';
import type { AdminApi } from './admin-api.js';
import { fill, privacyStrings } from './privacy-strings.js';
import { safeHref } from '../internal/markdown.js';
import { STATUS_LABELS, ago, describeBrowser, visitorLabel } from './format.js';
import { base } from './theme.styles.js';
import { visitorContextStyles } from './visitor-context.styles.js';

/**
 * What the site and browser told us about the visitor of the open conversation. Everything here
 * came from the visitor's page, so it is shown as text, and links only when http(s). Admins also
 * get the visitor's data (issue 11): export it, or erase it after a confirmation.
 */
export class SupportConsoleVisitor extends LitElement {
  static override styles = [base, visitorContextStyles];
  static override properties = {
    conversation: { attribute: false },
    now: { type: Number },
    admin: { type: Boolean },
    api: { attribute: false },
    confirming: { state: true },
    erasing: { state: true },
    outcome: { state: true },
    error: { state: true },
  };

  declare conversation: AgentConversation | undefined;
  declare now: number;
  /** The signed-in agent is an admin: the visitor-data actions are shown. */
  declare admin: boolean;
  declare api: AdminApi | undefined;
  /** The visitor whose erasure waits for a second click. */
  declare confirming: string | null;
  declare erasing: boolean;
  /** What the last erasure did (the conversation is gone from the inbox by then). */
  declare outcome: string;
  declare error: string;
  private readonly s = privacyStrings();

  constructor() {
    super();
    this.conversation = undefined;
    this.now = Date.now();
    this.admin = false;
    this.api = undefined;
    this.confirming = null;
    this.erasing = false;
    this.outcome = '';
    this.error = '';
  }

  override render() {
    const c = this.conversation;
    const status = html`${this.outcome ? html`<p role="status" class="help">${this.outcome}</p>` : nothing}`;
    if (!c) return html`<p class="none">Open a conversation to see who you are talking to.</p>${status}`;
    const ctx = c.context;
    const attributes = Object.entries(ctx.attributes ?? {});
    const verified = ctx.verified;
    return html`
      <h2 id="visitor-h">Visitor</h2>
      <dl aria-labelledby="visitor-h">
        ${row('Name', visitorLabel(c))}
        ${row('Visitor id', html`<code>${c.visitorId}</code>`)}
        ${row('Page', ctx.pageUrl ? link(ctx.pageUrl, ctx.pageTitle || ctx.pageUrl) : undefined)}
        ${ctx.pageTitle && ctx.pageUrl ? nothing : row('Page title', ctx.pageTitle)}
        ${row('Came from', ctx.referrer ? link(ctx.referrer, ctx.referrer) : undefined)}
        ${row('Language', ctx.language)}
        ${row('Time zone', ctx.timeZone ? html`${ctx.timeZone}${localTime(ctx.timeZone, this.now)}` : undefined)}
        ${row(
          'Browser',
          ctx.userAgent ? html`${describeBrowser(ctx.userAgent)}<span class="raw">${ctx.userAgent}</span>` : undefined,
        )}
      </dl>
      ${verified
        ? html`<h2 id="verified-h">Signed-in user <span class="badge verified">verified</span></h2>
            <dl aria-labelledby="verified-h">
              ${row('User id', html`<code>${verified.userId}</code>`)} ${row('Name', verified.name)} ${row('Email', verified.email)}
              ${Object.entries(verified.attributes).map(([k, v]) => row(k, v))}
            </dl>`
        : nothing}
      ${attributes.length
        ? html`<h2 id="attributes-h">Attributes <span class="badge unverified">unverified</span></h2>
            <p class="hint">Sent by the page with identify(): anyone can change these.</p>
            <dl aria-labelledby="attributes-h">${attributes.map(([k, v]) => row(k, v))}</dl>`
        : nothing}
      <h2 id="conversation-h">Conversation</h2>
      <dl aria-labelledby="conversation-h">
        ${row('Status', c.status === 'assigned' && c.assignedAgentName ? `Assigned to ${c.assignedAgentName}` : STATUS_LABELS[c.status])}
        ${row('Place in queue', c.status === 'queued' && c.queuePosition ? `#${c.queuePosition}` : undefined)}
        ${row('Started', ago(c.createdAt, this.now))}
        ${row('Messages', String(c.lastSeq))}
      </dl>
      ${this.admin && this.api ? this.renderVisitorData(c.visitorId, this.api) : nothing}
      ${status}
    `;
  }

  private renderVisitorData(visitorId: string, api: AdminApi) {
    const { s } = this;
    const confirming = this.confirming === visitorId;
    return html`<h2 id="data-h">${s.visitorData}</h2>
      <div class="data-actions" role="group" aria-labelledby="data-h">
        <p class="help">${s.visitorDataHelp}</p>
        <a class="btn" href=${api.visitorExportUrl(visitorId)} download>${s.export}</a>
        ${confirming
          ? html`<div class="confirm" role="alertdialog" aria-labelledby="erase-q">
              <p id="erase-q" class="danger">${s.eraseConfirm}</p>
              <div class="data-actions">
                <button class="btn danger-fill" type="button" ?disabled=${this.erasing} @click=${() => void this.erase(visitorId, api)}>${s.eraseYes}</button>
                <button class="btn" type="button" ?disabled=${this.erasing} @click=${() => (this.confirming = null)}>${s.cancel}</button>
              </div>
            </div>`
          : html`<button class="btn danger" type="button" @click=${() => this.askToErase(visitorId)}>${s.erase}</button>`}
        ${this.error ? html`<p role="alert" class="danger">${this.error}</p>` : nothing}
      </div>`;
  }

  private askToErase(visitorId: string): void {
    this.confirming = visitorId;
    this.error = '';
    this.outcome = '';
  }

  private async erase(visitorId: string, api: AdminApi): Promise<void> {
    this.erasing = true;
    const result = await api.eraseVisitor(visitorId);
    this.erasing = false;
    this.confirming = null;
    if (!result.ok) {
      this.error = result.error.message;
      return;
    }
    const { conversations, messages } = result.data.erased;
    this.outcome = fill(this.s.erased, { conversations, messages, visitor: visitorId });
  }
}

function row(term: string, value: string | TemplateResult | undefined) {
  if (value === undefined || value === '') return nothing;
  return html`<div><dt>${term}</dt><dd>${value}</dd></div>`;
}

function link(url: string, text: string) {
  const href = safeHref(url);
  return href ? html`<a href=${href} target="_blank" rel="noopener noreferrer">${text}</a>` : text;
}

/** " (14:05 there)": an agent answering at night should know it is morning for the visitor. */
function localTime(timeZone: string, now: number): string {
  try {
    const time = new Intl.DateTimeFormat(undefined, { timeZone, hour: '2-digit', minute: '2-digit' }).format(now);
    return ` (${time} there)`;
  } catch {
    // An unknown zone name from the visitor's browser: show the name alone.
    return '';
  }
}
