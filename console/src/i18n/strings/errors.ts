import type { ErrorCode } from '@support-chat/shared';
import { defineStrings } from '../define.js';

/** A server's refusal by its code (`errorText`): what an agent reads when the language is not English. */
export const errors = defineStrings(
  {
    invalid_payload: 'That was not accepted: check what you entered.',
    unauthorized: 'You are not signed in.',
    forbidden: 'You are not allowed to do this.',
    origin_not_allowed: 'This site is not allowed.',
    user_refused: 'The signed user token was refused.',
    not_found: 'It no longer exists.',
    invalid_state: 'That is not possible right now (someone may have changed it meanwhile).',
    // Both meanings the server has for it: a name or shortcut taken, and a teammate first (a claim, a review).
    conflict: 'That clashes with what is already there: it exists, or a teammate got there first.',
    rate_limited: 'Too many requests. Wait a moment and try again.',
    too_large: 'That is too large.',
    unsupported_type: 'That kind of file is not accepted.',
    too_many: 'There are too many of those already.',
    unavailable: 'The server is not reachable right now.',
    store_unavailable: 'The server cannot save anything right now. Try again in a moment.',
    internal: 'Something went wrong on the server.',
  } satisfies Record<ErrorCode, string>,
  {
    invalid_payload: '提交的内容无效，请检查后重试。',
    unauthorized: '您尚未登录。',
    forbidden: '您没有执行此操作的权限。',
    origin_not_allowed: '该网站未被允许使用。',
    user_refused: '已签名的用户令牌被拒绝。',
    not_found: '该内容已不存在。',
    invalid_state: '当前无法执行此操作（可能已被他人更改）。',
    conflict: '与现有内容冲突：该内容已存在，或已有同事抢先处理。',
    rate_limited: '请求过于频繁，请稍后再试。',
    too_large: '内容过大。',
    unsupported_type: '不支持该文件类型。',
    too_many: '数量已达上限。',
    unavailable: '暂时无法连接服务器。',
    store_unavailable: '服务器暂时无法保存，请稍后再试。',
    internal: '服务器出错了。',
  },
);
