import { describe, expect, it } from 'vitest';
import { wantsHuman } from './handoff-intent.js';

describe('wantsHuman', () => {
  it.each([
    'I want to talk to a person',
    'Can I speak with someone please?',
    'connect me to a real human',
    'human please',
    'Agent!',
    'I need a live agent',
    'let me chat with customer service',
    'get me a representative',
    '转人工',
    '我要转人工客服',
    '人工',
    '找客服',
    '我想找个真人聊聊',
    '客服',
    '人工客服',
    '在线客服',
    '客服在吗？',
    '有人吗？',
    '轉人工',
    '请真人客服回复',
    'can I talk to an operator',
    'talk to a humna please',
    'agnet',
    'I need a real persn',
    'get me an operater',
    // The ask first, then why (a probe's visitor got suggested questions instead).
    'human please, my parcel is damaged 😡',
    'Agent! The app keeps crashing',
    '客服！我的包裹坏了',
    'real person please - nothing here helps',
  ])('recognises %j', (text) => {
    expect(wantsHuman(text)).toBe(true);
  });

  it.each([
    'How do I return an item?',
    'How do I add another person to my account?',
    'Is this product safe for people with allergies?',
    'Where is my package?',
    '怎么退货？',
    '退款多久到账？',
    "I don't want to talk to a person, just tell me the price",
    '不用转人工，我自己看看',
    '你们用的是人工智能吗？',
    'Is this agency open on Sunday?',
    'The parcel was urgent',
    '客服电话的号码是多少', // asks for the number: the knowledge base has it
    // A first clause that only mentions a person is not the ask.
    'Person-to-person transfers: how long do they take?',
    'My agent code, where do I find it?',
    '',
  ])('leaves %j to the AI', (text) => {
    expect(wantsHuman(text)).toBe(false);
  });
});
