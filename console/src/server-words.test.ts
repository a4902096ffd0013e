/** What the server sends (its notes, its errors), in the console's language. */
import { describe, expect, it } from 'vitest';
import { systemNoteMarkdown, type SystemNote } from '@support-chat/shared';
import { t } from './i18n/locale.js';

describe("the server's notes in the console", () => {
  const handoff: SystemNote = { type: 'handoff', reason: 'visitor_request', asked: ['发票怎么开？'], tried: [{ text: '抱歉，没有找到。', sources: [], answered: false }] };

  it('are worded in Chinese in a Chinese console, with no English left', () => {
    const zh = systemNoteMarkdown(handoff, t('zh-CN').notes);
    expect(zh).toBe('**转人工：**访客要求人工服务。\n\n**访客的问题：**\n- “发票怎么开？”\n\n**AI 的回答：**\n- 无法回答：“抱歉，没有找到。”');
    const requeued = systemNoteMarkdown({ type: 'requeued', agentName: 'Mei', cause: 'deactivated' }, t('zh-CN').notes);
    expect(requeued.replace('Mei', '')).not.toMatch(/[A-Za-z]/);
  });

});

describe('errors in Chinese', () => {
  it("word the code, and for a refused form keep the server's sentence that names the field", async () => {
    const { errorText, setConsoleLocale } = await import('./i18n/locale.js');
    setConsoleLocale('zh-CN');
    try {
      expect(errorText({ code: 'invalid_payload', message: 'zh-CN.starters: must not repeat a starter question' })).toBe(
        `${t('zh-CN').errors.invalid_payload}（zh-CN.starters: must not repeat a starter question）`,
      );
      expect(errorText({ code: 'forbidden', message: 'Admins only' })).toBe(t('zh-CN').errors.forbidden);
      // A claim a teammate won is a conflict too: not "it already exists" (what a probe's agent read).
      expect(errorText({ code: 'conflict', message: 'Another agent is already handling this conversation.' })).toMatch(/已有同事抢先处理/);
    } finally {
      setConsoleLocale('en');
    }
  });
});
