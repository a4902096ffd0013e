import { describe, expect, it, vi } from 'vitest';
import type { PropertyValues } from 'lit';
import { SupportConsoleComposer } from './composer.js';

/** `updated` as Lit calls it, without a DOM (the element is never connected). */
function updatedAfter(changed: Record<string, unknown>, now: { conversationId: string; mine: boolean; replyBlocked: string }) {
  const composer = new SupportConsoleComposer();
  Object.assign(composer, now);
  const focus = vi.spyOn(composer, 'focus').mockImplementation(() => {});
  (composer as unknown as { updated(c: PropertyValues): void }).updated(new Map(Object.entries(changed)));
  return focus;
}

describe('composer focus', () => {
  it('takes the focus when claiming makes the open conversation writable', () => {
    const focus = updatedAfter(
      { mine: false, replyBlocked: 'Claim this conversation to reply.' },
      { conversationId: 'a', mine: true, replyBlocked: '' },
    );
    expect(focus).toHaveBeenCalledOnce();
  });

  it('leaves it alone when the connection comes back to a conversation already theirs', () => {
    const focus = updatedAfter(
      { replyBlocked: 'Reconnecting… You can reply once the console is back online.' },
      { conversationId: 'a', mine: true, replyBlocked: '' },
    );
    expect(focus).not.toHaveBeenCalled();
  });

  it('leaves it alone when the agent moves on to a conversation they may write in (j / k keep working)', () => {
    const focus = updatedAfter(
      { conversationId: 'a', mine: false, replyBlocked: 'Claim this conversation to reply.' },
      { conversationId: 'b', mine: true, replyBlocked: '' },
    );
    expect(focus).not.toHaveBeenCalled();
  });
});
