import { css } from 'lit';

export const loginFormStyles = css`
  :host {
    display: grid;
    place-items: center;
    min-height: 100%;
    padding: 24px;
  }
  main {
    width: min(380px, 100%);
    background: var(--support-console-surface);
    border: 1px solid var(--support-console-border);
    border-radius: 14px;
    padding: 28px 28px 24px;
    box-shadow: 0 10px 30px rgb(20 30 50 / 0.07);
  }
  h1 {
    font-size: 20px;
    margin: 0 0 4px;
  }
  .lead {
    margin: 0 0 20px;
    color: var(--support-console-muted);
  }
  fieldset {
    border: 0;
    padding: 0;
    margin: 0;
    display: grid;
    gap: 14px;
  }
  label {
    display: grid;
    gap: 4px;
    font-weight: 500;
  }
  input {
    font: inherit;
    padding: 9px 11px;
    border: 1px solid var(--support-console-border);
    border-radius: 8px;
    background: var(--support-console-surface);
    color: inherit;
  }
  input[aria-invalid='true'] {
    border-color: var(--support-console-danger);
  }
  .error {
    margin: 0;
    padding: 8px 10px;
    border-radius: 8px;
    background: #fdecea;
    color: var(--support-console-danger);
  }
  .notice {
    margin: 0;
    padding: 8px 10px;
    border-radius: 8px;
    background: var(--support-console-accent-soft);
  }
  .btn.primary {
    padding: 10px 12px;
    margin-top: 4px;
  }
`;
