/**
 * The agent console entry (bundled as `support-console.js`): registers `<support-console>` and
 * the elements it is made of.
 */
import { SupportConsole } from './console-app.js';
import { SupportConsoleAdminAgents } from './admin-agents.js';
import { SupportConsoleAdminAudit } from './admin-audit.js';
import { SupportConsoleAdminIntegrations } from './admin-integrations.js';
import { SupportConsoleAdminCanned } from './admin-canned.js';
import { SupportConsoleAdminKnowledge } from './admin-knowledge.js';
import { SupportConsoleAdminRouting } from './admin-routing.js';
import { SupportConsoleAdminWelcome } from './admin-welcome.js';
import { SupportConsoleComposer } from './composer.js';
import { SupportConsoleConversation } from './conversation-view.js';
import { SupportConsoleInbox } from './inbox-list.js';
import { SupportConsoleSearch } from './inbox-search.js';
import { SupportConsoleLogin } from './login-form.js';
import { SupportConsoleKnowledgeLearning } from './knowledge-learning.js';
import { SupportConsoleKnowledgeReport } from './knowledge-report.js';
import { SupportConsoleReports } from './reports-page.js';
import { SupportConsoleShortcuts } from './shortcuts-dialog.js';
import { SupportConsoleTeam } from './team-list.js';
import { SupportConsoleTopbar } from './topbar.js';
import { SupportConsoleTranscript } from './transcript-view.js';
import { SupportConsoleTransferMenu } from './transfer-menu.js';
import { SupportConsoleVisitor } from './visitor-context.js';
import { SupportConsoleWorkspace } from './workspace.js';
import { SupportConsoleLabelFilter, SupportConsoleLabels } from './conversation-labels.js';
import { SupportConsoleHistory } from './visitor-history.js';

export {
  SupportConsole,
  SupportConsoleAdminAgents,
  SupportConsoleAdminAudit,
  SupportConsoleAdminIntegrations,
  SupportConsoleAdminKnowledge,
  SupportConsoleAdminCanned,
  SupportConsoleAdminRouting,
  SupportConsoleAdminWelcome,
  SupportConsoleComposer,
  SupportConsoleConversation,
  SupportConsoleInbox,
  SupportConsoleLogin,
  SupportConsoleKnowledgeLearning,
  SupportConsoleKnowledgeReport,
  SupportConsoleReports,
  SupportConsoleSearch,
  SupportConsoleShortcuts,
  SupportConsoleTeam,
  SupportConsoleTopbar,
  SupportConsoleTranscript,
  SupportConsoleTransferMenu,
  SupportConsoleVisitor,
  SupportConsoleWorkspace,
};
export type { ConsoleEventDetails } from './events.js';

const ELEMENTS: ReadonlyArray<[string, CustomElementConstructor]> = [
  ['support-console-login', SupportConsoleLogin],
  ['support-console-topbar', SupportConsoleTopbar],
  ['support-console-search', SupportConsoleSearch],
  ['support-console-inbox', SupportConsoleInbox],
  ['support-console-team', SupportConsoleTeam],
  ['support-console-transcript', SupportConsoleTranscript],
  ['support-console-composer', SupportConsoleComposer],
  ['support-console-transfer-menu', SupportConsoleTransferMenu],
  ['support-console-conversation', SupportConsoleConversation],
  ['support-console-visitor', SupportConsoleVisitor],
  ['support-console-workspace', SupportConsoleWorkspace],
  ['support-console-labels', SupportConsoleLabels],
  ['support-console-label-filter', SupportConsoleLabelFilter],
  ['support-console-history', SupportConsoleHistory],
  ['support-console-reports', SupportConsoleReports],
  ['support-console-knowledge-report', SupportConsoleKnowledgeReport],
  ['support-console-admin-agents', SupportConsoleAdminAgents],
  ['support-console-admin-canned', SupportConsoleAdminCanned],
  ['support-console-admin-routing', SupportConsoleAdminRouting],
  ['support-console-admin-welcome', SupportConsoleAdminWelcome],
  ['support-console-admin-audit', SupportConsoleAdminAudit],
  ['support-console-admin-integrations', SupportConsoleAdminIntegrations],
  ['support-console-knowledge-learning', SupportConsoleKnowledgeLearning],
  ['support-console-admin-knowledge', SupportConsoleAdminKnowledge],
  ['support-console-shortcuts', SupportConsoleShortcuts],
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
