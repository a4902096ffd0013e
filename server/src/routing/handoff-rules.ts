import type { HandoffRuleMatch, RoutingSettings, VisitorContext } from '@support-chat/shared';

/**
 * The admin's hand-off rules (issue 4): a visitor message containing a keyword (case-insensitive,
 * width-insensitive: "ＲＥＦＵＮＤ" matches "refund"), or an attribute of the site's signed user
 * (`plan=vip`, case-insensitive). Only signed attributes count: anyone can call identify() with
 * `plan=vip` from the browser's console, so unsigned ones never jump the queue (issue 12).
 * Attribute rules apply only before the first hand-off, so an agent can hand a VIP back to the AI
 * without the next message bouncing straight back.
 */
export function matchHandoffRule(
  settings: Pick<RoutingSettings, 'handoffKeywords' | 'handoffAttributes'>,
  text: string,
  { context, handedOffBefore }: { context: VisitorContext; handedOffBefore: boolean },
): HandoffRuleMatch | null {
  const haystack = normalise(text);
  const keyword = settings.handoffKeywords.find((k) => normalise(k) && haystack.includes(normalise(k)));
  if (keyword) return { keyword };
  if (handedOffBefore) return null;
  const attributes = context.verified?.attributes ?? {};
  const attribute = settings.handoffAttributes.find(
    ({ key, value }) => attributes[key] !== undefined && normalise(attributes[key]!) === normalise(value),
  );
  if (attribute) return { attribute: attribute.key, value: attribute.value };
  return null;
}

/** How rules compare text: width-insensitive ("ＲＥＦＵＮＤ" is "refund"), case-insensitive, trimmed. */
export function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase().trim();
}
