import { LitElement, html, nothing, type TemplateResult } from 'lit';
import type { AgentConversation } from '@support-chat/shared';
import { safeHref } from '../internal/markdown.js';
import { STATUS_LABELS, ago, describeBrowser, visitorLabel } from './format.js';
import { base } from './theme.styles.js';
import { visitorContextStyles } from './visitor-context.styles.js';

/**
 * What the site and browser told us about the visitor of the open conversation. Everything here
 * came from the visitor's page, so it is shown as text, and links only when http(s).
 */
export class SupportConsoleVisitor extends LitElement {
  static override styles = [base, visitorContextStyles];
  static override properties = {
    conversation: { attribute: false },
    now: { type: Number },
  };

  declare conversation: AgentConversation | undefined;
  declare now: number;

  constructor() {
    super();
    this.conversation = undefined;
    this.now = Date.now();
  }

  override render() {
    const c = this.conversation;
    if (!c) return html`<p class="none">Open a conversation to see who you are talking to.</p>`;
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
    `;
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
