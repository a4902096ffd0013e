import { LitElement, css, html, nothing } from 'lit';
import { LIMITS, type AgentRole, type PresenceStatus } from '@support-chat/shared';
import type { AdminApi, TeamMember } from './admin-api.js';
import { presenceLabel } from './format.js';
import type { TeamState } from './team-state.js';
import { base } from './theme.styles.js';
import { pageStyles } from './page.styles.js';

interface RowEdit {
  role: AgentRole;
  capacity: string;
}

/**
 * Admin: the team's accounts. Add an agent, change role and capacity, reset a password (which
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
    else this.error = result.error.message;
  }

  override render() {
    return html`<div class="page">
      <header class="page-head"><h2>Agents</h2><span class="muted">${this.agents.length} ${this.agents.length === 1 ? 'account' : 'accounts'}</span></header>
      <p class="lead">Capacity is how many conversations routing gives an agent at once. A new password or a deactivation signs the agent out everywhere; a deactivated agent's conversations go back to the queue, first in line.</p>
      <p role="status" class="ok">${this.message}</p>
      ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
      <section class="panel" aria-labelledby="list-h">
        <h3 id="list-h" class="sr-only">Team</h3>
        <table>
          <thead>
            <tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Status</th><th scope="col">Role</th><th scope="col">Capacity</th><th scope="col"><span class="sr-only">Actions</span></th></tr>
          </thead>
          <tbody>${this.agents.map((a) => this.renderRow(a))}</tbody>
        </table>
      </section>
      <section class="panel" aria-labelledby="add-h">
        <h3 id="add-h">Add an agent</h3>
        <form class="form-grid" @submit=${this.onCreate}>
          <label>Name<input name="name" required maxlength=${LIMITS.nameChars} autocomplete="off" /></label>
          <label>Email<input name="email" type="email" required maxlength=${LIMITS.emailChars} autocomplete="off" /></label>
          <div class="field">
            <label for="new-password">Password</label>
            <input id="new-password" name="password" type="password" required minlength=${LIMITS.passwordMinChars} autocomplete="new-password" aria-describedby="new-password-help" />
            <span class="field-help" id="new-password-help">At least ${LIMITS.passwordMinChars} characters.</span>
          </div>
          <label>Role<select name="role"><option value="agent">Agent</option><option value="admin">Admin</option></select></label>
          <label>Capacity<input name="capacity" type="number" min="1" max="100" placeholder="default" /></label>
          <div class="form-actions"><button class="btn primary" type="submit" ?disabled=${this.busy}>Add agent</button></div>
        </form>
      </section>
    </div>`;
  }

  private statusOf(a: TeamMember): PresenceStatus {
    return this.team?.byId.get(a.id)?.status ?? a.status ?? 'offline';
  }

  private renderRow(a: TeamMember) {
    const edit = this.edits.get(a.id) ?? { role: a.role, capacity: String(a.capacity) };
    const changed = edit.role !== a.role || edit.capacity !== String(a.capacity);
    const set = (patch: Partial<RowEdit>) => (this.edits = new Map(this.edits).set(a.id, { ...edit, ...patch }));
    return html`<tr class=${a.deactivatedAt ? 'deactivated' : ''}>
      <th scope="row">${a.name}${a.id === this.me ? html` <span class="muted">(you)</span>` : nothing}</th>
      <td>${a.email}</td>
      <td>${a.deactivatedAt
        ? html`<span class="presence deactivated">Deactivated</span>`
        : html`<span class="presence ${this.statusOf(a)}">${presenceLabel(this.statusOf(a))}</span>`}</td>
      <td>
        <select aria-label="Role of ${a.name}" .value=${edit.role} ?disabled=${a.id === this.me}
          @change=${(e: Event) => set({ role: (e.target as HTMLSelectElement).value as AgentRole })}>
          <option value="agent">Agent</option><option value="admin">Admin</option>
        </select>
      </td>
      <td><input aria-label="Capacity of ${a.name}" type="number" min="1" max="100" style="width:5em" .value=${edit.capacity}
        @input=${(e: Event) => set({ capacity: (e.target as HTMLInputElement).value })} /></td>
      <td>
        <div class="row-actions">
          ${changed ? html`<button class="btn primary" type="button" @click=${() => this.save(a, edit)}>Save</button>` : nothing}
          ${this.resetting === a.id
            ? html`<form class="row-actions" @submit=${(e: SubmitEvent) => this.resetPassword(e, a)}>
                <input name="password" type="password" aria-label="New password for ${a.name}" required minlength=${LIMITS.passwordMinChars} autocomplete="new-password" />
                <button class="btn" type="submit">Set</button>
                <button class="btn" type="button" @click=${() => (this.resetting = null)}>Cancel</button>
              </form>`
            : html`<button class="btn" type="button" @click=${() => (this.resetting = a.id)}>Reset password</button>`}
          ${a.deactivatedAt
            ? html`<button class="btn" type="button" @click=${() => this.reactivate(a)}>Reactivate</button>`
            : html`<button class="btn" type="button" aria-label="Deactivate ${a.name}" @click=${() => this.deactivate(a)}>Deactivate</button>`}
        </div>
      </td>
    </tr>`;
  }

  private async save(a: TeamMember, edit: RowEdit): Promise<void> {
    const capacity = Number(edit.capacity);
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 100) {
      this.error = `Capacity of ${a.name}: a whole number from 1 to 100.`;
      return;
    }
    const result = await this.api.updateAgent(a.id, { role: edit.role, capacity });
    this.report(result.ok ? `Saved ${a.name}.` : '', result.ok ? '' : result.error.message);
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
    const done = a.id === this.me ? 'Your new password is set; your other sessions were signed out.' : `New password set for ${a.name}; they were signed out everywhere.`;
    this.report(result.ok ? done : '', result.ok ? '' : result.error.message);
    if (result.ok) this.resetting = null;
  }

  private async deactivate(a: TeamMember): Promise<void> {
    if (!confirm(`Deactivate ${a.name}? They are signed out at once and cannot sign in until reactivated; their open conversations go back to the queue, first in line.`)) return;
    const result = await this.api.deactivateAgent(a.id);
    if (!result.ok) return this.report('', result.error.message);
    const { agent, requeued } = result.data;
    this.replace(agent);
    this.report(`Deactivated ${a.name}${requeued > 0 ? `; ${requeued} ${requeued === 1 ? 'conversation' : 'conversations'} back in the queue` : ''}.`, '');
  }

  private async reactivate(a: TeamMember): Promise<void> {
    const result = await this.api.reactivateAgent(a.id);
    if (!result.ok) return this.report('', result.error.message);
    this.replace(result.data.agent);
    this.report(`Reactivated ${a.name}: they can sign in again.`, '');
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
    this.report(result.ok ? `Added ${result.data.agent.name}.` : '', result.ok ? '' : result.error.message);
    if (!result.ok) return;
    form.reset();
    this.agents = [...this.agents, result.data.agent];
  }

  private report(message: string, error: string): void {
    this.message = message;
    this.error = error;
  }
}
