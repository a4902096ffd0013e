import { LitElement, css, html, nothing } from 'lit';
import { presenceLabel } from './format.js';
import { LocaleController, fill, t } from './i18n/locale.js';
import { loadLabel, teamList, type TeamState } from './team-state.js';
import { base } from './theme.styles.js';

/** The team: each teammate's presence and load (open conversations / capacity). */
export class SupportConsoleTeam extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        border-top: 1px solid var(--support-console-border);
        background: var(--support-console-surface);
        font-size: 13px;
      }
      summary {
        padding: 8px 14px;
        cursor: pointer;
        font-weight: 600;
        display: flex;
        gap: 8px;
        align-items: baseline;
      }
      summary small {
        font-weight: 400;
        color: var(--support-console-muted);
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0 8px 8px;
        max-height: 180px;
        overflow-y: auto;
      }
      li {
        display: grid;
        grid-template-columns: auto 1fr auto;
        gap: 8px;
        align-items: center;
        padding: 3px 6px;
        border-radius: 6px;
      }
      li.me {
        background: var(--support-console-surface-2);
      }
      .dot {
        width: 8px;
        height: 8px;
        border-radius: 50%;
        background: var(--support-console-border);
      }
      .dot.online {
        background: var(--support-console-ok);
      }
      .dot.away {
        background: #d79b00;
      }
      .name {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .offline .name {
        color: var(--support-console-muted);
      }
      .load {
        font-variant-numeric: tabular-nums;
        color: var(--support-console-muted);
        font-size: 12px;
      }
      .load.full {
        color: var(--support-console-warn);
        font-weight: 600;
      }
    `,
  ];
  static override properties = { team: { attribute: false }, me: { type: String } };

  declare team: TeamState;
  declare me: string;
  private readonly i18n = new LocaleController(this);

  override render() {
    const list = teamList(this.team);
    const online = list.filter((a) => a.status === 'online').length;
    const s = t().inbox;
    return html`<details open>
      <summary>${s.team} <small>${this.team.loaded ? fill(s.teamOnline, { online, total: list.length }) : s.teamLoading}</small></summary>
      <ul aria-label=${s.team}>
        ${list.map(
          (a) => html`<li class="${a.status} ${a.agentId === this.me ? 'me' : ''}">
            <span class="dot ${a.status}" aria-hidden="true"></span>
            <span class="name">${a.name}${a.agentId === this.me ? s.you : nothing}<span class="sr-only">, ${presenceLabel(a.status)}</span></span>
            <span class="load ${a.openConversations >= a.capacity ? 'full' : ''}" title=${s.load}
              >${loadLabel(a)}</span
            >
          </li>`,
        )}
      </ul>
    </details>`;
  }
}
