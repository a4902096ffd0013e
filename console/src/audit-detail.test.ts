import { afterEach, describe, expect, it } from 'vitest';
import { auditActorName, auditDetailText, auditSettingName } from './audit-detail.js';
import { setConsoleLocale } from './i18n/locale.js';

describe('audit entries in the console language', () => {
  afterEach(() => setConsoleLocale('en'));

  it('word keys, settings, sources, roles and yes/no, keep what people wrote, and leave ids out', () => {
    setConsoleLocale('zh-CN');
    expect(auditDetailText({ changed: ['businessHours', 'labelRules'] })).toBe('修改了：营业时间、标签规则');
    expect(auditDetailText({ added: ['发票'], removed: [], source: 'rule' })).toBe('添加：发票 · 移除：— · 来源：标签规则');
    expect(auditDetailText({ toAgentId: 'a-1', toAgentName: '李娜' })).toBe('转给：李娜');
    expect(auditDetailText({ name: 'Mei', role: 'agent', changed: ['name', 'password'], password: 'changed' })).toBe('名字：Mei · 角色：客服 · 修改了：名字、密码 · 密码：已修改');
    expect(auditDetailText({ agentsManageKnowledge: true })).toBe('客服可管理知识库：是');
    expect(auditActorName({ actor: { id: 'routing-rule', name: 'Routing rule' } })).toBe('分配规则');
    expect(auditSettingName('welcome')).toBe('欢迎语和推荐问题');
    // A key or value from a newer server stays as it came.
    expect(auditDetailText({ somethingNew: 'x', changed: ['newSetting'] })).toBe('somethingNew：x · 修改了：newSetting');
  });

  it('read in English as before, in words', () => {
    expect(auditDetailText({ changed: ['businessHours'], toAgentId: 'a-1', toAgentName: 'Ann' })).toBe('changed: business hours · to: Ann');
    expect(auditActorName({ actor: { id: 'a-1', name: 'Ann' } })).toBe('Ann');
  });
});
