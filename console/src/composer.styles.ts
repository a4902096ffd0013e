import { css } from 'lit';

export const composerStyles = css`
  :host {
    display: block;
    border-top: 1px solid var(--support-console-border);
    background: var(--support-console-surface);
    padding: 6px 16px 10px;
  }
  .modes {
    display: flex;
    align-items: center;
    gap: 4px;
    margin-bottom: 6px;
  }
  .mode {
    border: 0;
    background: none;
    padding: 4px 10px;
    border-radius: 999px;
    font-size: 13px;
    color: var(--support-console-muted);
    font-weight: 500;
  }
  .mode[aria-pressed='true'] {
    background: var(--support-console-accent-soft);
    color: var(--support-console-accent);
  }
  .mode.note[aria-pressed='true'] {
    background: var(--support-console-note);
    color: var(--support-console-warn);
    box-shadow: inset 0 0 0 1px var(--support-console-note-border);
  }
  .spacer {
    flex: 1;
  }
  .btn.ai {
    font-size: 13px;
    padding: 4px 10px;
    color: #5a3fb8;
    border-color: var(--support-console-ai-border);
    background: var(--support-console-ai);
  }
  .preview-toggle {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    font-size: 12.5px;
    color: var(--support-console-muted);
    margin-right: 8px;
  }
  .preview {
    max-height: 180px;
    overflow-y: auto;
    margin-bottom: 8px;
    padding: 8px 12px;
    border-radius: 10px;
    border: 1px solid var(--support-console-border);
    background: var(--support-console-surface-2);
  }
  .preview.note {
    background: var(--support-console-note);
  }
  .preview > :first-child {
    margin-top: 0;
  }
  .preview > :last-child {
    margin-bottom: 0;
  }
  form {
    position: relative;
    display: grid;
    grid-template-columns: 1fr auto;
    gap: 8px;
    align-items: end;
  }
  textarea {
    font: inherit;
    color: inherit;
    resize: none;
    min-height: 52px;
    max-height: 220px;
    padding: 10px 12px;
    border: 1px solid var(--support-console-border);
    border-radius: 10px;
    background: var(--support-console-surface);
    field-sizing: content;
  }
  form.note textarea {
    background: var(--support-console-note);
    border: 1px dashed var(--support-console-note-border);
  }
  textarea:disabled {
    background: var(--support-console-surface-2);
  }
  .btn.primary {
    height: 44px;
    padding: 0 18px;
  }
  form.note .btn.primary {
    background: var(--support-console-warn);
    border-color: var(--support-console-warn);
  }
  [role='listbox'] {
    position: absolute;
    left: 0;
    right: 90px;
    bottom: calc(100% + 4px);
    margin: 0;
    padding: 4px;
    list-style: none;
    background: var(--support-console-surface);
    border: 1px solid var(--support-console-border);
    border-radius: 10px;
    box-shadow: 0 8px 24px rgb(0 0 0 / 0.12);
    max-height: 260px;
    overflow-y: auto;
    z-index: 5;
  }
  [role='option'] {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 10px;
    padding: 6px 10px;
    border-radius: 7px;
    cursor: pointer;
  }
  [role='option'][aria-selected='true'] {
    background: var(--support-console-accent-soft);
  }
  .shortcut {
    font-family: ui-monospace, monospace;
    font-size: 12.5px;
    color: var(--support-console-accent);
  }
  .text {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    color: var(--support-console-muted);
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
  .draft-sources a {
    color: var(--support-console-accent);
  }
  .reason {
    color: var(--support-console-warn);
    font-weight: 500;
  }
  .over {
    color: var(--support-console-danger);
  }
  .mode,
  .btn.ai,
  .btn.attach,
  .preview-toggle {
    white-space: nowrap;
  }
  .btn.attach {
    font-size: 13px;
    padding: 4px 10px;
    margin-right: 8px;
  }
  .btn.attach .icon {
    vertical-align: -3px;
  }
  .upload:empty {
    display: none;
  }
  .upload,
  .upload-error {
    font-size: 12.5px;
    margin: 4px 0;
  }
  .upload-error {
    color: var(--support-console-danger);
  }
  .upload-error .link {
    font: inherit;
    background: none;
    border: 0;
    padding: 0 4px;
    color: inherit;
    text-decoration: underline;
    cursor: pointer;
  }
  /* A phone: the paper clip alone. */
  @media (max-width: 720px) {
    .btn.attach {
      font-size: 0;
      margin-right: 4px;
    }
  }
  /* A phone: the mode buttons, Preview and AI draft still on one line. */
  @media (max-width: 720px) {
    :host {
      padding: 6px 10px 8px;
    }
    .mode {
      padding: 4px 8px;
    }
    .preview-toggle {
      margin-right: 4px;
    }
  }
`;
