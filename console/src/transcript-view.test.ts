import { describe, expect, it } from 'vitest';
import type { PropertyValues } from 'lit';
import { SupportConsoleTranscript } from './transcript-view.js';
import { emptyTranscript } from './transcript-state.js';

/** What `willUpdate` decides about scrolling, read without a DOM (the element is never connected). */
type Probe = { stickToEnd: boolean; willUpdate(changed: PropertyValues): void };

function scrolledUp(conversationId: string): { el: SupportConsoleTranscript; probe: Probe } {
  const el = new SupportConsoleTranscript();
  el.transcript = emptyTranscript(conversationId);
  const probe = el as unknown as Probe;
  probe.stickToEnd = false;
  return { el, probe };
}

describe('transcript scrolling', () => {
  it('leaves an agent reading back where they are when only the "Seen" marker moves', () => {
    const { probe } = scrolledUp('c1');
    probe.willUpdate(new Map([['seenSeq', 3]]));
    expect(probe.stickToEnd).toBe(false);
  });

  it('leaves them there when the same conversation gets a new message', () => {
    const { probe } = scrolledUp('c1');
    probe.willUpdate(new Map([['transcript', emptyTranscript('c1')]]));
    expect(probe.stickToEnd).toBe(false);
  });

  it('starts at the end of another conversation', () => {
    const { el, probe } = scrolledUp('c1');
    el.transcript = emptyTranscript('c2');
    probe.willUpdate(new Map([['transcript', emptyTranscript('c1')]]));
    expect(probe.stickToEnd).toBe(true);
  });
});
