/**
 * Several `<support-chat>` elements on one page pointing at the same server are two chats for
 * one visitor: two launchers, two connections, the same conversation in both. Almost always a
 * mistake (a layout and a page template both adding it, a second embed snippet), so the page's
 * console says so, once per page, with what to do instead. Elements for different servers are
 * separate chats and fine.
 */
const onPage = new Map<HTMLElement, string>();
let warned = false;

/** `el` is on the page, talking to `server` (a normalised URL); call again when it changes. */
export function elementConnected(el: HTMLElement, server: string): void {
  onPage.set(el, server);
  if (warned) return;
  const same = [...onPage.values()].filter((s) => s === server).length;
  if (same < 2) return;
  warned = true;
  console.warn(
    `support-chat: ${same} <support-chat> elements on this page use the same server (${server}), a connection each. Keep one (your button can call its open()).`,
  );
}

export function elementDisconnected(el: HTMLElement): void {
  onPage.delete(el);
}
