/**
 * The emails' words and layout (issue 13): plain text, and a simple HTML part in which every piece
 * of text a visitor or agent wrote is escaped. In the conversation's language.
 */
import type { ChatMessage, Locale } from '@support-chat/shared';

const WORDS = {
  en: {
    you: 'You',
    assistant: 'Assistant',
    team: 'Support',
    offlineSubject: (who: string) => `New message from ${who}`,
    offlineIntro: (who: string) => `${who} left a message while nobody was available:`,
    offlineReply: 'Reply in the console (or to this email):',
    page: 'Page',
    replySubject: (agent: string) => `${agent} replied to your message`,
    replyIntro: 'You have a reply:',
    transcriptSubject: 'Your conversation with us',
    transcriptIntro: 'Here is your conversation, as you asked:',
    continueAt: 'Continue the conversation:',
    continueButton: 'Continue the conversation',
    expires: (hours: number) => `This link works for ${hours} hours.`,
  },
  'zh-CN': {
    you: '您',
    assistant: '智能助手',
    team: '客服',
    offlineSubject: (who: string) => `${who} 的新留言`,
    offlineIntro: (who: string) => `${who} 在无人在线时留言：`,
    offlineReply: '请在控制台回复（或直接回复此邮件）：',
    page: '页面',
    replySubject: (agent: string) => `${agent} 回复了您的留言`,
    replyIntro: '您有一条回复：',
    transcriptSubject: '您与我们的对话记录',
    transcriptIntro: '以下是您要求的对话记录：',
    continueAt: '继续对话：',
    continueButton: '继续对话',
    expires: (hours: number) => `此链接在 ${hours} 小时内有效。`,
  },
} satisfies Record<Locale, unknown>;

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** For the HTML part: what anyone wrote stays text. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function speaker(message: ChatMessage, locale: Locale): string {
  const w = WORDS[locale];
  if (message.author === 'visitor') return w.you;
  if (message.author === 'ai') return w.assistant;
  return message.authorName || w.team;
}

/** Subject lines are one line whatever a name holds. */
function oneLine(text: string, max = 80): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** `text` as an http(s) address, normalised by the URL parser (no spaces or line breaks left), or undefined. */
function webAddress(text: string | undefined): string | undefined {
  if (!text) return undefined;
  try {
    const url = new URL(text.trim()); // not URL.parse: Node 20 has it only from 20.18
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function layout(paragraphs: string[]): string {
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;font-size:15px;line-height:1.5;color:#1f2328">${paragraphs.join('')}</body></html>`;
}

const para = (html: string) => `<p>${html}</p>`;
const quote = (who: string, text: string) =>
  `<p><strong>${escapeHtml(who)}</strong><br><span style="white-space:pre-wrap">${escapeHtml(text)}</span></p>`;
const link = (href: string, label: string) => `<p><a href="${escapeHtml(href)}">${escapeHtml(label)}</a></p>`;

export function offlineMessageMail(
  locale: Locale,
  { visitor, text, pageUrl, consoleUrl }: { visitor: { email: string; name?: string | undefined }; text: string; pageUrl?: string | undefined; consoleUrl: string },
): RenderedMail {
  const w = WORDS[locale];
  // On one line each, and the page only as a web address: both are the visitor's to write (a
  // crafted client sent a name with line breaks and a page of "…\nBcc: …\n\nURGENT: verify at …"),
  // and both stand outside the quoted message, where they read as the system's own words.
  const name = visitor.name ? oneLine(visitor.name, 100) : '';
  const page = webAddress(pageUrl);
  const who = name ? `${name} <${visitor.email}>` : visitor.email;
  return {
    subject: oneLine(w.offlineSubject(name || visitor.email)),
    text: [w.offlineIntro(who), '', text, '', ...(page ? [`${w.page}: ${page}`, ''] : []), w.offlineReply, consoleUrl, ''].join('\n'),
    html: layout([
      para(escapeHtml(w.offlineIntro(who))),
      `<blockquote style="white-space:pre-wrap;border-left:3px solid #d0d7de;margin:0;padding-left:12px">${escapeHtml(text)}</blockquote>`,
      ...(page ? [para(`${escapeHtml(w.page)}: ${escapeHtml(page)}`)] : []),
      para(escapeHtml(w.offlineReply)),
      link(consoleUrl, consoleUrl),
    ]),
  };
}

/**
 * The team's replies the visitor has not read, with the link back; or the whole transcript,
 * without it. A transcript goes to whatever address the visitor typed, unverified: the link
 * would hand that stranger the conversation, and a security probe sent one, with its own
 * message and the shop's sender, as a phishing mail. The transcript is a record, not a key.
 */
export function conversationMail(
  locale: Locale,
  kind: 'agent_reply' | 'transcript',
  { messages, link: back }: { messages: ChatMessage[]; link?: { url: string; hours: number } },
): RenderedMail {
  const w = WORDS[locale];
  const agent = [...messages].reverse().find((m) => m.author === 'agent');
  const subject = kind === 'transcript' ? w.transcriptSubject : oneLine(w.replySubject(agent?.authorName || w.team));
  const intro = kind === 'transcript' ? w.transcriptIntro : w.replyIntro;
  const lines = messages.flatMap((m) => [`${speaker(m, locale)}:`, m.text, '']);
  return {
    subject,
    text: [intro, '', ...lines, ...(back ? [w.continueAt, back.url, ...(back.hours > 0 ? [w.expires(back.hours)] : [])] : []), ''].join('\n'),
    html: layout([
      para(escapeHtml(intro)),
      ...messages.map((m) => quote(speaker(m, locale), m.text)),
      ...(back ? [link(back.url, w.continueButton)] : []),
      ...(back && back.hours > 0 ? [`<p style="color:#656d76;font-size:13px">${escapeHtml(w.expires(back.hours))}</p>`] : []),
    ]),
  };
}
