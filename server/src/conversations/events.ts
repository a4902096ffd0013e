import type { AgentPresence, Availability, ChatMessage, HandoffReason, HandoffRuleMatch } from '@support-chat/shared';
import type { ConversationRecord } from '../store/types.js';

export interface AiStreamEvent {
  conversationId: string;
  visitorId: string;
  streamId: string;
}

/** What the domain announces; the realtime layer turns these into socket events. */
export interface DomainEvents {
  /**
   * `origin`: an opaque id of the connection that sent it (its socket id), which has the message
   * in its acknowledgement already and is not sent it again.
   */
  messageCreated: (message: ChatMessage, conversation: ConversationRecord, origin?: string) => void;
  conversationChanged: (conversation: ConversationRecord) => void;
  /** A conversation was created (also announced as `conversationChanged`): webhooks hear it. */
  conversationCreated: (conversation: ConversationRecord) => void;
  /** The visitor rated their closed conversation (also announced as `conversationChanged`). */
  conversationRated: (conversation: ConversationRecord) => void;
  /** A stored message changed (the visitor rated an AI answer). */
  messageUpdated: (message: ChatMessage) => void;
  aiToken: (event: AiStreamEvent & { delta: string; at: number }) => void;
  aiStreamAborted: (event: AiStreamEvent) => void;
  /** The conversation entered the human queue from the AI (not a requeue): routing writes the note. */
  handedOff: (event: { conversation: ConversationRecord; reason: HandoffReason; rule?: HandoffRuleMatch; detail?: string }) => void;
  /** Read receipts moved (agents only need to hear it; nothing else changed). */
  readStateChanged: (conversation: ConversationRecord) => void;
  /** Whether visitors can reach a person now changed. */
  availabilityChanged: (availability: Availability) => void;
  /** A teammate's status or load changed. */
  presenceChanged: (presence: AgentPresence) => void;
  /** A conversation's labels changed (issue 13): agents only, the visitor never sees labels. */
  labelsChanged: (conversation: ConversationRecord) => void;
  /** What the visitor's page tells of them (the page, attributes) changed: agents only, in the visitor panel. */
  contextChanged: (conversation: ConversationRecord) => void;
  /** An admin erased a visitor's data (GDPR): these conversations no longer exist. */
  visitorErased: (event: { visitorId: string; conversationIds: string[] }) => void;
}

type Listeners = { [K in keyof DomainEvents]: Set<DomainEvents[K]> };

/**
 * A tiny typed event bus. Listeners run synchronously; one listener's exception is reported and
 * does not stop the others (a broken socket must not lose a stored message's fan-out).
 */
export class DomainEventBus {
  private readonly listeners: Listeners = {
    messageCreated: new Set(),
    conversationChanged: new Set(),
    conversationCreated: new Set(),
    conversationRated: new Set(),
    messageUpdated: new Set(),
    aiToken: new Set(),
    aiStreamAborted: new Set(),
    handedOff: new Set(),
    readStateChanged: new Set(),
    availabilityChanged: new Set(),
    presenceChanged: new Set(),
    visitorErased: new Set(),
    labelsChanged: new Set(),
    contextChanged: new Set(),
  };

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  on<K extends keyof DomainEvents>(event: K, listener: DomainEvents[K]): () => void {
    (this.listeners[event] as Set<DomainEvents[K]>).add(listener);
    return () => (this.listeners[event] as Set<DomainEvents[K]>).delete(listener);
  }

  emit<K extends keyof DomainEvents>(event: K, ...args: Parameters<DomainEvents[K]>): void {
    for (const listener of this.listeners[event] as Set<(...a: Parameters<DomainEvents[K]>) => void>) {
      try {
        listener(...args);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}
