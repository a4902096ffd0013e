import { describe, expect, it } from 'vitest';
import { errorText, eventText, format, pickLanguage, statusText, stringsFor, when } from './i18n.js';

describe('pickLanguage', () => {
  it('prefers the lang attribute, then the page, then the browser', () => {
    expect(pickLanguage('zh-CN', 'en', 'en-US')).toEqual({ locale: 'zh-CN', tag: 'zh-CN' });
    expect(pickLanguage(null, 'zh-Hans', 'en-US')).toEqual({ locale: 'zh-CN', tag: 'zh-Hans' });
    expect(pickLanguage('', '  ', 'zh-TW')).toEqual({ locale: 'zh-CN', tag: 'zh-TW' });
    expect(pickLanguage(null, 'de', 'zh-CN').locale).toBe('en');
    expect(pickLanguage(undefined, undefined, undefined)).toEqual({ locale: 'en', tag: 'en' });
  });
});

describe('strings', () => {
  it('has every English string in Chinese too, none empty, with the same placeholders', () => {
    const en = stringsFor('en');
    const zh = stringsFor('zh-CN');
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(zh[key], key).not.toBe('');
      expect(zh[key].match(/\{\w+\}/g), key).toEqual(en[key].match(/\{\w+\}/g));
    }
  });

  it('words status lines in the visitor language', () => {
    const en = stringsFor('en');
    const zh = stringsFor('zh-CN');
    expect(statusText(en, { status: 'queued', queuePosition: 2 })).toBe("You're #2 in the queue");
    expect(statusText(zh, { status: 'queued', queuePosition: 2 })).toBe('您当前排在第 2 位');
    expect(statusText(en, { status: 'queued' })).toBe(en.queued);
    expect(statusText(en, { status: 'queued', queuePosition: 2, estimatedWaitSeconds: 170 })).toBe(
      "You're #2 in the queue · about 3 min",
    );
    expect(statusText(zh, { status: 'queued', queuePosition: 2, estimatedWaitSeconds: 170 })).toBe(
      '您当前排在第 2 位，预计等待约 3 分钟',
    );
    expect(statusText(en, { status: 'queued', queuePosition: 1, estimatedWaitSeconds: 5 })).toBe(
      "You're #1 in the queue · about 1 min",
    );
    expect(statusText(en, { status: 'assigned', agentName: 'Anna' })).toBe('Anna is here to help');
    expect(statusText(zh, { status: 'closed' })).toBe(zh.closed);
    expect(statusText(en, { status: 'bot' })).toBe('');
    expect(statusText(en, null)).toBe('');
  });

  it('words system events and errors', () => {
    const en = stringsFor('en');
    expect(eventText(en, { type: 'assigned', agentName: 'Anna' })).toBe('Anna joined the conversation');
    expect(eventText(stringsFor('zh-CN'), { type: 'transferred', agentName: 'Li' })).toBe('已转接给 Li');
    expect(eventText(en, { type: 'closed', by: 'agent' })).toBe(en.evClosed);
    // A hand-off says why: only a visitor who asked is told they asked.
    expect(eventText(en, { type: 'queued', reason: 'visitor_request' })).toBe('You asked to talk to a person');
    expect(eventText(en, { type: 'queued', reason: 'ai_unanswered' })).toBe("The assistant couldn't answer, so a person will take over");
    expect(eventText(stringsFor('zh-CN'), { type: 'queued', reason: 'ai_unanswered' })).toBe('AI 助手无法回答，将由人工客服为您服务');
    expect(eventText(en, { type: 'queued', reason: 'rule' })).toBe('A person will take over');
    expect(eventText(en, { type: 'queued' })).toBe('A person will take over');
    expect(errorText(en, 'rate_limited')).toBe(en.errRate);
    expect(errorText(en, 'rate_limited', 31_500, 1_000)).toBe('Too many requests right now. We will try again in 31 s.');
    expect(errorText(en, 'rate_limited', 1_000 + 40 * 60_000, 1_000)).toBe('Too many requests right now. We will try again in 40 min.');
    expect(errorText(stringsFor('zh-CN'), 'rate_limited', 11_000, 1_000)).toBe('当前请求过多，将在 10 秒后自动重试。');
    expect(errorText(en, 'rate_limited', 500, 1_000)).toBe(en.errRate); // the wait is over
    expect(errorText(stringsFor('zh-CN'), 'invalid_payload')).toBe(stringsFor('zh-CN').errInvalid);
    expect(errorText(en, 'internal')).toBe(en.errOther);
    expect(errorText(en, 'origin_not_allowed')).toBe(en.errOrigin);
    expect(errorText(stringsFor('zh-CN'), 'origin_not_allowed')).toBe(stringsFor('zh-CN').errOrigin);
    expect(en.errOrigin).not.toBe(en.errOther);
    expect(errorText(en, 'user_refused')).toBe(en.errUser);
    expect(errorText(stringsFor('zh-CN'), 'user_refused')).toBe(stringsFor('zh-CN').errUser);
  });

  it('fills placeholders', () => {
    expect(format('{name} is typing… {name}', { name: 'Anna' })).toBe('Anna is typing… Anna');
    expect(format('{n} left {missing}', { n: 3 })).toBe('3 left ');
  });
});

describe('when', () => {
  it('says a moment with the weekday, in the visitor language', () => {
    const monday9 = new Date(2025, 0, 6, 9, 0).getTime(); // local time, as the visitor sees it
    expect(when('en', monday9)).toMatch(/^Mon,? 9:00\sAM$/);
    expect(when('zh-CN', monday9)).toMatch(/^周一\s?09:00$/);
  });
});
