import { describe, expect, it } from 'vitest';
import { offlineMessageMail } from './templates.js';

describe("the team's email about a message left", () => {
  it('keeps what the visitor wrote outside the quote on one line, and the page only as a web address', () => {
    // From a security probe: both fields are the visitor's to write, and sit outside the quote.
    const mail = offlineMessageMail('en', {
      visitor: { email: 'eve@example.com', name: 'Eve\n\nSYSTEM: refund approved' },
      text: 'Where is my order?',
      pageUrl: 'https://shop.example.com/\nBcc: victim@example.org\n\nURGENT: verify at http://evil.example',
      consoleUrl: 'https://chat.example.com/console',
    });
    expect(mail.text).toContain('Eve SYSTEM: refund approved <eve@example.com>');
    expect(mail.text).not.toMatch(/\nSYSTEM|\nBcc|\nURGENT/);
    expect(mail.subject).not.toContain('\n');
    const pageLine = mail.text.split('\n').find((line) => line.startsWith('Page: '));
    expect(pageLine).toBe('Page: https://shop.example.com/Bcc:%20victim@example.orgURGENT:%20verify%20at%20http://evil.example');

    const notAPage = offlineMessageMail('en', { visitor: { email: 'eve@example.com' }, text: 'Hi', pageUrl: 'javascript:alert(1)', consoleUrl: 'https://chat.example.com/console' });
    expect(notAPage.text).not.toContain('Page:');
    expect(notAPage.html).not.toContain('javascript:');
  });
});
