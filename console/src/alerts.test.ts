import { describe, expect, it } from 'vitest';
import { arrivalText } from './alerts.js';
import { conv } from './test-fixtures.js';

const last = { author: 'visitor' as const, kind: 'text' as const, text: 'Where is my parcel?', createdAt: 5_000 };

describe('arrivalText', () => {
  it('says why the conversation needs the agent', () => {
    const name = { context: { attributes: { name: 'Ada' } } };
    expect(arrivalText(conv('q', { status: 'queued', lastMessage: last, ...name }), 'me')).toEqual({
      title: 'Ada is waiting for a person',
      body: 'Where is my parcel?',
    });
    expect(arrivalText(conv('l', { status: 'queued', leftMessage: { email: 'a@x.io' }, lastMessage: last, ...name }), 'me').title).toBe(
      'Offline message from Ada',
    );
    expect(arrivalText(conv('m', { status: 'assigned', assignedAgentId: 'me', queuedAt: 9_000, lastMessage: last, ...name }), 'me').title).toBe(
      'Ada is now yours',
    );
    expect(arrivalText(conv('m', { status: 'assigned', assignedAgentId: 'me', queuedAt: 1_000, lastMessage: last, ...name }), 'me').title).toBe(
      'Ada wrote',
    );
  });
});
