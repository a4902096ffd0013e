/**
 * Does the visitor ask for a person? Matches what people actually type ("talk to a human",
 * "can I speak with someone", "real person please", "agent", "转人工", "我要找客服") rather than
 * exact strings, while leaving questions that merely mention people alone ("how do I add a
 * person to my account").
 */

const EN_PERSON = String.raw`(?:a\s+|an\s+|the\s+|some\s+|real\s+|live\s+|actual\s+)*(?:human|person|people|agent|representative|rep|operator|someone|somebody|staff|support\s+(?:agent|person|team|staff)|customer\s+(?:service|support)|advisor|adviser)s?`;

const EN_PATTERNS: RegExp[] = [
  // "talk to a person", "speak with someone", "chat with an agent", "connect me to a human"
  new RegExp(String.raw`\b(?:talk|speak|chat|connect|transfer|put|get|reach|contact)\b(?:\s+\w+){0,3}?\s+(?:to|with)\s+${EN_PERSON}\b`, 'i'),
  // "I want a human", "I need an agent", "give me a real person", "can I get a person"
  new RegExp(String.raw`\b(?:want|need|give|get|request|prefer)(?:\s+me)?\s+${EN_PERSON}\b`, 'i'),
  // "human please", "agent!", "real person", "live agent" — a short message that is only the ask
  new RegExp(String.raw`^\s*(?:please\s+)?(?:a\s+|an\s+)?(?:real\s+|live\s+|actual\s+)?(?:human|person|agent|operator|representative|someone)(?:\s+please)?\s*[.!?]*\s*$`, 'i'),
  /\b(?:human|live|real)\s+(?:agent|support|person|help)\b/i,
];

const ZH_PATTERNS: RegExp[] = [
  /转\s*人工/,
  /人工\s*(?:客服|服务|坐席)?/,
  /(?:找|要|叫|接|转|联系|需要)\s*(?:个|一个|一下)?\s*(?:真人|客服|人工|工作人员|服务人员)/,
  /^\s*(?:客服|真人)\s*[。！!?？]*\s*$/,
];

export function wantsHuman(text: string): boolean {
  const trimmed = text.trim();
  if (!trimmed || trimmed.length > 300) return false;
  return ZH_PATTERNS.some((re) => re.test(trimmed)) || EN_PATTERNS.some((re) => re.test(trimmed));
}
