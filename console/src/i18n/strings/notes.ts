import { NOTE_WORDS_EN, type NoteWords } from '@support-chat/shared';
import { defineStrings } from '../define.js';

/**
 * The notes the server writes (hand-off, requeue), worded here from their data (`ChatMessage.note`):
 * the server stores the English, `NOTE_WORDS_EN`, which is also this module's English.
 */
export const notes = defineStrings(
  { ...NOTE_WORDS_EN, reasons: { ...NOTE_WORDS_EN.reasons } },
  {
    handoff: '**转人工：**{reason}。',
    reasons: {
      visitor_request: '访客要求人工服务',
      ai_unanswered: 'AI 连续两次无法回答',
      attachment: '访客发送了 AI 无法读取的文件',
      rule: '命中了一条分配规则',
      agent_takeover: '客服接管了会话',
      offline_message: '无人在线时访客留了言',
    },
    withDetail: '{reason}（{detail}）',
    ruleKeyword: '消息中提到“{keyword}”',
    ruleAttribute: '访客的 {key} 为 {value}',
    replyByEmail: '**请通过邮件回复：**{address}',
    summary: '**摘要（AI）：**{summary}',
    sourcesUsed: '**AI 引用的资料：**{titles}',
    asked: '**访客的问题：**',
    askedNothing: '**访客的问题：**暂无。',
    tried: '**AI 的回答：**',
    triedNothing: '**AI 的回答：**暂无（尚未回答）。',
    couldNotAnswer: '无法回答：{quote}',
    sources: '（资料：{titles}）',
    listSeparator: '、',
    requeuedDisconnected: '{name} 断线超过 {seconds} 秒：会话已回到队列，排在最前。',
    requeuedDeactivated: '{name} 已被管理员停用：会话已回到队列，排在最前。',
  } satisfies NoteWords,
);
