import { css } from 'lit';

export const workspaceStyles = css`
  :host {
    display: grid;
    grid-template-columns: minmax(300px, 360px) minmax(0, 1fr) minmax(240px, 300px);
    min-height: 0;
    height: 100%;
  }
  nav {
    border-right: 1px solid var(--support-console-border);
    min-height: 0;
    display: flex;
    flex-direction: column;
    background: var(--support-console-surface);
  }
  support-console-inbox {
    flex: 1;
    min-height: 0;
  }
  main {
    min-height: 0;
    min-width: 0;
  }
  aside {
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
  kbd {
    font-family: ui-monospace, monospace;
    border: 1px solid var(--support-console-border);
    border-bottom-width: 2px;
    border-radius: 4px;
    padding: 0 5px;
    background: var(--support-console-surface);
  }
  @media (max-width: 1100px) {
    :host {
      grid-template-columns: minmax(280px, 320px) minmax(0, 1fr);
    }
    aside {
      display: none;
    }
  }
`;
