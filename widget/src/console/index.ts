/**
 * The agent console entry (bundled as `support-console.js`): registers `<support-console>` and
 * the elements it is made of.
 */
import { SupportConsole } from './console-app.js';
import { SupportConsoleComposer } from './composer.js';
import { SupportConsoleConversation } from './conversation-view.js';
import { SupportConsoleInbox } from './inbox-list.js';
import { SupportConsoleLogin } from './login-form.js';
import { SupportConsoleTranscript } from './transcript-view.js';
import { SupportConsoleVisitor } from './visitor-context.js';

export {
  SupportConsole,
  SupportConsoleComposer,
  SupportConsoleConversation,
  SupportConsoleInbox,
  SupportConsoleLogin,
  SupportConsoleTranscript,
  SupportConsoleVisitor,
};
export type { ConsoleEventDetails } from './events.js';

const ELEMENTS: ReadonlyArray<[string, CustomElementConstructor]> = [
  ['support-console-login', SupportConsoleLogin],
  ['support-console-inbox', SupportConsoleInbox],
  ['support-console-transcript', SupportConsoleTranscript],
  ['support-console-composer', SupportConsoleComposer],
  ['support-console-conversation', SupportConsoleConversation],
  ['support-console-visitor', SupportConsoleVisitor],
  ['support-console', SupportConsole],
];

/**
 * Registers the console's elements. Idempotent: a tag already defined (the script loaded twice,
 * or a host page's own element) is left alone with a warning instead of throwing.
 */
export function defineConsole(registry: CustomElementRegistry = customElements): void {
  for (const [tag, element] of ELEMENTS) {
    const existing = registry.get(tag);
    if (!existing) registry.define(tag, element);
    else if (existing !== element) console.warn(`[support-console] <${tag}> is already defined; keeping the existing one.`);
  }
}

defineConsole();
