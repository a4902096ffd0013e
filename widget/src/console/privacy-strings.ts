/**
 * The words of the audit log page and of the visitor-data buttons (issue 11), in the two
 * languages the product speaks, picked from the page's `<html lang>`, else the browser's.
 */
import { resolveLocale, type AuditAction, type AuditTargetType, type Locale } from '@support-chat/shared';

const en = {
  nav: 'Audit log',
  title: 'Audit log',
  intro: 'Who did what: claims, transfers and closes, settings, the team, sign-ins, and exports and erasures of visitor data.',
  actor: 'Agent',
  action: 'Action',
  anyActor: 'Everyone',
  anyAction: 'All actions',
  time: 'Time',
  target: 'Target',
  details: 'Details',
  loadMore: 'Load more',
  loading: 'Loading…',
  empty: 'Nothing recorded yet.',
  count: '{n} shown',
  visitorData: 'Visitor data',
  visitorDataHelp: 'For a request under data protection law (GDPR): everything stored about this visitor.',
  export: 'Export data (JSON)',
  erase: 'Erase visitor data…',
  eraseConfirm: 'Erase every conversation, message, rating and detail of this visitor? This cannot be undone.',
  eraseYes: 'Erase permanently',
  cancel: 'Cancel',
  erased: 'Erased {conversations} conversations and {messages} messages of visitor {visitor}.',
  actions: {
    'agent.logged_in': 'Signed in',
    'agent.logged_out': 'Signed out',
    'conversation.claimed': 'Claimed a conversation',
    'conversation.transferred': 'Transferred a conversation',
    'conversation.handed_back': 'Handed a conversation back to the AI',
    'conversation.reopened': 'Reopened a conversation',
    'conversation.closed': 'Closed a conversation',
    'conversation.labelled': 'Changed a conversation\'s labels',
    'agent.created': 'Added an agent',
    'agent.updated': 'Changed an agent',
    'agent.deactivated': 'Deactivated an agent',
    'agent.reactivated': 'Reactivated an agent',
    'settings.routing_changed': 'Changed routing settings',
    'settings.welcome_changed': 'Changed the greeting and starter questions',
    'canned_reply.created': 'Added a canned reply',
    'canned_reply.updated': 'Changed a canned reply',
    'canned_reply.deleted': 'Deleted a canned reply',
    'knowledge.reindexed': 'Re-indexed the knowledge base',
    'knowledge.entry_created': 'Added a knowledge entry',
    'knowledge.entry_updated': 'Edited a knowledge entry',
    'knowledge.entry_deleted': 'Deleted a knowledge entry',
    'visitor.exported': 'Exported visitor data',
    'visitor.erased': 'Erased visitor data',
    'webhook.created': 'Added a webhook',
    'webhook.updated': 'Changed a webhook',
    'webhook.deleted': 'Deleted a webhook',
    'api_token.created': 'Created an API token',
    'api_token.revoked': 'Revoked an API token',
  } satisfies Record<AuditAction, string>,
  targets: {
    conversation: 'Conversation',
    agent: 'Agent',
    visitor: 'Visitor',
    setting: 'Setting',
    canned_reply: 'Canned reply',
    knowledge: 'Knowledge base',
    webhook: 'Webhook',
    api_token: 'API token',
  } satisfies Record<AuditTargetType, string>,
};

export type PrivacyStrings = typeof en;

const zhCN: PrivacyStrings = {
  nav: '审计日志',
  title: '审计日志',
  intro: '谁做了什么：认领、转接和关闭会话，修改设置和团队，登录，以及导出和删除访客数据。',
  actor: '客服',
  action: '操作',
  anyActor: '所有人',
  anyAction: '所有操作',
  time: '时间',
  target: '对象',
  details: '详情',
  loadMore: '加载更多',
  loading: '加载中…',
  empty: '暂无记录。',
  count: '已显示 {n} 条',
  visitorData: '访客数据',
  visitorDataHelp: '用于处理数据保护（GDPR）请求：该访客的全部存储数据。',
  export: '导出数据（JSON）',
  erase: '删除访客数据…',
  eraseConfirm: '删除该访客的所有会话、消息、评价和资料？此操作无法撤销。',
  eraseYes: '永久删除',
  cancel: '取消',
  erased: '已删除访客 {visitor} 的 {conversations} 个会话、{messages} 条消息。',
  actions: {
    'agent.logged_in': '登录',
    'agent.logged_out': '退出登录',
    'conversation.claimed': '认领会话',
    'conversation.transferred': '转接会话',
    'conversation.handed_back': '将会话交还 AI',
    'conversation.reopened': '重新打开会话',
    'conversation.closed': '关闭会话',
    'conversation.labelled': '修改会话标签',
    'agent.created': '添加客服',
    'agent.updated': '修改客服',
    'agent.deactivated': '停用客服',
    'agent.reactivated': '重新启用客服',
    'settings.routing_changed': '修改路由设置',
    'settings.welcome_changed': '修改欢迎语和推荐问题',
    'canned_reply.created': '添加快捷回复',
    'canned_reply.updated': '修改快捷回复',
    'canned_reply.deleted': '删除快捷回复',
    'knowledge.reindexed': '重建知识库索引',
    'knowledge.entry_created': '新增知识条目',
    'knowledge.entry_updated': '编辑知识条目',
    'knowledge.entry_deleted': '删除知识条目',
    'visitor.exported': '导出访客数据',
    'visitor.erased': '删除访客数据',
    'webhook.created': '添加 Webhook',
    'webhook.updated': '修改 Webhook',
    'webhook.deleted': '删除 Webhook',
    'api_token.created': '创建 API 令牌',
    'api_token.revoked': '吊销 API 令牌',
  },
  targets: {
    conversation: '会话',
    agent: '客服',
    visitor: '访客',
    setting: '设置',
    canned_reply: '快捷回复',
    knowledge: '知识库',
    webhook: 'Webhook',
    api_token: 'API 令牌',
  },
};

const TABLES: Record<Locale, PrivacyStrings> = { en, 'zh-CN': zhCN };

/** The console's language: `<html lang>` when the page sets one, else the browser's. */
export function consoleLocale(): Locale {
  return resolveLocale(document.documentElement.lang || navigator.language);
}

export function privacyStrings(locale: Locale = consoleLocale()): PrivacyStrings {
  return TABLES[locale];
}

/** Fills `{name}` placeholders. */
export function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => String(params[key] ?? ''));
}
