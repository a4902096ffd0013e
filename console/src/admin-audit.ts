import { LitElement, css, html, nothing } from 'lit';
import { AUDIT_ACTIONS, type AuditAction, type AuditEntry } from '@support-chat/shared';
import type { AdminApi, TeamMember } from './admin-api.js';
import { auditActorName, auditDetailText, auditSettingName } from './audit-detail.js';
import { LocaleController, date, errorText, fill, t } from './i18n/locale.js';
import { base } from './theme.styles.js';
import { pageStyles } from './page.styles.js';

/**
 * Admin: the audit log (issue 11), newest first, filtered by agent and action, a page at a time.
 * Conversations link to the inbox; agents are named as they are now when they still exist.
 */
export class SupportConsoleAdminAudit extends LitElement {
  static override styles = [
    base,
    pageStyles,
    css`
      .filters {
        display: flex;
        gap: 12px;
        flex-wrap: wrap;
        align-items: end;
      }
      td.when {
        white-space: nowrap;
        font-variant-numeric: tabular-nums;
      }
      .detail {
        font-size: 12.5px;
        color: var(--support-console-muted);
        overflow-wrap: anywhere;
      }
      .more {
        margin-top: 12px;
      }
    `,
  ];
  static override properties = {
    api: { attribute: false },
    entries: { state: true },
    next: { state: true },
    team: { state: true },
    actor: { state: true },
    action: { state: true },
    busy: { state: true },
    error: { state: true },
  };

  declare api: AdminApi;
  declare entries: AuditEntry[];
  declare next: string | undefined;
  declare team: TeamMember[];
  declare actor: string;
  declare action: AuditAction | '';
  declare busy: boolean;
  declare error: string;
  private readonly i18n = new LocaleController(this);
  private get s() {
    return t().privacy;
  }
  /** Answers to an older filter are dropped. */
  private run = 0;

  constructor() {
    super();
    this.entries = [];
    this.next = undefined;
    this.team = [];
    this.actor = '';
    this.action = '';
    this.busy = false;
    this.error = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.api.listAgents().then((result) => {
      if (result.ok) this.team = result.data.agents;
    });
    void this.load(false);
  }

  override render() {
    const { s } = this;
    return html`<div class="page">
      <header class="page-head">
        <h2>${s.title}</h2>
        <span class="muted">${fill(s.count, { n: this.entries.length })}</span>
      </header>
      <p class="lead">${s.intro}</p>
      <section class="panel filters">
        <label
          >${s.actor}
          <select .value=${this.actor} @change=${(e: Event) => this.filter({ actor: (e.target as HTMLSelectElement).value })}>
            <option value="">${s.anyActor}</option>
            ${this.team.map((a) => html`<option value=${a.id} ?selected=${a.id === this.actor}>${a.name}</option>`)}
          </select>
        </label>
        <label
          >${s.action}
          <select .value=${this.action} @change=${(e: Event) => this.filter({ action: (e.target as HTMLSelectElement).value as AuditAction | '' })}>
            <option value="">${s.anyAction}</option>
            ${AUDIT_ACTIONS.map((a) => html`<option value=${a} ?selected=${a === this.action}>${s.actions[a]}</option>`)}
          </select>
        </label>
      </section>
      ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
      <section class="panel" aria-busy=${this.busy ? 'true' : 'false'}>
        ${this.entries.length === 0
          ? html`<p class="muted">${this.busy ? s.loading : s.empty}</p>`
          : html`<table aria-label=${s.title}>
              <thead>
                <tr><th scope="col">${s.time}</th><th scope="col">${s.actor}</th><th scope="col">${s.action}</th><th scope="col">${s.target}</th><th scope="col">${s.details}</th></tr>
              </thead>
              <tbody>${this.entries.map((e) => this.renderEntry(e))}</tbody>
            </table>`}
        ${this.next
          ? html`<button class="btn more" type="button" ?disabled=${this.busy} @click=${() => void this.load(true)}>${s.loadMore}</button>`
          : nothing}
      </section>
    </div>`;
  }

  private renderEntry(e: AuditEntry) {
    const { s } = this;
    return html`<tr>
      <td class="when"><time datetime=${new Date(e.at).toISOString()}>${date(e.at, { dateStyle: 'medium', timeStyle: 'medium' })}</time></td>
      <td>${auditActorName(e)}</td>
      <td>${s.actions[e.action] ?? e.action}</td>
      <td>${s.targets[e.target.type] ?? e.target.type} ${this.targetName(e)}</td>
      <td class="detail">${auditDetailText(e.detail)}</td>
    </tr>`;
  }

  private targetName(e: AuditEntry) {
    if (e.target.type === 'conversation') return html`<a href="#c=${e.target.id}"><code>${e.target.id.slice(0, 8)}</code></a>`;
    if (e.target.type === 'agent') {
      const name = this.team.find((a) => a.id === e.target.id)?.name;
      if (name) return name;
    }
    if (e.target.type === 'setting') return auditSettingName(e.target.id);
    return e.target.type === 'visitor' ? html`<code>${e.target.id}</code>` : e.target.id === e.target.type ? '' : e.target.id;
  }

  private filter(change: { actor?: string; action?: AuditAction | '' }): void {
    if (change.actor !== undefined) this.actor = change.actor;
    if (change.action !== undefined) this.action = change.action;
    void this.load(false);
  }

  /** The first page for the filters, or (`more`) the page after the last one shown. */
  private async load(more: boolean): Promise<void> {
    const run = ++this.run;
    this.busy = true;
    const result = await this.api.audit({ actor: this.actor, action: this.action || undefined, cursor: more ? this.next : undefined });
    if (run !== this.run) return;
    this.busy = false;
    if (!result.ok) {
      this.error = errorText(result.error);
      return;
    }
    this.error = '';
    this.entries = more ? [...this.entries, ...result.data.entries] : result.data.entries;
    this.next = result.data.next;
  }
}
