import { describe, expect, it } from 'vitest';
import { CATALOG } from './catalog.js';
import { fill, plural, setConsoleLocale, t } from './locale.js';
import { relativeTime, systemEventText } from '../format.js';

type Tree = { readonly [key: string]: string | Tree };

/** Every leaf as `path → words`. */
function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === 'string') out.set(prefix + key, value);
    else for (const [k, v] of leaves(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

const placeholders = (words: string) => [...words.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the console catalog', () => {
  it('has the same keys in English and Chinese, no empty words, and the same placeholders', () => {
    expect(Object.keys(CATALOG).length).toBeGreaterThan(5);
    for (const [module, words] of Object.entries(CATALOG)) {
      const en = leaves(words.en as Tree);
      const zh = leaves(words['zh-CN'] as Tree);
      expect([...zh.keys()].sort(), module).toEqual([...en.keys()].sort());
      for (const [key, text] of [...en, ...zh]) expect(text.trim(), `${module}.${key}`).not.toBe('');
      for (const [key, text] of en) expect(placeholders(zh.get(key)!), `${module}.${key}`).toEqual(placeholders(text));
    }
  });

  it('switches every word, number and count at once', () => {
    try {
      setConsoleLocale('zh-CN');
      expect(t().inbox.tabs.mine).toBe('我的');
      expect(systemEventText({ type: 'transferred', agentName: '王芳' })).toBe('已转接给 王芳');
      expect(relativeTime(Date.now() - 5 * 60_000, Date.now())).toBe('5 分钟前');
      expect(plural(t().reports.ratings, 1)).toBe('1 条评价');
      setConsoleLocale('en');
      expect(plural(t().reports.ratings, 1)).toBe('1 rating');
      expect(plural(t().reports.ratings, 1234)).toBe('1,234 ratings');
      expect(fill(t().shell.notify.waiting, { who: 'Ada' })).toBe('Ada is waiting for a person');
    } finally {
      setConsoleLocale('en');
    }
  });
});
