import { css } from 'lit';

/** Layout and form controls shared by the reports and admin pages. */
export const pageStyles = css`
  :host {
    display: block;
  }
  .page {
    max-width: 1080px;
    margin: 0 auto;
    padding: 18px 24px 40px;
  }
  .page-head {
    display: flex;
    align-items: center;
    gap: 14px;
    flex-wrap: wrap;
    margin-bottom: 14px;
  }
  h2 {
    margin: 0;
    font-size: 20px;
  }
  h3 {
    margin: 0 0 10px;
    font-size: 15px;
  }
  .muted {
    color: var(--support-console-muted);
    font-weight: 400;
  }
  .lead {
    color: var(--support-console-muted);
    margin: -6px 0 16px;
  }
  .panel {
    background: var(--support-console-surface);
    border: 1px solid var(--support-console-border);
    border-radius: var(--support-console-radius);
    padding: 14px 16px;
    margin-bottom: 14px;
  }
  .chip {
    border: 1px solid var(--support-console-border);
    background: var(--support-console-surface);
    border-radius: 999px;
    padding: 4px 12px;
  }
  .chip[aria-pressed='true'] {
    background: var(--support-console-accent);
    border-color: var(--support-console-accent);
    color: var(--support-console-on-accent);
  }
  .error {
    color: var(--support-console-danger);
  }
  .ok {
    color: var(--support-console-ok);
  }
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
    padding: 6px 9px;
    border: 1px solid var(--support-console-border);
    border-radius: 8px;
    background: var(--support-console-surface);
  }
  input[aria-invalid='true'],
  textarea[aria-invalid='true'] {
    border-color: var(--support-console-danger);
  }
  label {
    display: grid;
    gap: 4px;
    font-weight: 500;
    font-size: 13px;
  }
  .field {
    display: grid;
    gap: 4px;
    align-content: start;
  }
  .field > label {
    display: block;
  }
  .field-help {
    font-weight: 400;
    color: var(--support-console-muted);
    font-size: 12px;
  }
  .field-error {
    font-weight: 500;
    color: var(--support-console-danger);
    font-size: 12px;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: left;
    padding: 7px 10px;
    border-bottom: 1px solid var(--support-console-border);
    vertical-align: middle;
  }
  thead th {
    font-size: 12px;
    font-weight: 600;
    color: var(--support-console-muted);
    text-transform: uppercase;
    letter-spacing: 0.03em;
  }
  .num {
    text-align: right;
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  .row-actions {
    display: flex;
    gap: 6px;
    justify-content: flex-end;
  }
  .form-grid {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(200px, 1fr));
    gap: 12px;
    align-items: start;
  }
  .form-grid.two {
    grid-template-columns: repeat(auto-fit, minmax(280px, 1fr));
    gap: 14px 24px;
  }
  .form-actions {
    display: flex;
    gap: 10px;
    align-items: center;
    margin-top: 12px;
  }
`;
