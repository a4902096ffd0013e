import { describe, expect, it } from 'vitest';
import type { LabelRule } from '@support-chat/shared';
import { setConsoleLocale } from './i18n/locale.js';
import { blankRule, fromRuleRows, labelIssue, toRuleRows, type LabelRuleRow } from './label-rules-form.js';
import { fromForm, toForm } from './routing-form.js';

const rules: LabelRule[] = [
  { keyword: 'refund', label: 'billing' },
  { attribute: { key: 'plan', value: 'vip' }, label: 'vip' },
];

const row = (patch: Partial<LabelRuleRow>): LabelRuleRow => ({ ...blankRule(), ...patch });

describe('label rules form', () => {
  it('round-trips rules through the rows, and the routing form keeps them', () => {
    const rows = toRuleRows(rules);
    expect(rows).toEqual([
      { when: 'keyword', keyword: 'refund', key: '', value: '', label: 'billing' },
      { when: 'attribute', keyword: '', key: 'plan', value: 'vip', label: 'vip' },
    ]);
    expect(fromRuleRows(rows)).toEqual({ ok: true, rules });
    expect(toRuleRows(undefined)).toEqual([]);

    // Saving the routing page sends the rules back (it used to drop them).
    const settings = {
      assignment: 'auto' as const,
      defaultCapacity: 5,
      disconnectGraceSeconds: 60,
      handoffKeywords: [],
      handoffAttributes: [],
      businessHours: null,
      labelRules: rules,
    };
    expect(fromForm(toForm(settings, 'UTC'))).toEqual({ ok: true, settings });
  });

  it('normalises labels, trims, drops blank rows and repeated rules', () => {
    const result = fromRuleRows([
      row({ keyword: '  退款 ', label: ' Billing Issue ' }),
      row({}),
      row({ when: 'attribute', keyword: 'ignored', key: ' plan ', value: ' VIP ', label: 'ＶＩＰ' }),
      row({ keyword: '退款', label: 'billing-issue' }),
    ]);
    expect(result).toEqual({
      ok: true,
      rules: [
        { keyword: '退款', label: 'billing-issue' },
        { attribute: { key: 'plan', value: 'VIP' }, label: 'vip' },
      ],
    });
  });

  it('says what is wrong with each rule, in the console language', () => {
    const rows = [
      row({ keyword: '', label: 'billing' }),
      row({ keyword: 'refund', label: 'two words!' }),
      row({ when: 'attribute', key: '', value: 'vip', label: 'vip' }),
      row({ keyword: 'x'.repeat(101), label: 'long' }),
      row({ keyword: 'ok', label: 'a'.repeat(33) }),
      row({ keyword: 'ok', label: '' }),
    ];
    expect(fromRuleRows(rows)).toEqual({
      ok: false,
      errors: [
        { index: 0, field: 'keyword', message: 'Write the keyword (at most 100 characters).' },
        { index: 1, field: 'label', message: 'A label has only letters, digits, "-" and "_".' },
        { index: 2, field: 'key', message: 'Write the attribute name (at most 64 characters).' },
        { index: 3, field: 'keyword', message: 'Write the keyword (at most 100 characters).' },
        { index: 4, field: 'label', message: 'A label is at most 32 characters.' },
        { index: 5, field: 'label', message: 'Write the label.' },
      ],
    });
    try {
      setConsoleLocale('zh-CN');
      const zh = fromRuleRows([row({ keyword: 'refund', label: '' })]);
      expect(zh).toEqual({ ok: false, errors: [{ index: 0, field: 'label', message: '请填写标签。' }] });
      // The routing form reports a rule's problem under that rule.
      const form = { ...toForm({ assignment: 'auto', defaultCapacity: 5, disconnectGraceSeconds: 60, handoffKeywords: [], handoffAttributes: [], businessHours: null }, 'UTC'), labelRules: [row({ keyword: 'a' })] };
      expect(fromForm(form)).toEqual({ ok: false, errors: { rule0: '请填写标签。' } });
    } finally {
      setConsoleLocale('en');
    }
  });

  it('refuses more rules than the server keeps', () => {
    const many = Array.from({ length: 101 }, (_, i) => row({ keyword: `k${i}`, label: 'l' }));
    expect(fromRuleRows(many)).toEqual({ ok: false, errors: [{ index: 100, field: 'keyword', message: 'At most 100 label rules.' }] });
  });

  it('names what is wrong with a label the way the server checks it', () => {
    expect(labelIssue('billing')).toBeNull();
    expect(labelIssue('退款')).toBeNull();
    expect(labelIssue('')).toBe('labelEmpty');
    expect(labelIssue('a b')).toBe('labelChars');
    expect(labelIssue('一'.repeat(33))).toBe('labelLong');
  });
});
