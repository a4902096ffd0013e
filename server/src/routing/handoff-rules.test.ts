import { describe, expect, it } from 'vitest';
import { matchHandoffRule } from './handoff-rules.js';

const settings = { handoffKeywords: ['refund', '投诉'], handoffAttributes: [{ key: 'plan', value: 'vip' }] };
const fresh = { context: {}, handedOffBefore: false };

describe('hand-off rules', () => {
  it('matches keywords anywhere, ignoring case and width', () => {
    expect(matchHandoffRule(settings, 'I want a REFUND now', fresh)).toEqual({ keyword: 'refund' });
    expect(matchHandoffRule(settings, 'ＲＥＦＵＮＤ please', fresh)).not.toBeNull();
    expect(matchHandoffRule(settings, '我要投诉你们', fresh)).toEqual({ keyword: '投诉' });
    expect(matchHandoffRule(settings, 'Where is my parcel?', fresh)).toBeNull();
  });

  it("matches the signed user's attributes before the first hand-off only", () => {
    const signed = (plan: string) => ({ userId: 'u1', attributes: { plan } });
    const vip = { context: { verified: signed('VIP') }, handedOffBefore: false };
    expect(matchHandoffRule(settings, 'hello', vip)).toEqual({ attribute: 'plan', value: 'vip' });
    expect(matchHandoffRule(settings, 'hello', { ...vip, handedOffBefore: true })).toBeNull();
    expect(matchHandoffRule(settings, 'hello', { context: { verified: signed('free') }, handedOffBefore: false })).toBeNull();
  });

  it('never matches attributes the page sent unsigned (anyone can send plan=vip)', () => {
    expect(matchHandoffRule(settings, 'hello', { context: { attributes: { plan: 'VIP' } }, handedOffBefore: false })).toBeNull();
    const forged = { attributes: { plan: 'VIP' }, verified: { userId: 'u1', attributes: { plan: 'free' } } };
    expect(matchHandoffRule(settings, 'hello', { context: forged, handedOffBefore: false })).toBeNull();
  });

  it('does nothing without rules', () => {
    expect(matchHandoffRule({ handoffKeywords: [], handoffAttributes: [] }, 'refund', fresh)).toBeNull();
  });
});
