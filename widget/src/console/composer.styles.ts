import { css } from 'lit';

export const composerStyles = css`
  :host {
    display: block;
    border-top: 1px solid var(--support-console-border);
    background: var(--support-console-surface);
    padding: 10px 16px 12px;
  }
  form {
    display: grid;
    grid-template-columns: 1fr auto;
    gap: 8px;
    align-items: end;
  }
  textarea {
    font: inherit;
    color: inherit;
    resize: none;
    min-height: 44px;
    max-height: 200px;
    padding: 10px 12px;
    border: 1px solid var(--support-console-border);
    border-radius: 10px;
    background: var(--support-console-surface);
    field-sizing: content;
  }
  textarea:disabled {
    background: var(--support-console-surface-2);
  }
  .btn.primary {
    height: 44px;
    padding: 0 18px;
  }
  .hint {
    grid-column: 1 / -1;
    display: flex;
    justify-content: space-between;
    gap: 12px;
    font-size: 12px;
    color: var(--support-console-muted);
    min-height: 1em;
  }
  .reason {
    color: var(--support-console-warn);
    font-weight: 500;
  }
  .over {
    color: var(--support-console-danger);
  }
`;
