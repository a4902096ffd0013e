import { css } from 'lit';

export const transcriptStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
    /* The shared message renderer reads the widget's variables; feed it the console's. */
    --support-chat-accent: var(--support-console-accent);
    --support-chat-accent-text: var(--support-console-on-accent);
    --support-chat-muted: var(--support-console-muted);
    --support-chat-bubble: var(--support-console-surface);
    --support-chat-note: var(--support-console-note);
    --support-chat-danger: var(--support-console-danger);
    --support-chat-radius: 12px;
  }
  .log {
    flex: 1;
    overflow-y: auto;
    min-height: 0;
    padding: 16px 20px 8px;
  }
  .log > ol {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: 12px;
  }
  .item {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    gap: 3px;
    max-width: min(680px, 88%);
  }
  .item.ai,
  .item.agent {
    align-self: flex-end;
    align-items: flex-end;
  }
  .item .msg {
    max-width: 100%;
  }
  .item.ai .msg {
    align-self: flex-end;
    align-items: flex-end;
  }
  .item.visitor .bubble {
    border: 1px solid var(--support-console-border);
  }
  .item.ai .bubble {
    background: var(--support-console-ai);
    border: 1px solid var(--support-console-ai-border);
  }
  .item.unanswered .bubble {
    border-style: dashed;
    border-color: var(--support-console-warn);
  }
  .item.note {
    align-self: stretch;
    max-width: none;
    align-items: stretch;
  }
  .item.note .msg {
    max-width: none;
    align-self: stretch;
    align-items: stretch;
  }
  .item.note .bubble {
    border: 1px dashed var(--support-console-note-border);
    background: var(--support-console-note);
    color: var(--support-console-text);
  }
  .only-agents {
    font-weight: 500;
    font-size: 11px;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    color: var(--support-console-warn);
    border: 1px solid var(--support-console-note-border);
    border-radius: 999px;
    padding: 0 7px;
  }
  .seen {
    font-size: 11.5px;
    color: var(--support-console-muted);
  }
  .feedback {
    font-size: 11.5px;
    color: var(--support-console-muted);
  }
  .feedback.not_helpful {
    color: var(--support-console-warn);
  }
  .item.note .meta-row {
    color: var(--support-console-warn);
    font-weight: 600;
  }
  .item.event {
    align-self: center;
    flex-direction: row;
    gap: 8px;
    font-size: 12.5px;
    color: var(--support-console-muted);
    padding: 2px 12px;
    border-radius: 999px;
    background: var(--support-console-surface-2);
    border: 1px solid var(--support-console-border);
  }
  .meta-row {
    display: flex;
    gap: 8px;
    align-items: baseline;
    font-size: 12px;
    color: var(--support-console-muted);
  }
  .meta-row > :first-child {
    font-weight: 600;
  }
  .flag {
    color: var(--support-console-warn);
    font-weight: 600;
  }
  .live {
    font-style: italic;
  }
  .provenance,
  .offered {
    font-size: 11.5px;
    color: var(--support-console-muted);
    font-variant-numeric: tabular-nums;
  }
  .unanswered .provenance {
    color: var(--support-console-warn);
  }
  .sources {
    text-align: right;
  }
  .sources ul {
    list-style: none;
    padding: 0;
    display: flex;
    flex-wrap: wrap;
    gap: 4px 10px;
    justify-content: flex-end;
  }
  .link {
    border: 0;
    background: none;
    padding: 0;
    font-size: 12px;
    color: var(--support-console-muted);
    text-decoration: underline;
  }
  .status {
    padding: 4px 20px 8px;
    min-height: 8px;
  }
  .status .typing {
    display: inline-flex;
    border: 1px solid var(--support-console-border);
  }
  .who-types {
    font-size: 12px;
    color: var(--support-console-muted);
    margin-left: 8px;
  }
  .loading,
  .empty {
    color: var(--support-console-muted);
    text-align: center;
    padding: 32px 0;
  }
`;
