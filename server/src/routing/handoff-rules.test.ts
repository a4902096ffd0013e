import { describe, expect, it } from 'vitest';
import { matchHandoffRule } from './handoff-rules.js';

const settings = { handoffKeywords: ['refund', '投诉'], handoffAttributes: [{ key: 'plan', value: 'vip' }] };
const fresh = { context: {}, handedOffBefore: false };

describe('hand-off rules', () => {
  it('matches keywords anywhere, ignoring case and width', () => {
    expect(matchHandoffRule(settings, 'I want a REFUND now', fresh)?.detail).toContain('refund');
    expect(matchHandoffRule(settings, 'ＲＥＦＵＮＤ please', fresh)).not.toBeNull();
    expect(matchHandoffRule(settings, '我要投诉你们', fresh)?.detail).toContain('投诉');
    expect(matchHandoffRule(settings, 'Where is my parcel?', fresh)).toBeNull();
  });

  it('matches visitor attributes before the first hand-off only', () => {
    const vip = { context: { attributes: { plan: 'VIP' } }, handedOffBefore: false };
    expect(matchHandoffRule(settings, 'hello', vip)?.detail).toBe("the visitor's plan is vip");
    expect(matchHandoffRule(settings, 'hello', { ...vip, handedOffBefore: true })).toBeNull();
    expect(matchHandoffRule(settings, 'hello', { context: { attributes: { plan: 'free' } }, handedOffBefore: false })).toBeNull();
  });

  it('does nothing without rules', () => {
    expect(matchHandoffRule({ handoffKeywords: [], handoffAttributes: [] }, 'refund', fresh)).toBeNull();
  });
});
