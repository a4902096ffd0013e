/**
 * The launcher's rules, the first the page gets: the host's place in the corner, the custom
 * properties every rule builds on, the round button and its unread badge. A plain string (the
 * launcher carries no Lit), adopted as a constructed stylesheet, which a strict `style-src` allows;
 * the panel's rules (chat-panel.styles.ts) follow it when the chat arrives. The build minifies
 * whatever is tagged `css` (the tag is `String.raw` here).
 */
const css = String.raw;

export const launcherStyles = css`
  :host {
    --_accent: var(--support-chat-accent, #2563eb);
    --_on-accent: var(--support-chat-accent-text, #fff);
    --_offset: var(--support-chat-offset, 20px);
    /* Important: a page rule that matches the element itself beats :host (* { all: unset } put
       the launcher in the page's flow; * { font-size: 22px; text-transform: uppercase } and an
       RTL page's direction reached every bubble), and a shadow's important rules beat the page's.
       Pages theme through the custom properties. */
    position: fixed !important;
    z-index: var(--support-chat-z-index, 2147483000) !important;
    right: var(--_offset) !important;
    bottom: var(--_offset) !important;
    /* The size apart: a size the browser refuses (--support-chat-font-size: big) loses only itself, not the font. */
    font: 15px/1.5 var(--support-chat-font, system-ui, sans-serif) !important;
    font-size: var(--support-chat-font-size, 15px) !important;
    color: var(--support-chat-text, #111827) !important;
    text-transform: none !important;
    letter-spacing: normal !important;
    text-align: start !important;
    direction: ltr !important;
  }
  :host([position='bottom-left']) {
    right: auto !important;
    left: var(--_offset) !important;
  }
  [hidden] {
    display: none !important;
  }
  button {
    font: inherit;
    cursor: pointer;
  }
  svg {
    width: 22px;
    height: 22px;
    fill: none;
    stroke: currentColor;
    stroke-width: 2;
    stroke-linecap: round;
    stroke-linejoin: round;
  }
  .launcher {
    position: relative;
    display: grid;
    place-items: center;
    width: 56px;
    height: 56px;
    border: 0;
    border-radius: 50%;
    background: var(--_accent);
    color: var(--_on-accent);
    box-shadow: 0 4px 16px rgb(0 0 0 / 0.2);
  }
  .launcher svg {
    width: 26px;
    height: 26px;
  }
  .badge {
    position: absolute;
    top: -2px;
    right: -2px;
    min-width: 20px;
    height: 20px;
    padding: 0 5px;
    box-sizing: border-box;
    border-radius: 10px;
    background: var(--support-chat-danger, #dc2626);
    color: #fff;
    font-size: 12px;
    line-height: 20px;
  }
  :host([launcher='hidden']) .launcher {
    display: none;
  }
  :focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
`;
