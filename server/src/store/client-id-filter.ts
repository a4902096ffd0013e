/**
 * Which client ids each conversation already stored, kept by the SQLite writer so that a send
 * need not look its client id up in an index, and the messages table need not keep one.
 *
 * Why: the unique index on (conversation, sender, client id) put every new message at a random
 * page of that index (client ids are random), and each such page was one more 4 KB frame in the
 * WAL of every commit, copied again by the checkpoint: with many conversations at once, half the
 * frames of a commit (relay bench: 110 of 220 per commit, the writer thread 89–95 µs per message
 * with it, 63–82 µs without).
 *
 * A conversation's entry is every (sender, client id) of its stored messages, as 32-bit hashes,
 * read once from the table when the conversation is first seen (after a start or an eviction)
 * and added to after each insert. A miss proves the id is new: every stored message of a loaded
 * conversation is in its set. A hit may be a collision, or a message whose transaction rolled
 * back: the caller confirms it against the rows. The single writer connection makes this true;
 * no other connection inserts messages (sqlite-store.ts: one writer, the data directory locked).
 */

/** (sender id, client id) pairs of one conversation's stored messages. */
export type ClientIdsOf = (conversationId: string) => Iterable<readonly [senderId: string, clientId: string]>;

/** Conversations kept at most; the least recently used leave first (and are read again if they come back). */
const MAX_CONVERSATIONS = 10_000;

/** FNV-1a over the sender, a separator no id contains, and the client id. */
function hashOf(senderId: string, clientId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < senderId.length; i++) hash = Math.imul(hash ^ senderId.charCodeAt(i), 0x01000193);
  hash = Math.imul(hash ^ 0, 0x01000193);
  for (let i = 0; i < clientId.length; i++) hash = Math.imul(hash ^ clientId.charCodeAt(i), 0x01000193);
  return hash;
}

export class ClientIdFilter {
  /** In least recently used order (a Map keeps insertion order; a use moves the entry last). */
  private readonly conversations = new Map<string, Set<number>>();

  constructor(
    private readonly stored: ClientIdsOf,
    private readonly maxConversations = MAX_CONVERSATIONS,
  ) {}

  /** False: no stored message of this conversation has this sender and client id. True: check the rows. */
  mayHave(conversationId: string, senderId: string, clientId: string): boolean {
    return this.hashesOf(conversationId).has(hashOf(senderId, clientId));
  }

  /**
   * After a message with this client id was inserted (in the transaction about to commit). The
   * append asked `mayHave` just before, which loaded the conversation and made it the most recent:
   * no second move in the recency order.
   */
  add(conversationId: string, senderId: string, clientId: string): void {
    (this.conversations.get(conversationId) ?? this.hashesOf(conversationId)).add(hashOf(senderId, clientId));
  }

  /** How many conversations are held (tests). */
  get size(): number {
    return this.conversations.size;
  }

  private hashesOf(conversationId: string): Set<number> {
    let hashes = this.conversations.get(conversationId);
    if (hashes) {
      this.conversations.delete(conversationId);
    } else {
      hashes = new Set();
      for (const [senderId, clientId] of this.stored(conversationId)) hashes.add(hashOf(senderId, clientId));
      if (this.conversations.size >= this.maxConversations) {
        this.conversations.delete(this.conversations.keys().next().value!);
      }
    }
    this.conversations.set(conversationId, hashes);
    return hashes;
  }
}
