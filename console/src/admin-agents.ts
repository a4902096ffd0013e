import { LitElement, css, html, nothing } from 'lit';
import { LIMITS, type AgentRole, type PresenceStatus } from '@support-chat/shared';
import type { AdminApi, TeamMember } from './admin-api.js';
import { presenceLabel } from './format.js';
import { LocaleController, errorText, fill, plural, t } from './i18n/locale.js';
import type { TeamState } from './team-state.js';
import { base } from './theme.styles.js';
import { pageStyles } from './page.styles.js';

interface RowEdit {
  name: string;
  role: AgentRole;
  capacity: string;
}

/**
 * Admin: the team's accounts. Add an agent, change name, role and capacity, reset a password (which
 * signs them out everywhere), deactivate and reactivate. Status comes live from the team presence
 * when known.
 */
export class SupportConsoleAdminAgents extends LitElement {
  static override styles = [
    base,
    pageStyles,
    css`
      .presence::before {
        content: '';
        display: inline-block;
        width: 8px;
        height: 8px;
        border-radius: 50%;
        margin-right: 6px;
        background: var(--support-console-border);
      }
      .presence.online::before {
        background: var(--support-console-ok);
      }
      .presence.away::before {
        background: #d79b00;
      }
      tr.deactivated th,
      tr.deactivated td:not(:last-child) {
        color: var(--support-console-muted);
      }
      .form-grid .form-actions {
        align-self: end;
        margin: 0;
      }
    `,
  ];
  static override properties = {
    api: { attribute: false },
    me: { type: String },
    team: { attribute: false },
    agents: { state: true },
    edits: { state: true },
    resetting: { state: true },
    message: { state: true },
    error: { state: true },
    busy: { state: true },
  };

  declare api: AdminApi;
  declare me: string;
  declare team: TeamState | null;
  declare agents: TeamMember[];
  declare edits: ReadonlyMap<string, RowEdit>;
  declare resetting: string | null;
  declare message: string;
  declare error: string;
  declare busy: boolean;
  private readonly i18n = new LocaleController(this);

  constructor() {
    super();
    this.team = null;
    this.agents = [];
    this.edits = new Map();
    this.resetting = null;
    this.message = '';
    this.error = '';
    this.busy = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    const result = await this.api.listAgents();
    if (result.ok) this.agents = result.data.agents;
    else this.error = errorText(result.error);
  }

  override render() {
    const s = t().team;
    const roles = t().shell.roles;
    return html`<div class="page">
      <header class="page-head"><h2>${s.title}</h2><span class="muted">${plural(s.accounts, this.agents.length)}</span></header>
      <p class="lead">${s.intro}</p>
      <p role="status" class="ok">${this.message}</p>
      ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
      <section class="panel" aria-labelledby="list-h">
        <h3 id="list-h" class="sr-only">${s.teamHeading}</h3>
        <table>
          <thead>
            <tr><th scope="col">${s.name}</th><th scope="col">${s.email}</th><th scope="col">${s.status}</th><th scope="col">${s.role}</th><th scope="col">${s.capacity}</th><th scope="col"><span class="sr-only">${s.actions}</span></th></tr>
          </thead>
          <tbody>${this.agents.map((a) => this.renderRow(a))}</tbody>
        </table>
      </section>
      <section class="panel" aria-labelledby="add-h">
        <h3 id="add-h">${s.addHeading}</h3>
        <form class="form-grid" @submit=${this.onCreate}>
          <label>${s.name}<input name="name" required maxlength=${LIMITS.nameChars} autocomplete="off" /></label>
          <label>${s.email}<input name="email" type="email" required maxlength=${LIMITS.emailChars} autocomplete="off" /></label>
          <div class="field">
            <label for="new-password">${s.password}</label>
            <input id="new-password" name="password" type="password" required minlength=${LIMITS.passwordMinChars} autocomplete="new-password" aria-describedby="new-password-help" />
            <span class="field-help" id="new-password-help">${fill(s.passwordHelp, { n: LIMITS.passwordMinChars })}</span>
          </div>
          <label>${s.role}<select name="role"><option value="agent">${roles.agent}</option><option value="admin">${roles.admin}</option></select></label>
          <label>${s.capacity}<input name="capacity" type="number" min="1" max="100" placeholder=${s.capacityDefault} /></label>
          <div class="form-actions"><button class="btn primary" type="submit" ?disabled=${this.busy}>${s.add}</button></div>
        </form>
      </section>
    </div>`;
  }

  private statusOf(a: TeamMember): PresenceStatus {
    return this.team?.byId.get(a.id)?.status ?? a.status ?? 'offline';
  }

  private renderRow(a: TeamMember) {
    const edit = this.edits.get(a.id) ?? { name: a.name, role: a.role, capacity: String(a.capacity) };
    const changed = edit.name !== a.name || edit.role !== a.role || edit.capacity !== String(a.capacity);
    const set = (patch: Partial<RowEdit>) => (this.edits = new Map(this.edits).set(a.id, { ...edit, ...patch }));
    const s = t().team;
    const roles = t().shell.roles;
    // The name is what visitors see ("Mei joined"); the first admin's came from the environment.
    return html`<tr class=${a.deactivatedAt ? 'deactivated' : ''}>
      <th scope="row">
        <input aria-label=${fill(s.nameOf, { name: a.name })} required maxlength=${LIMITS.nameChars} style="width:10em" .value=${edit.name}
          @input=${(e: Event) => set({ name: (e.target as HTMLInputElement).value })} />${a.id === this.me ? html` <span class="muted">${s.you}</span>` : nothing}
      </th>
      <td>${a.email}</td>
      <td>${a.deactivatedAt
        ? html`<span class="presence deactivated">${s.deactivated}</span>`
        : html`<span class="presence ${this.statusOf(a)}">${presenceLabel(this.statusOf(a))}</span>`}</td>
      <td>
        <select aria-label=${fill(s.roleOf, { name: a.name })} .value=${edit.role} ?disabled=${a.id === this.me}
          @change=${(e: Event) => set({ role: (e.target as HTMLSelectElement).value as AgentRole })}>
          <option value="agent" ?selected=${edit.role === 'agent'}>${roles.agent}</option><option value="admin" ?selected=${edit.role === 'admin'}>${roles.admin}</option>
        </select>
      </td>
      <td><input aria-label=${fill(s.capacityOf, { name: a.name })} type="number" min="1" max="100" style="width:5em" .value=${edit.capacity}
        @input=${(e: Event) => set({ capacity: (e.target as HTMLInputElement).value })} /></td>
      <td>
        <div class="row-actions">
          ${changed ? html`<button class="btn primary" type="button" @click=${() => this.save(a, edit)}>${s.save}</button>` : nothing}
          ${this.resetting === a.id
            ? html`<form class="row-actions" @submit=${(e: SubmitEvent) => this.resetPassword(e, a)}>
                <input name="password" type="password" aria-label=${fill(s.newPasswordFor, { name: a.name })} required minlength=${LIMITS.passwordMinChars} autocomplete="new-password" />
                <button class="btn" type="submit">${s.set}</button>
                <button class="btn" type="button" @click=${() => (this.resetting = null)}>${s.cancel}</button>
              </form>`
            : html`<button class="btn" type="button" @click=${() => (this.resetting = a.id)}>${s.resetPassword}</button>`}
          ${a.deactivatedAt
            ? html`<button class="btn" type="button" aria-label=${fill(s.reactivateName, { name: a.name })} @click=${() => this.reactivate(a)}>${s.reactivate}</button>`
            : html`<button class="btn" type="button" aria-label=${fill(s.deactivateName, { name: a.name })} @click=${() => this.deactivate(a)}>${s.deactivate}</button>`}
        </div>
      </td>
    </tr>`;
  }

  private async save(a: TeamMember, edit: RowEdit): Promise<void> {
    const capacity = Number(edit.capacity);
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 100) {
      this.error = fill(t().team.capacityInvalid, { name: a.name });
      return;
    }
    const name = edit.name.trim();
    if (!name) {
      this.error = fill(t().team.nameMissing, { name: a.name });
      return;
    }
    const result = await this.api.updateAgent(a.id, { ...(name !== a.name ? { name } : {}), role: edit.role, capacity });
    this.report(result.ok ? fill(t().team.saved, { name }) : '', result.ok ? '' : errorText(result.error));
    if (!result.ok) return;
    this.agents = this.agents.map((x) => (x.id === a.id ? { ...x, ...result.data.agent } : x));
    const edits = new Map(this.edits);
    edits.delete(a.id);
    this.edits = edits;
  }

  private async resetPassword(event: SubmitEvent, a: TeamMember): Promise<void> {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget as HTMLFormElement).get('password') ?? '');
    const result = await this.api.updateAgent(a.id, { password });
    const s = t().team;
    const done = a.id === this.me ? s.ownPasswordSet : fill(s.passwordSet, { name: a.name });
    this.report(result.ok ? done : '', result.ok ? '' : errorText(result.error));
    if (result.ok) this.resetting = null;
  }

  private async deactivate(a: TeamMember): Promise<void> {
    const s = t().team;
    if (!confirm(fill(s.deactivateConfirm, { name: a.name }))) return;
    const result = await this.api.deactivateAgent(a.id);
    if (!result.ok) return this.report('', errorText(result.error));
    const { agent, requeued } = result.data;
    this.replace(agent);
    this.report(requeued > 0 ? plural(s.deactivatedRequeued, requeued, { name: a.name }) : fill(s.deactivatedDone, { name: a.name }), '');
  }

  private async reactivate(a: TeamMember): Promise<void> {
    const result = await this.api.reactivateAgent(a.id);
    if (!result.ok) return this.report('', errorText(result.error));
    this.replace(result.data.agent);
    this.report(fill(t().team.reactivated, { name: a.name }), '');
  }

  /** The server's copy of an agent (a profile has no `deactivatedAt` while active, so it is replaced, not merged). */
  private replace(agent: TeamMember): void {
    this.agents = this.agents.map((x) => (x.id === agent.id ? { ...agent, status: agent.deactivatedAt ? 'offline' : x.status } : x));
  }

  private async onCreate(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const capacity = String(data.get('capacity') ?? '').trim();
    this.busy = true;
    const result = await this.api.createAgent({
      name: String(data.get('name') ?? '').trim(),
      email: String(data.get('email') ?? '').trim(),
      password: String(data.get('password') ?? ''),
      role: data.get('role') === 'admin' ? 'admin' : 'agent',
      ...(capacity ? { capacity: Number(capacity) } : {}),
    });
    this.busy = false;
    this.report(result.ok ? fill(t().team.added, { name: result.data.agent.name }) : '', result.ok ? '' : errorText(result.error));
    if (!result.ok) return;
    form.reset();
    this.agents = [...this.agents, result.data.agent];
  }

  private report(message: string, error: string): void {
    this.message = message;
    this.error = error;
  }
}
