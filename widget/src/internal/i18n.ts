/**
 * The widget's words, in the two languages the product speaks. Status lines and system events
 * arrive from the server as data (`SystemEvent`, `VisitorConversation`) and are worded here, so a
 * visitor reads them in their own language whatever the agent's.
 */
import {
  resolveLocale,
  type ConversationStatus,
  type ErrorCode,
  type Locale,
  type SystemEvent,
  type VisitorConversation,
} from '@support-chat/shared';

const en = {
  title: 'Chat with us',
  openChat: 'Open chat',
  closeChat: 'Close chat',
  unread: '{n} unread',
  human: 'Talk to a person',
  inputLabel: 'Your message',
  placeholder: 'Ask a question…',
  send: 'Send',
  you: 'You',
  assistant: 'AI assistant',
  agent: 'Support',
  system: 'Notice',
  note: 'Internal note',
  sources: 'Sources',
  suggestions: 'Suggested questions',
  thinking: 'The assistant is writing…',
  typing: '{name} is typing…',
  sending: 'Sending…',
  notSent: 'Not sent.',
  retry: 'Retry',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  charsLeft: '{n} characters left',
  queued: 'Waiting for a person to join…',
  queuedAt: "You're #{n} in the queue",
  assigned: '{name} is here to help',
  closed: 'This conversation has ended. Send a message to start a new one.',
  evQueued: 'You asked to talk to a person',
  evAssigned: '{name} joined the conversation',
  evTransferred: 'Transferred to {name}',
  evReturned: 'The AI assistant is back',
  evClosed: 'The conversation has ended',
  errRate: "You're sending messages too quickly. Please wait a moment.",
  errInvalid: "This message couldn't be sent. Please shorten or rephrase it.",
  errOffline: "We can't reach the server right now. We'll keep trying.",
  errOther: 'Something went wrong. Please try again.',
};

export type Strings = typeof en;

const zhCN: Strings = {
  title: '在线客服',
  openChat: '打开聊天',
  closeChat: '关闭聊天',
  unread: '{n} 条未读',
  human: '转人工',
  inputLabel: '输入消息',
  placeholder: '请输入您的问题…',
  send: '发送',
  you: '我',
  assistant: 'AI 助手',
  agent: '客服',
  system: '提示',
  note: '内部备注',
  sources: '参考资料',
  suggestions: '猜你想问',
  thinking: '助手正在输入…',
  typing: '{name} 正在输入…',
  sending: '发送中…',
  notSent: '发送失败。',
  retry: '重试',
  connecting: '正在连接…',
  reconnecting: '正在重新连接…',
  charsLeft: '还可输入 {n} 字',
  queued: '正在为您转接人工客服…',
  queuedAt: '您当前排在第 {n} 位',
  assigned: '{name} 正在为您服务',
  closed: '本次对话已结束，发送消息即可开始新的对话。',
  evQueued: '您已申请转接人工客服',
  evAssigned: '{name} 已加入对话',
  evTransferred: '已转接给 {name}',
  evReturned: 'AI 助手已回来为您服务',
  evClosed: '对话已结束',
  errRate: '您发送消息太快了，请稍候再试。',
  errInvalid: '消息无法发送，请缩短或修改后重试。',
  errOffline: '暂时无法连接服务器，我们会继续尝试。',
  errOther: '出错了，请重试。',
};

const TABLES: Record<Locale, Strings> = { en, 'zh-CN': zhCN };

/**
 * The first language tag that is set wins: the element's `lang` attribute, then the page's
 * `<html lang>`, then the browser's. Returns the tag too, for the visitor context.
 */
export function pickLanguage(...tags: (string | null | undefined)[]): { locale: Locale; tag: string } {
  const tag = tags.find((t) => t && t.trim())?.trim() ?? 'en';
  return { locale: resolveLocale(tag), tag };
}

export function stringsFor(locale: Locale): Strings {
  return TABLES[locale];
}

/** Fills `{name}` placeholders; a missing value leaves the placeholder empty. */
export function format(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => String(params[key] ?? ''));
}

export function eventText(s: Strings, event: SystemEvent): string {
  switch (event.type) {
    case 'queued':
      return s.evQueued;
    case 'assigned':
      return format(s.evAssigned, { name: event.agentName });
    case 'transferred':
      return format(s.evTransferred, { name: event.agentName });
    case 'returned_to_ai':
      return s.evReturned;
    case 'closed':
      return s.evClosed;
  }
}

/** The line under the log that says where the conversation stands; empty while the AI answers. */
export function statusText(s: Strings, c: Pick<VisitorConversation, 'status' | 'queuePosition' | 'agentName'> | null): string {
  const status: ConversationStatus | undefined = c?.status;
  if (status === 'queued') return c?.queuePosition ? format(s.queuedAt, { n: c.queuePosition }) : s.queued;
  if (status === 'assigned') return format(s.assigned, { name: c?.agentName || s.agent });
  if (status === 'closed') return s.closed;
  return '';
}

export function errorText(s: Strings, code: ErrorCode): string {
  if (code === 'rate_limited') return s.errRate;
  if (code === 'invalid_payload' || code === 'too_large') return s.errInvalid;
  if (code === 'unavailable') return s.errOffline;
  return s.errOther;
}
