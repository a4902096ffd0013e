/**
 * The routing page's label rules (issue 13) as plain data: `LabelRule[]` ↔ the rows the form
 * edits, and the checks the server makes (routingSettingsSchema), worded in the console's
 * language before the server has to refuse anything.
 */
import { LABEL_LIMITS, LABEL_PATTERN, normaliseLabel, type LabelRule } from '@support-chat/shared';
import { fill, t } from './i18n/locale.js';

/** One rule as its inputs hold it; `when` picks which of keyword / key+value counts. */
export interface LabelRuleRow {
  when: 'keyword' | 'attribute';
  keyword: string;
  key: string;
  value: string;
  label: string;
}

export type LabelRuleField = 'keyword' | 'key' | 'value' | 'label';

export interface LabelRuleError {
  index: number;
  field: LabelRuleField;
  message: string;
}

/** As the server's schema bounds them. */
export const LABEL_RULE_LIMITS = { rules: 100, keywordChars: 100, keyChars: 64, valueChars: 500 } as const;

export function blankRule(): LabelRuleRow {
  return { when: 'keyword', keyword: '', key: '', value: '', label: '' };
}

export function toRuleRows(rules: readonly LabelRule[] | undefined): LabelRuleRow[] {
  return (rules ?? []).map((rule) =>
    'keyword' in rule
      ? { ...blankRule(), keyword: rule.keyword, label: rule.label }
      : { ...blankRule(), when: 'attribute', key: rule.attribute.key, value: rule.attribute.value, label: rule.label },
  );
}

/** What is wrong with a normalised label (the checks of `labelProblem` in shared, as catalog keys). */
export function labelIssue(label: string): 'labelEmpty' | 'labelLong' | 'labelChars' | null {
  if (label.length === 0) return 'labelEmpty';
  if ([...label].length > LABEL_LIMITS.chars) return 'labelLong';
  if (!LABEL_PATTERN.test(label)) return 'labelChars';
  return null;
}

/** The words for `labelIssue`, in the console's language. */
export function labelIssueText(issue: NonNullable<ReturnType<typeof labelIssue>>): string {
  return fill(t().routing.labelRules.errors[issue], { n: LABEL_LIMITS.chars });
}

const isBlank = (row: LabelRuleRow) => !row.label.trim() && !(row.when === 'keyword' ? row.keyword.trim() : row.key.trim() || row.value.trim());

/** A row's rule, or its first problem. */
function checkRow(row: LabelRuleRow): LabelRule | { field: LabelRuleField; message: string } {
  const e = t().routing.labelRules.errors;
  let rule: LabelRule;
  if (row.when === 'keyword') {
    const keyword = row.keyword.trim();
    if (!keyword || keyword.length > LABEL_RULE_LIMITS.keywordChars) return { field: 'keyword', message: fill(e.keyword, { n: LABEL_RULE_LIMITS.keywordChars }) };
    rule = { keyword, label: '' };
  } else {
    const key = row.key.trim();
    const value = row.value.trim();
    if (!key || key.length > LABEL_RULE_LIMITS.keyChars) return { field: 'key', message: fill(e.key, { n: LABEL_RULE_LIMITS.keyChars }) };
    if (value.length > LABEL_RULE_LIMITS.valueChars) return { field: 'value', message: fill(e.value, { n: LABEL_RULE_LIMITS.valueChars }) };
    rule = { attribute: { key, value }, label: '' };
  }
  const label = normaliseLabel(row.label);
  const issue = labelIssue(label);
  if (issue) return { field: 'label', message: labelIssueText(issue) };
  return { ...rule, label };
}

/** The rules to save (blank rows left out, repeats once), or each row's problem. */
export function fromRuleRows(rows: readonly LabelRuleRow[]): { ok: true; rules: LabelRule[] } | { ok: false; errors: LabelRuleError[] } {
  const rules: LabelRule[] = [];
  const seen = new Set<string>();
  const errors: LabelRuleError[] = [];
  rows.forEach((row, index) => {
    if (isBlank(row)) return;
    const checked = checkRow(row);
    if ('field' in checked) {
      errors.push({ index, ...checked });
      return;
    }
    const id = JSON.stringify(checked);
    if (seen.has(id)) return;
    seen.add(id);
    if (rules.length === LABEL_RULE_LIMITS.rules) {
      errors.push({ index, field: row.when === 'keyword' ? 'keyword' : 'key', message: fill(t().routing.labelRules.errors.tooMany, { n: LABEL_RULE_LIMITS.rules }) });
      return;
    }
    rules.push(checked);
  });
  return errors.length ? { ok: false, errors } : { ok: true, rules };
}
