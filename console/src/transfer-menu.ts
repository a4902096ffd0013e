import { LitElement, css, html, nothing } from 'lit';
import { fire } from './events.js';
import { LocaleController, t } from './i18n/locale.js';
import { loadLabel, type TransferTarget } from './team-state.js';
import { base } from './theme.styles.js';

/**
 * "Transfer" and the online teammates to pick from (with their load). Arrow keys move, Enter
 * picks, Escape closes and gives focus back to the button.
 *
 * @fires support-console-transfer - `{ agentId }`.
 */
export class SupportConsoleTransferMenu extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        position: relative;
        display: inline-block;
      }
      [role='menu'] {
        position: absolute;
        right: 0;
        top: calc(100% + 4px);
        z-index: 10;
        min-width: 240px;
        background: var(--support-console-surface);
        border: 1px solid var(--support-console-border);
        border-radius: 10px;
        box-shadow: 0 8px 24px rgb(0 0 0 / 0.12);
        padding: 4px;
      }
      [role='menuitem'] {
        display: grid;
        grid-template-columns: 1fr auto;
        gap: 10px;
        width: 100%;
        text-align: left;
        border: 0;
        background: none;
        padding: 7px 10px;
        border-radius: 7px;
      }
      [role='menuitem']:hover,
      [role='menuitem']:focus-visible {
        background: var(--support-console-accent-soft);
        outline: none;
      }
      .load {
        color: var(--support-console-muted);
        font-size: 12px;
        font-variant-numeric: tabular-nums;
      }
      .full .load {
        color: var(--support-console-warn);
      }
      .title {
        margin: 2px 10px 4px;
        font-size: 11.5px;
        font-weight: 600;
        text-transform: uppercase;
        letter-spacing: 0.03em;
        color: var(--support-console-muted);
      }
      .none {
        padding: 8px 10px;
        margin: 0;
        color: var(--support-console-muted);
      }
    `,
  ];
  static override properties = {
    targets: { attribute: false },
    disabled: { type: Boolean },
    reason: { type: String },
    open: { state: true },
  };

  declare targets: readonly TransferTarget[];
  declare disabled: boolean;
  declare reason: string;
  declare open: boolean;
  private readonly i18n = new LocaleController(this);

  constructor() {
    super();
    this.targets = [];
    this.disabled = false;
    this.reason = '';
    this.open = false;
  }

  /** Opens the menu (the `t` shortcut). */
  show(): void {
    if (this.disabled) return;
    this.open = true;
    // With nobody to pick, the button keeps the focus: Escape and a click elsewhere close the
    // menu only from inside it (a probe found it stuck open, over the hand-off note).
    void this.updateComplete.then(() => (this.items()[0] ?? this.renderRoot.querySelector<HTMLButtonElement>('button'))?.focus());
  }

  override render() {
    // Keys and focus are watched around the button too: with nobody to pick, it keeps the focus.
    const s = t().conversation;
    return html`<div @keydown=${this.onKey} @focusout=${this.onFocusOut}>
      <button
        class="btn"
        type="button"
        aria-haspopup="menu"
        aria-expanded=${this.open ? 'true' : 'false'}
        ?disabled=${this.disabled}
        title=${this.disabled ? this.reason : s.transferHint}
        @click=${() => (this.open ? this.hide(true) : this.show())}
      >
        ${s.transfer}
      </button>
      ${this.open
        ? html`<div role="menu" aria-label=${s.transferTo}>
            <p class="title" role="none">${s.transferTitle}</p>
            ${this.targets.length === 0
              ? html`<p class="none" role="none">${s.nobodyOnline}</p>`
              : this.targets.map(
                  (target) => html`<button
                    role="menuitem"
                    class=${target.full ? 'full' : ''}
                    type="button"
                    @click=${() => this.pick(target.agentId)}
                  >
                    <span>${target.name}</span><span class="load">${loadLabel(target)}${target.full ? s.full : nothing}</span>
                  </button>`,
                )}
          </div>`
        : nothing}
    </div>`;
  }

  private items(): HTMLButtonElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLButtonElement>('[role=menuitem]')];
  }

  private pick(agentId: string): void {
    this.hide(true);
    fire(this, 'support-console-transfer', { agentId });
  }

  private hide(refocus: boolean): void {
    this.open = false;
    if (refocus) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>('button')?.focus());
  }

  private onKey(event: KeyboardEvent): void {
    if (!this.open) return;
    const items = this.items();
    const index = items.indexOf(this.shadowRoot?.activeElement as HTMLButtonElement);
    if (event.key === 'Escape') this.hide(true);
    else if (event.key === 'ArrowDown') items[(index + 1) % items.length]?.focus();
    else if (event.key === 'ArrowUp') items[(index - 1 + items.length) % items.length]?.focus();
    else return;
    event.preventDefault();
    event.stopPropagation();
  }

  private onFocusOut(event: FocusEvent): void {
    if (this.open && !this.renderRoot.contains(event.relatedTarget as Node | null)) this.hide(false);
  }
}
