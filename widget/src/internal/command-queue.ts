/**
 * `window.supportChat`: calls a page makes before this script has loaded (or before its
 * `<support-chat>` is rendered) wait in an array and run once the element is there, in order —
 * as Crisp's `$crisp.push([...])` does. Pages write, anywhere and at any time:
 *
 *   (window.supportChat = window.supportChat || []).push(['identify', { plan: 'pro' }], ['open']);
 *
 * After loading, `window.supportChat.push(...)` runs at once, so the same line always works.
 */

/** The element's methods a page may call this way. */
export const COMMANDS = ['open', 'close', 'toggle', 'send', 'identify', 'setUser', 'shutdown', 'setLocale', 'hideLauncher', 'showLauncher'] as const;

export type SupportChatCommand = [name: (typeof COMMANDS)[number], ...args: unknown[]];

declare global {
  interface Window {
    supportChat?: SupportChatCommand[] | { push(...commands: SupportChatCommand[]): number };
  }
}

type Callable = Record<string, (...args: unknown[]) => unknown>;

export function runCommandQueue(tag = 'support-chat'): void {
  const queued = Array.isArray(window.supportChat) ? window.supportChat : [];
  const pending: SupportChatCommand[] = [];
  let watching = false;

  const run = (command: SupportChatCommand): void => {
    const [name, ...args] = Array.isArray(command) ? command : [];
    if (!COMMANDS.includes(name as SupportChatCommand[0])) {
      return console.warn(`support-chat: unknown command ${JSON.stringify(name)}; use one of ${COMMANDS.join(', ')}`);
    }
    const el = document.querySelector(tag) as unknown as Callable | null;
    if (!el) return void (pending.push(command), watch());
    if (typeof el[name!] !== 'function') return console.warn(`support-chat: <${tag}> has no ${name}()`);
    // One bad call is reported and the rest still run: `['send']` threw and dropped the `open`
    // queued after it (a developer's probe).
    try {
      el[name!]!(...args);
    } catch (error) {
      console.error(`support-chat: ${name}() failed`, error);
    }
  };

  // The element may come later: a single-page app renders it after the script has loaded.
  const watch = (): void => {
    if (watching) return;
    watching = true;
    const observer = new MutationObserver(() => {
      if (!document.querySelector(tag)) return;
      observer.disconnect();
      watching = false;
      pending.splice(0).forEach(run);
    });
    observer.observe(document.documentElement, { childList: true, subtree: true });
  };

  window.supportChat = {
    push: (...commands) => {
      commands.forEach(run);
      return 0;
    },
  };
  queued.forEach(run);
}
