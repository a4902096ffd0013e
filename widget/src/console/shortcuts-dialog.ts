import { LitElement, css, html } from 'lit';
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

  show(): void {
    this.renderRoot.querySelector('dialog')?.showModal();
  }

  override render() {
    return html`<dialog aria-labelledby="shortcuts-h">
      <form method="dialog"><button class="btn close" aria-label="Close">Close</button></form>
      <h2 id="shortcuts-h">Keyboard shortcuts</h2>
      <table>
        <tbody>
          ${SHORTCUTS.map((s) => html`<tr><th scope="row"><kbd>${s.keys}</kbd></th><td>${s.label}</td></tr>`)}
        </tbody>
      </table>
      <p>Shortcuts do nothing while you type in a field. In the reply box: Enter sends, Shift+Enter starts a new line, “/” lists canned replies.</p>
    </dialog>`;
  }
}
