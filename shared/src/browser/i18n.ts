/**
 * The widget's words, in the two languages the product speaks. Status lines and system events
 * arrive from the server as data (`SystemEvent`, `VisitorConversation`) and are worded here, so a
 * visitor reads them in their own language whatever the agent's.
 */
import {
  type ConversationStatus,
  type ErrorCode,
  type Locale,
  type SystemEvent,
  type VisitorConversation,
} from '@support-chat/shared';
import { format, LAUNCHER_STRINGS } from './launcher-i18n.js';

export { format, pickLanguage } from './launcher-i18n.js';

const en = {
  ...LAUNCHER_STRINGS.en,
  title: 'Chat with us',
  closeChat: 'Close chat',
  human: 'Talk to a person',
  inputLabel: 'Your message',
  placeholder: 'Ask a question…',
  send: 'Send',
  attach: 'Attach a file',
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
  wait: ' · about {n} min',
  assigned: '{name} is here to help',
  // Under the log's own "The conversation has ended" line (evClosed): not said twice.
  closed: 'Send a message to start a new one.',
  feedback: 'Was this answer helpful?',
  helpful: 'Helpful',
  notHelpful: 'Not helpful',
  thanks: 'Thanks for your feedback',
  rate: 'How was this conversation?',
  stars: '{n} of 5',
  comment: 'Comment (optional)',
  rated: 'Thank you for rating this conversation!',
  transcript: 'Email me this chat (optional)',
  leave: 'Leave a message',
  leaveIntro: "Nobody can chat right now. Leave your email and we'll get back to you.",
  nextOpen: ' We open again {time}.',
  email: 'Email',
  name: 'Name (optional)',
  message: 'Message',
  cancel: 'Cancel',
  submit: 'Submit',
  left: "Thanks! We'll reply by email, or here when you come back.",
  errEmail: 'Please enter a valid email address.',
  errText: 'Please write a message.',
  evQueued: 'You asked to talk to a person',
  evNoAnswer: "The assistant couldn't answer, so a person will take over",
  evHandoff: 'A person will take over',
  evAssigned: '{name} joined the conversation',
  evTransferred: 'Transferred to {name}',
  evReturned: 'The AI assistant is back',
  evClosed: 'The conversation has ended',
  errRate: "You're sending messages too quickly. Please wait a moment.",
  errRateWait: 'Too many requests right now. We will try again in {time}.',
  seconds: '{n} s',
  minutes: '{n} min',
  errInvalid: "This message couldn't be sent. Please shorten or rephrase it.",
  errOffline: "We can't reach the server right now. We'll keep trying.",
  errStore: "The server can't save that right now. Please try again in a moment.",
  errStoreRetry: "The server can't save messages right now. We'll keep trying.",
  errOther: 'Something went wrong. Please try again.',
  errOrigin: "Sorry, the chat isn't available on this website. Please contact us another way.",
  errUser: "Couldn't confirm your sign-in. Please reload the page.",
};

export type Strings = typeof en;

const zhCN: Strings = {
  ...LAUNCHER_STRINGS['zh-CN'],
  title: '在线客服',
  closeChat: '关闭聊天',
  human: '转人工',
  inputLabel: '输入消息',
  placeholder: '请输入您的问题…',
  send: '发送',
  attach: '添加附件',
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
  wait: '，预计等待约 {n} 分钟',
  assigned: '{name} 正在为您服务',
  closed: '发送消息即可开始新的对话。',
  feedback: '这个回答有帮助吗？',
  helpful: '有帮助',
  notHelpful: '没有帮助',
  thanks: '感谢您的反馈',
  rate: '您对本次服务满意吗？',
  stars: '{n} 星（满分 5 星）',
  comment: '留下您的意见（选填）',
  rated: '感谢您的评价！',
  transcript: '把对话记录发到邮箱（选填）',
  leave: '留言',
  leaveIntro: '客服暂时不在线。请留下邮箱，我们会尽快回复您。',
  nextOpen: '我们将于{time}恢复服务。',
  email: '邮箱',
  name: '姓名（选填）',
  message: '留言内容',
  cancel: '取消',
  submit: '提交',
  left: '已收到您的留言！我们会通过邮件回复您，您回来时也可以在这里查看。',
  errEmail: '请输入有效的邮箱地址。',
  errText: '请填写留言内容。',
  evQueued: '您已申请转接人工客服',
  evNoAnswer: 'AI 助手无法回答，将由人工客服为您服务',
  evHandoff: '将由人工客服为您服务',
  evAssigned: '{name} 已加入对话',
  evTransferred: '已转接给 {name}',
  evReturned: 'AI 助手已回来为您服务',
  evClosed: '对话已结束',
  errRate: '您发送消息太快了，请稍候再试。',
  errRateWait: '当前请求过多，将在 {time}后自动重试。',
  seconds: '{n} 秒',
  minutes: '{n} 分钟',
  errInvalid: '消息无法发送，请缩短或修改后重试。',
  errOffline: '暂时无法连接服务器，我们会继续尝试。',
  errStore: '服务器暂时无法保存，请稍后再试。',
  errStoreRetry: '服务器暂时无法保存消息，我们会继续尝试。',
  errOther: '出错了，请重试。',
  errOrigin: '抱歉，本网站暂不支持在线客服，请通过其他方式联系我们。',
  errUser: '无法确认登录状态，请刷新页面。',
};

const TABLES: Record<Locale, Strings> = { en, 'zh-CN': zhCN };

export function stringsFor(locale: Locale): Strings {
  return TABLES[locale];
}

export function eventText(s: Strings, event: SystemEvent): string {
  switch (event.type) {
    case 'queued': {
      const r = event.reason;
      return r === 'ai_unanswered' ? s.evNoAnswer : r === 'visitor_request' || r === 'offline_message' ? s.evQueued : s.evHandoff;
    }
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
export function statusText(
  s: Strings,
  c: Pick<VisitorConversation, 'status' | 'queuePosition' | 'agentName' | 'estimatedWaitSeconds'> | null,
): string {
  const status: ConversationStatus | undefined = c?.status;
  if (status === 'queued' && c?.queuePosition) {
    const wait = c.estimatedWaitSeconds;
    return format(s.queuedAt, { n: c.queuePosition }) + (wait ? format(s.wait, { n: Math.max(1, Math.round(wait / 60)) }) : '');
  }
  if (status === 'queued') return s.queued;
  if (status === 'assigned') return format(s.assigned, { name: c?.agentName || s.agent });
  if (status === 'closed') return s.closed;
  return '';
}

/** A moment in the visitor's language and time zone: "Mon 9:00 AM", "周一 09:00". */
export function when(locale: Locale, at: number): string {
  return new Intl.DateTimeFormat(locale, { weekday: 'short', hour: 'numeric', minute: '2-digit' }).format(at);
}

/**
 * A refusal in the visitor's words. `retryAt` (epoch ms): a rate limit said when it is tried again,
 * so the visitor reads how long, not just "wait".
 */
export function errorText(s: Strings, code: ErrorCode, retryAt?: number | null, now = Date.now()): string {
  if (code === 'rate_limited' && retryAt && retryAt > now) {
    const seconds = Math.ceil((retryAt - now) / 1000);
    const time = seconds < 90 ? format(s.seconds, { n: seconds }) : format(s.minutes, { n: Math.ceil(seconds / 60) });
    return format(s.errRateWait, { time });
  }
  if (code === 'rate_limited') return s.errRate;
  if (code === 'invalid_payload' || code === 'too_large') return s.errInvalid;
  if (code === 'unavailable') return s.errOffline;
  if (code === 'store_unavailable') return s.errStore;
  if (code === 'origin_not_allowed') return s.errOrigin;
  if (code === 'user_refused') return s.errUser;
  return s.errOther;
}
