import { LitElement, css, html } from 'lit';
import { LocaleController, t } from './i18n/locale.js';
import { SHORTCUTS } from './shortcuts.js';
import { base } from './theme.styles.js';

/** The keyboard shortcuts, in a modal dialog ("?" opens it; Escape closes and focus returns). */
export class SupportConsoleShortcuts extends LitElement {
  static override styles = [
    base,
    css`
      dialog {
        border: 1px solid var(--support-console-border);
        border-radius: 12px;
        padding: 18px 22px;
        width: min(480px, calc(100vw - 32px));
        color: var(--support-console-text);
        box-shadow: 0 16px 40px rgb(0 0 0 / 0.2);
      }
      dialog::backdrop {
        background: rgb(20 24 33 / 0.35);
      }
      h2 {
        margin: 0 0 10px;
        font-size: 16px;
      }
      table {
        border-collapse: collapse;
        width: 100%;
      }
      th {
        text-align: left;
        font-weight: 400;
        padding: 4px 16px 4px 0;
        white-space: nowrap;
        width: 1%;
      }
      td {
        padding: 4px 0;
      }
      kbd {
        font-family: ui-monospace, monospace;
        font-size: 12.5px;
        background: var(--support-console-surface-2);
        border: 1px solid var(--support-console-border);
        border-bottom-width: 2px;
        border-radius: 5px;
        padding: 1px 7px;
      }
      p {
        font-size: 12.5px;
        color: var(--support-console-muted);
      }
      .close {
        float: right;
      }
    `,
  ];

  private readonly i18n = new LocaleController(this);

  show(): void {
    this.renderRoot.querySelector('dialog')?.showModal();
  }

  override render() {
    const s = t().shortcuts;
    return html`<dialog aria-labelledby="shortcuts-h">
      <form method="dialog"><button class="btn close">${s.close}</button></form>
      <h2 id="shortcuts-h">${s.title}</h2>
      <table>
        <tbody>
          ${SHORTCUTS.map((shortcut) => html`<tr><th scope="row"><kbd>${shortcut.keys}</kbd></th><td>${t().shortcuts[shortcut.label]}</td></tr>`)}
        </tbody>
      </table>
      <p>${s.footer}</p>
    </dialog>`;
  }
}
