import { describe, expect, it } from 'vitest';
import { EMAIL, invalidField } from './visitor-forms.js';

describe('leave-a-message checks', () => {
  it('takes the addresses the server takes', () => {
    for (const ok of ['ann@example.com', 'a.b+c@shop.co.uk', "o'neil@x-y.io", 'ZHANG_san@mail.qq.com']) {
      expect(EMAIL.test(ok), ok).toBe(true);
    }
    for (const bad of ['', 'ann', 'ann@', '@example.com', 'ann@example', 'ann @example.com', 'ann@exa mple.com', 'ann@-x.com', 'ann@x.c']) {
      expect(EMAIL.test(bad), bad).toBe(false);
    }
  });

  it('asks for the email first, then the message', () => {
    expect(invalidField('nope', '')).toBe('email');
    expect(invalidField('ann@example.com', '')).toBe('text');
    expect(invalidField('ann@example.com', 'Where is my order?')).toBe('');
  });
});
