import { LitElement, css, html, nothing } from 'lit';
import { fire } from './events.js';
import { dayRangeMs } from './format.js';
import { LocaleController, t } from './i18n/locale.js';
import { base } from './theme.styles.js';

/**
 * Search by visitor (name, email, id), message text, and the dates a conversation started.
 * Enter (in any field) or Search searches, again with other words or dates while results show;
 * changing a date while results show searches again; Escape (or Clear) goes back to the inbox.
 *
 * @fires support-console-search - `{ query, from?, to? }`.
 * @fires support-console-search-clear
 */
export class SupportConsoleSearch extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        padding: 8px 10px 6px;
        border-bottom: 1px solid var(--support-console-border);
        background: var(--support-console-surface);
      }
      form {
        display: grid;
        grid-template-columns: 1fr auto;
        gap: 6px;
      }
      .actions {
        display: flex;
        gap: 4px;
      }
      input {
        font: inherit;
        min-width: 0;
        padding: 6px 10px;
        border: 1px solid var(--support-console-border);
        border-radius: 8px;
        background: var(--support-console-surface-2);
      }
      .dates {
        grid-column: 1 / -1;
        display: flex;
        gap: 6px;
        align-items: center;
        font-size: 12px;
        color: var(--support-console-muted);
      }
      .dates input {
        padding: 3px 6px;
        font-size: 12px;
        flex: 1;
      }
    `,
  ];
  static override properties = { active: { type: Boolean } };

  /** A search is showing: offer Clear. */
  declare active: boolean;
  private readonly i18n = new LocaleController(this);

  constructor() {
    super();
    this.active = false;
  }

  override focus(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input[type=search]')?.focus();
  }

  override render() {
    const s = t().inbox;
    return html`<form role="search" @submit=${this.onSubmit} @keydown=${this.onKey}>
      <input type="search" name="q" aria-label=${s.searchLabel} placeholder=${s.searchPlaceholder} maxlength="200" />
      <span class="actions">
        <button class="btn" type="submit">${s.search}</button>
        ${this.active ? html`<button class="btn" type="button" @click=${this.clear}>${s.clear}</button>` : nothing}
      </span>
      <div class="dates" @change=${this.onDates}>
        <label for="from">${s.started}</label>
        <input id="from" name="from" type="date" aria-label=${s.startedFrom} />
        <span aria-hidden="true">–</span>
        <input name="to" type="date" aria-label=${s.startedTo} />
      </div>
    </form>`;
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const query = String(data.get('q') ?? '').trim();
    const range = dayRangeMs(String(data.get('from') ?? ''), String(data.get('to') ?? ''));
    if (!query && range.from === undefined && range.to === undefined) return this.clear();
    fire(this, 'support-console-search', { query, ...range });
  }

  private datesTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Other dates for the search on screen: it runs again with them (Search or Enter works too),
   * once the typing stops (each digit of a year typed is a valid date already).
   */
  private onDates = (event: Event): void => {
    const form = (event.currentTarget as HTMLElement).closest('form');
    clearTimeout(this.datesTimer);
    if (this.active) this.datesTimer = setTimeout(() => form?.requestSubmit(), 400);
  };

  private onKey(event: KeyboardEvent): void {
    if (event.key === 'Escape' && this.active) {
      event.preventDefault();
      this.clear();
    }
  }

  private clear = (): void => {
    this.renderRoot.querySelector('form')?.reset();
    fire(this, 'support-console-search-clear', null);
  };
}
