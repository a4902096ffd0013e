import { css } from 'lit';

export const visitorContextStyles = css`
  :host {
    display: block;
    padding: 16px;
    overflow-y: auto;
    background: var(--support-console-surface);
  }
  h2 {
    font-size: 13px;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    color: var(--support-console-muted);
    margin: 0 0 10px;
  }
  h2:not(:first-child) {
    margin-top: 20px;
  }
  dl {
    margin: 0;
    display: grid;
    gap: 8px;
  }
  dt {
    font-size: 12px;
    color: var(--support-console-muted);
  }
  dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  a {
    color: var(--support-console-accent);
  }
  .badge {
    text-transform: none;
    letter-spacing: 0;
    font-weight: 600;
    font-size: 11px;
    padding: 1px 6px;
    border-radius: 8px;
    margin-left: 4px;
  }
  .hint {
    font-size: 12px;
    color: var(--support-console-muted);
    margin: -6px 0 8px;
  }
  .raw {
    display: block;
    font-size: 11px;
    color: var(--support-console-muted);
    margin-top: 2px;
  }
  .none {
    color: var(--support-console-muted);
  }
  .data-actions {
    display: grid;
    gap: 8px;
    justify-items: start;
  }
  .help {
    font-size: 12px;
    color: var(--support-console-muted);
    margin: 0;
  }
  a.btn {
    text-decoration: none;
  }
  .confirm {
    border: 1px solid var(--support-console-danger);
    border-radius: 8px;
    padding: 10px;
    display: grid;
    gap: 8px;
  }
  .confirm p {
    margin: 0;
  }
  .danger {
    color: var(--support-console-danger);
  }
  .btn.danger-fill {
    background: var(--support-console-danger);
    border-color: var(--support-console-danger);
    color: #fff;
  }
`;
