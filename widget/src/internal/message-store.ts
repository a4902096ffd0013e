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

  /** The highest seq seen in a conversation (0 when none): what `resume` asks to continue from. */
  lastSeq(conversationId: string | undefined): number {
    let max = 0;
    for (const m of this.list) if (m.conversationId === conversationId && m.seq > max) max = m.seq;
    return max;
  }

  hasClientId(clientId: string): boolean {
    return this._clientIds.has(clientId);
  }
}
