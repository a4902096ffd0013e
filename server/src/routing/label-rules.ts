import type { LabelRule, RoutingSettings, VisitorContext } from '@support-chat/shared';
import type { ConversationLabels } from '../conversations/labels.js';
import type { DomainEventBus } from '../conversations/events.js';
import type { Logger } from '../logger.js';
import { normalise } from './handoff-rules.js';

/** Who the audit log names for a label a rule added. */
export const RULE_ACTOR = { id: 'routing-rule', name: 'Routing rule' } as const;

/**
 * The labels the admin's label rules give a visitor message (issue 13): a keyword it mentions,
 * matched as the hand-off keywords are, or an attribute of the site's signed user (never an
 * unsigned identify() attribute, which anyone can set from the browser's console).
 */
export function matchLabelRules(rules: readonly LabelRule[], text: string, context: VisitorContext): string[] {
  const haystack = normalise(text);
  const attributes = context.verified?.attributes ?? {};
  const labels = new Set<string>();
  for (const rule of rules) {
    if ('keyword' in rule) {
      const keyword = normalise(rule.keyword);
      if (keyword && haystack.includes(keyword)) labels.add(rule.label);
    } else {
      const value = attributes[rule.attribute.key];
      if (value !== undefined && normalise(value) === normalise(rule.attribute.value)) labels.add(rule.label);
    }
  }
  return [...labels];
}

/**
 * Applies the label rules to every visitor message stored by this process, whoever answers it
 * (the AI, the queue, a person). Adding a label the conversation has changes nothing, so a rule
 * matching again, or two processes hearing the same message, is harmless.
 */
export function listenForLabelRules({
  bus,
  settings,
  labels,
  logger,
}: {
  bus: DomainEventBus;
  settings: () => Promise<Pick<RoutingSettings, 'labelRules'>>;
  labels: ConversationLabels;
  logger: Logger;
}): () => void {
  return bus.on('messageCreated', (message, conversation) => {
    if (message.author !== 'visitor' || message.kind !== 'text') return;
    void (async () => {
      const rules = (await settings()).labelRules ?? [];
      if (rules.length === 0) return;
      const add = matchLabelRules(rules, message.text, conversation.context);
      if (add.length === 0 || add.every((label) => conversation.labels?.includes(label))) return;
      await labels.change(RULE_ACTOR, conversation.id, { add, remove: [] }, 'rule');
    })().catch((error: unknown) => logger.error({ err: error, conversationId: conversation.id }, 'label rules failed'));
  });
}
