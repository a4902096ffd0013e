import { describe, expect, it, vi } from 'vitest';
import type { PropertyValues } from 'lit';
import { SupportConsoleComposer } from './composer.js';

/** `updated` as Lit calls it, without a DOM (the element is never connected). */
function updatedAfter(changed: Record<string, unknown>, now: { conversationId: string; mine: boolean; replyBlocked: string }, { byKey = false } = {}) {
  const composer = new SupportConsoleComposer();
  Object.assign(composer, now);
  if (byKey) composer.claimingByKey();
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

  it('leaves it alone when the `c` shortcut claimed: the next key is a shortcut too (its `r` went to the visitor)', () => {
    const claimed = { mine: false, replyBlocked: 'Claim this conversation to reply.' };
    const now = { conversationId: 'a', mine: true, replyBlocked: '' };
    expect(updatedAfter(claimed, now, { byKey: true })).not.toHaveBeenCalled();
    // Once: the next claim, by a click, takes it again.
    const composer = new SupportConsoleComposer();
    Object.assign(composer, now);
    composer.claimingByKey();
    const focus = vi.spyOn(composer, 'focus').mockImplementation(() => {});
    const update = (composer as unknown as { updated(c: PropertyValues): void }).updated.bind(composer);
    update(new Map(Object.entries(claimed)));
    update(new Map(Object.entries(claimed)));
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

describe('composer drafts', () => {
  /** Lit's willUpdate for a move to another conversation, without a DOM. */
  function opener(composer: SupportConsoleComposer) {
    return (conversationId: string) => {
      const previous = composer.conversationId;
      composer.conversationId = conversationId;
      (composer as unknown as { willUpdate(c: PropertyValues): void }).willUpdate(new Map([['conversationId', previous]]));
    };
  }

  it("keeps each conversation's mode with its draft: a note begun in one never comes back as a reply in another", () => {
    const composer = new SupportConsoleComposer();
    vi.spyOn(composer, 'focus').mockImplementation(() => {});
    const open = opener(composer);
    open('conv-a');
    composer.text = 'Let me check your order.';
    open('conv-b');
    composer.write('note');
    composer.text = 'Note: speaks Chinese, find a zh speaker';
    open('conv-a');
    expect([composer.mode, composer.text]).toEqual(['text', 'Let me check your order.']);
    open('conv-b');
    expect([composer.mode, composer.text]).toEqual(['note', 'Note: speaks Chinese, find a zh speaker']);
    // A note sent (the box empties), then another conversation: a reply there, not a note.
    composer.text = '';
    open('conv-c');
    expect(composer.mode).toBe('text');
    open('conv-b');
    expect([composer.mode, composer.text]).toEqual(['text', '']);
  });

  it('never merges an AI draft into a half-written note (Enter would send the note to the visitor)', () => {
    const composer = new SupportConsoleComposer();
    vi.spyOn(composer, 'focus').mockImplementation(() => {});
    vi.spyOn(composer, 'dispatchEvent').mockImplementation(() => true);
    opener(composer)('conv-d');
    composer.write('note');
    composer.text = 'Speaks Chinese, find a zh speaker';
    composer.draft = { status: 'ready', conversationId: 'conv-d', text: 'Hello! Returns are free.', sources: [] } as unknown as SupportConsoleComposer['draft'];
    (composer as unknown as { willUpdate(c: PropertyValues): void }).willUpdate(new Map([['draft', null]]));
    expect([composer.mode, composer.text]).toEqual(['note', 'Speaks Chinese, find a zh speaker']);
    // An empty box in note mode takes it, as a reply.
    composer.text = '';
    (composer as unknown as { willUpdate(c: PropertyValues): void }).willUpdate(new Map([['draft', null]]));
    expect([composer.mode, composer.text]).toEqual(['text', 'Hello! Returns are free.']);
  });
});
