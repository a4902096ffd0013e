/**
 * Does the visitor ask for a person? Matches what people actually type ("talk to a human",
 * "can I speak with someone", "real person please", "agent", "转人工", "我要找客服") rather than
 * exact strings, while leaving questions that merely mention people alone ("how do I add a
 * person to my account").
 */

const EN_PERSON = String.raw`(?:a\s+|an\s+|the\s+|some\s+|real\s+|live\s+|actual\s+)*(?:human|person|people|agent|representative|rep|operator|someone|somebody|staff|support\s+(?:agent|person|team|staff)|customer\s+(?:service|support)|advisor|adviser)s?`;

/** "human please", "agent!", "real person": a message (or its first clause) that is only the ask. */
const EN_ONLY_ASK = new RegExp(
  String.raw`^\s*(?:please\s+)?(?:a\s+|an\s+)?(?:real\s+|live\s+|actual\s+)?(?:human|person|agent|operator|representative|someone)(?:\s+please)?\s*[.!?]*\s*$`,
  'i',
);
/** "客服", "真人！": the same in Chinese. */
const ZH_ONLY_ASK = /^\s*(?:客服|真人|在线客服|在線客服)\s*[。！!?？]*\s*$/;

const EN_PATTERNS: RegExp[] = [
  // "talk to a person", "speak with someone", "chat with an agent", "connect me to a human"
  new RegExp(String.raw`\b(?:talk|speak|chat|connect|transfer|put|get|reach|contact)\b(?:\s+\w+){0,3}?\s+(?:to|with)\s+${EN_PERSON}\b`, 'i'),
  // "I want a human", "I need an agent", "give me a real person", "can I get a person"
  new RegExp(String.raw`\b(?:want|need|give|get|request|prefer)(?:\s+me)?\s+${EN_PERSON}\b`, 'i'),
  EN_ONLY_ASK,
  /\b(?:human|live|real)\s+(?:agent|support|person|help)\b/i,
];

const ZH_PATTERNS: RegExp[] = [
  /[转轉]\s*人工/,
  /人工(?!\s*智[能慧])\s*(?:客服|服务|服務|坐席)?/,
  /(?:找|要|叫|接|转|轉|联系|聯繫|需要|请|請)\s*(?:个|個|一个|一個|一下)?\s*(?:真人|客服|人工|工作人员|工作人員|服务人员|服務人員)/,
  ZH_ONLY_ASK,
  /(?:真人|在线|在線)\s*客服/,
  /客服\s*(?:在吗|在嗎|在不在|呢|人员|人員)/,
  /^\s*(?:有)?(?:没有|沒有)?人(?:在)?(?:吗|嗎|嘛|么|麼)\s*[?？]*\s*$/,
];

/** "I don't want to talk to a person", "不用转人工": mentions the ask, means the opposite. */
const NEGATIONS: RegExp[] = [
  /\b(?:don'?t|do\s+not|doesn'?t|never|no\s+need\s+to)\s+(?:\w+\s+){0,2}?(?:talk|speak|chat|want|need)\b/i,
  /(?:不用|不要|不需要|不必|别|別)\s*[转轉]?\s*(?:人工|客服|真人)/,
];

/** Words typed in a hurry ("humna", "agnet", "operater") count as the word they miss. */
const TYPO_TARGETS = ['human', 'person', 'agent', 'operator', 'representative', 'someone'];

export function wantsHuman(text: string): boolean {
  const trimmed = text.trim();
  if (!trimmed || trimmed.length > 300) return false;
  if (NEGATIONS.some((re) => re.test(trimmed))) return false;
  if (ZH_PATTERNS.some((re) => re.test(trimmed))) return true;
  const english = fixTypos(trimmed);
  if (EN_PATTERNS.some((re) => re.test(english))) return true;
  // The ask first, then why: "human please, my parcel is damaged", "客服！我的包裹坏了" (a probe's
  // visitor got suggested questions instead of a person).
  const [first] = trimmed.split(FIRST_CLAUSE_END);
  return first !== undefined && first.length < trimmed.length && (EN_ONLY_ASK.test(fixTypos(first)) || ZH_ONLY_ASK.test(first));
}

/** Where a message's first clause ends: a comma, a sentence's end, a colon, a line break or a spaced dash. */
const FIRST_CLAUSE_END = /[,，、.。!！?？;；:：\n]|\s[-–—]\s/;

function fixTypos(text: string): string {
  return text.replace(/[A-Za-z]{5,}/g, (word) => {
    const lower = word.toLowerCase();
    const singular = lower.endsWith('s') ? lower.slice(0, -1) : lower;
    const target = TYPO_TARGETS.find((t) => t !== singular && t !== lower && withinOneEdit(singular, t));
    return target ?? word;
  });
}

/** Damerau–Levenshtein distance ≤ 1: one letter added, dropped, changed, or two swapped. */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** The words of asking for a person, and those that only carry the asking ("can I please…"). */
const ASKING_WORDS = new Set(
  (
    "i i'm im i'd me my we want wanna need would like to talk speak chat with a an the real live human humans person people " +
    'agent agents someone somebody anyone representative rep staff operator customer service support please pls plz can ' +
    'could may get connect transfer put through let hi hello hey ok okay now just actually is there thanks thank you be'
  ).split(' '),
);
const ASKING_HAN = /转人工|人工客服|人工服务|人工|真人|客服|转接|我要|我想|可以|能|请|帮我|给我|找|转|接|吗|呢|啊|吧|一下|你好|您好|谢谢/g;

/**
 * A request for a person and nothing more ("a person please", "Can I talk to a real person?",
 * "转人工"): it says why the conversation came, which the note's first line does. Anything left
 * once the asking is taken out says what about ("…about billing", "refund", "退款没到账", any
 * number, any other script): then it is a question the agent must read. Wrongly quoting a bare
 * request costs a line; wrongly leaving out a question loses what the visitor said.
 */
export function onlyAsksForAPerson(text: string): boolean {
  if (!wantsHuman(text) || /\d/.test(text)) return false;
  const rest = (text.toLowerCase().match(/[a-z']+/g) ?? []).filter((word) => !ASKING_WORDS.has(word));
  const han = text.replace(ASKING_HAN, '').match(/\p{Script=Han}/gu) ?? [];
  const otherScripts = /(?![\p{Script=Latin}\p{Script=Han}])\p{L}/u.test(text);
  return rest.length === 0 && han.length === 0 && !otherScripts;
}
