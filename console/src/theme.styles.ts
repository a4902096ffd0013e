/**
 * Design tokens and base rules every console component includes. Tokens are CSS custom properties
 * set on `<support-console>`; a host page overrides any of them from outside.
 */
import { css } from 'lit';

/** Defaults for the public `--support-console-*` properties (set once, on the app's host). */
export const tokens = css`
  :host {
    --support-console-font: system-ui, -apple-system, 'Segoe UI', Roboto, 'PingFang SC',
      'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif;
    --support-console-bg: #f4f5f7;
    --support-console-surface: #ffffff;
    --support-console-surface-2: #f8f9fb;
    --support-console-text: #1d2330;
    --support-console-muted: #5d6778;
    --support-console-border: #dfe3e9;
    --support-console-accent: #2457c5;
    --support-console-accent-soft: #e8eefc;
    --support-console-on-accent: #ffffff;
    --support-console-ai: #f2effd;
    --support-console-ai-border: #d9d1f7;
    --support-console-note: #fff7da;
    --support-console-note-border: #e9d27c;
    --support-console-warn: #9a5b00;
    --support-console-danger: #b3261e;
    --support-console-ok: #1e7b3a;
    --support-console-radius: 10px;
    --support-console-focus: #2457c5;
  }
`;

/** Box sizing, visible focus, buttons and the screen-reader-only helper. */
export const base = css`
  :host {
    font-family: var(--support-console-font);
    color: var(--support-console-text);
    font-size: 14px;
    line-height: 1.45;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  :focus-visible {
    outline: 2px solid var(--support-console-focus);
    outline-offset: 2px;
  }
  button {
    font: inherit;
    color: inherit;
    cursor: pointer;
  }
  button:disabled {
    cursor: not-allowed;
  }
  .btn {
    border: 1px solid var(--support-console-border);
    background: var(--support-console-surface);
    border-radius: 8px;
    padding: 6px 12px;
    font-weight: 500;
  }
  .btn:hover:not(:disabled) {
    background: var(--support-console-surface-2);
  }
  .btn.primary {
    background: var(--support-console-accent);
    border-color: var(--support-console-accent);
    color: var(--support-console-on-accent);
  }
  .btn.primary:hover:not(:disabled) {
    filter: brightness(1.08);
    background: var(--support-console-accent);
  }
  .btn:disabled {
    opacity: 0.55;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0, 0, 0, 0);
    white-space: nowrap;
    border: 0;
  }
  .badge {
    display: inline-block;
    border-radius: 999px;
    padding: 1px 8px;
    font-size: 12px;
    font-weight: 600;
    background: var(--support-console-surface-2);
    border: 1px solid var(--support-console-border);
    color: var(--support-console-muted);
    white-space: nowrap;
  }
  .badge.queued {
    background: #fff1e0;
    border-color: #f3c98b;
    color: var(--support-console-warn);
  }
  .badge.bot {
    background: var(--support-console-ai);
    border-color: var(--support-console-ai-border);
    color: #5a3fb8;
  }
  .badge.offline {
    background: #e6f1fb;
    border-color: #a8c9ec;
    color: #1f5f99;
  }
  .badge.assigned {
    background: #e3f4e8;
    border-color: #a9dbb8;
    color: var(--support-console-ok);
  }
  /* A colleague's chat while they are Away: a teammate may take it over. */
  .badge.assigned.away {
    background: #fff1e0;
    border-color: #f3c98b;
    color: var(--support-console-warn);
  }
  .badge.verified {
    background: #dcfce7;
    border-color: #a9dbb8;
    color: #14532d;
  }
  .badge.unverified {
    background: #fef3c7;
    border-color: #f3c98b;
    color: #78350f;
  }
`;
