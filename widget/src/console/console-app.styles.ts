import { css } from 'lit';

export const consoleAppStyles = css`
  :host {
    display: block;
    height: var(--support-console-height, 100dvh);
    background: var(--support-console-bg);
    overflow: hidden;
  }
  .shell {
    height: 100%;
    display: grid;
    grid-template-rows: auto auto 1fr;
  }
  .topbar {
    display: flex;
    align-items: center;
    gap: 14px;
    padding: 8px 16px;
    background: var(--support-console-surface);
    border-bottom: 1px solid var(--support-console-border);
  }
  .brand {
    font-weight: 700;
    font-size: 15px;
    margin: 0;
  }
  .conn {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    font-size: 12.5px;
    color: var(--support-console-muted);
  }
  .conn::before {
    content: '';
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: var(--support-console-warn);
  }
  .conn.online::before {
    background: var(--support-console-ok);
  }
  .conn.offline::before {
    background: var(--support-console-danger);
  }
  .spacer {
    flex: 1;
  }
  .me {
    text-align: right;
    line-height: 1.2;
  }
  .role {
    display: block;
    font-size: 11.5px;
    color: var(--support-console-muted);
    text-transform: capitalize;
  }
  .notice {
    display: flex;
    align-items: center;
    gap: 12px;
    padding: 8px 16px;
    background: #fdecea;
    color: var(--support-console-danger);
    border-bottom: 1px solid #f5c2bd;
  }
  .notice p {
    margin: 0;
    flex: 1;
  }
  /* Kept in the layout when empty: a live region that is display:none is not reliably announced. */
  .notice:empty {
    padding: 0;
    border: 0;
  }
  .body {
    grid-row: 3;
    display: grid;
    grid-template-columns: minmax(290px, 340px) minmax(0, 1fr) minmax(240px, 300px);
    min-height: 0;
  }
  .body > nav {
    border-right: 1px solid var(--support-console-border);
    min-height: 0;
  }
  .body > main {
    min-height: 0;
    min-width: 0;
  }
  .body > aside {
    border-left: 1px solid var(--support-console-border);
    min-height: 0;
    display: flex;
    flex-direction: column;
  }
  support-console-visitor {
    flex: 1;
  }
  .placeholder {
    height: 100%;
    display: grid;
    place-content: center;
    text-align: center;
    color: var(--support-console-muted);
    gap: 4px;
  }
  .placeholder strong {
    color: var(--support-console-text);
    font-size: 16px;
  }
  .loading {
    height: 100%;
    display: grid;
    place-items: center;
    color: var(--support-console-muted);
  }
  @media (max-width: 1100px) {
    .body {
      grid-template-columns: minmax(260px, 300px) minmax(0, 1fr);
    }
    .body > aside {
      display: none;
    }
  }
`;
