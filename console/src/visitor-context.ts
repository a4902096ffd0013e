import { LitElement, html, nothing, type TemplateResult } from 'lit';
import type { AgentConversation } from '@support-chat/shared';
import type { AdminApi } from './admin-api.js';
import { LocaleController, clock, errorText, fill, t } from './i18n/locale.js';
import { safeHref } from '@support-chat/shared/browser/markdown.js';
import { ago, describeBrowser, statusLabel, visitorLabel } from './format.js';
import { nameBadge } from './name-badge.js';
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
  private readonly i18n = new LocaleController(this);
  private get s() {
    return t().privacy;
  }

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
    const v = t().visitor;
    const status = html`${this.outcome ? html`<p role="status" class="help">${this.outcome}</p>` : nothing}`;
    if (!c) return html`<p class="none">${v.none}</p>${status}`;
    const ctx = c.context;
    const attributes = Object.entries(ctx.attributes ?? {});
    const verified = ctx.verified;
    return html`
      <h2 id="visitor-h">${v.title}</h2>
      <dl aria-labelledby="visitor-h">
        ${row(v.name, html`${visitorLabel(c)}${nameBadge(c)}`)}
        ${row(v.visitorId, html`<code>${c.visitorId}</code>`)}
        ${row(v.page, ctx.pageUrl ? link(ctx.pageUrl, ctx.pageTitle || ctx.pageUrl) : undefined)}
        ${ctx.pageTitle && ctx.pageUrl ? nothing : row(v.pageTitle, ctx.pageTitle)}
        ${row(v.cameFrom, ctx.referrer ? link(ctx.referrer, ctx.referrer) : undefined)}
        ${row(v.language, ctx.language)}
        ${row(v.timeZone, ctx.timeZone ? html`${ctx.timeZone}${localTime(ctx.timeZone, this.now)}` : undefined)}
        ${row(
          v.browser,
          ctx.userAgent ? html`${describeBrowser(ctx.userAgent)}<span class="raw">${ctx.userAgent}</span>` : undefined,
        )}
      </dl>
      ${verified
        ? html`<h2 id="verified-h">${v.signedIn} <span class="badge verified">${v.verified}</span></h2>
            <dl aria-labelledby="verified-h">
              ${row(v.userId, html`<code>${verified.userId}</code>`)} ${row(v.name, verified.name)} ${row(v.email, verified.email)}
              ${Object.entries(verified.attributes).map(([k, v]) => row(k, v))}
            </dl>`
        : nothing}
      ${attributes.length
        ? html`<h2 id="attributes-h">${v.attributes} <span class="badge unverified">${v.unverified}</span></h2>
            <p class="hint">${v.attributesHint}</p>
            <dl aria-labelledby="attributes-h">${attributes.map(([k, v]) => row(k, v))}</dl>`
        : nothing}
      <h2 id="conversation-h">${v.conversation}</h2>
      <dl aria-labelledby="conversation-h">
        ${row(v.status, c.status === 'assigned' && c.assignedAgentName ? fill(t().inbox.assignedTo, { name: c.assignedAgentName }) : statusLabel(c.status))}
        ${row(v.placeInQueue, c.status === 'queued' && c.queuePosition ? `#${c.queuePosition}` : undefined)}
        ${row(v.started, ago(c.createdAt, this.now))}
        ${row(v.messages, String(c.lastSeq))}
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
      this.error = errorText(result.error);
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
    return fill(t().visitor.localTime, { time: clock(now, timeZone) });
  } catch {
    // An unknown zone name from the visitor's browser: show the name alone.
    return '';
  }
}
