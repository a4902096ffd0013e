import type { ChatMessage } from '@support-chat/shared';

/**
 * The messages a client has seen, in order: conversations in the order they were first seen,
 * messages by `seq` within each. The same message can arrive several times (the ack of a send,
 * the `message:created` broadcast, a resume after a reconnect); it is kept once, matched by `id`
 * and by `clientId`.
 */
export class MessageStore {
  /** Sorted; replaced (never mutated) on every change, so views can compare by identity. */
  list: readonly ChatMessage[] = [];
  private _ids = new Set<string>();
  private _clientIds = new Set<string>();
  private _conversations: string[] = [];
  /** Per conversation: every seq up to this one is held or is one visitors never see (a note). */
  private _settled = new Map<string, number>();

  /** Adds the messages not seen yet and returns them (in the order given). */
  add(incoming: readonly ChatMessage[]): ChatMessage[] {
    const added: ChatMessage[] = [];
    for (const m of incoming) {
      if (this._ids.has(m.id) || (m.clientId && this._clientIds.has(m.clientId))) continue;
      this._ids.add(m.id);
      if (m.clientId) this._clientIds.add(m.clientId);
      if (!this._conversations.includes(m.conversationId)) this._conversations.push(m.conversationId);
      added.push(m);
    }
    if (added.length) {
      const rank = (m: ChatMessage) => this._conversations.indexOf(m.conversationId);
      this.list = [...this.list, ...added].sort((a, b) => rank(a) - rank(b) || a.seq - b.seq);
    }
    return added;
  }

  /** Replaces a message already held (same id), e.g. once the visitor rated it. */
  put(m: ChatMessage): void {
    if (this._ids.has(m.id)) this.list = this.list.map((x) => (x.id === m.id ? m : x));
  }

  /**
   * A resume answered everything after its `afterSeq` through `seq`: a seq in that range the
   * visitor does not hold is one they never see (an internal note), not a message missed.
   */
  settle(conversationId: string, seq: number): void {
    if (seq > (this._settled.get(conversationId) ?? 0)) this._settled.set(conversationId, seq);
  }

  /**
   * Where a resume continues from: the end of the unbroken run of seqs held or settled. Not the
   * highest seq held: with several server processes a message can arrive (the visitor's own ack)
   * before one with a lower seq sent through another process; had the socket dropped between,
   * resuming after the highest would skip that one for good (issue 10, found by the chaos test).
   */
  resumeFrom(conversationId: string | undefined): number {
    if (!conversationId) return 0;
    const held = new Set(this.list.filter((m) => m.conversationId === conversationId).map((m) => m.seq));
    let seq = this._settled.get(conversationId) ?? 0;
    while (held.has(seq + 1)) seq++;
    return seq;
  }

  /** The highest seq seen in a conversation (0 when none): what the visitor has read up to. */
  lastSeq(conversationId: string | undefined): number {
    let max = 0;
    for (const m of this.list) if (m.conversationId === conversationId && m.seq > max) max = m.seq;
    return max;
  }

  hasClientId(clientId: string): boolean {
    return this._clientIds.has(clientId);
  }
}
