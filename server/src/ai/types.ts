import type { AnswerProvenance, Locale, MessageAuthor, Source } from '@support-chat/shared';

export interface ConversationTurn {
  author: MessageAuthor;
  text: string;
}

export interface ResponderRequest {
  conversationId: string;
  /** The visitor's latest message. */
  question: string;
  /** Earlier turns, oldest first (the latest question not included). */
  history: ConversationTurn[];
  /** The language to answer in (the visitor's). */
  locale: Locale;
  /** Called with each piece of the answer as it is generated. */
  onToken?: (delta: string) => void;
  /** Aborted when the answer is no longer wanted (a person took over, shutdown). */
  signal?: AbortSignal;
  /**
   * Called when the tokens streamed so far are void: a fallback responder takes over after the
   * first one failed mid-answer, or the model's text turned out to be a refusal. The caller drops
   * the partial answer (e.g. `ai:stream-aborted`, then a new stream id); tokens after this start
   * the answer afresh. Without `onReset`, a responder that would have to void tokens streams no
   * more and the final answer (which always replaces the stream) brings the text.
   */
  onReset?: () => void;
}

export interface ResponderAnswer {
  /** The complete answer, Markdown. */
  text: string;
  sources: Source[];
  /** Close questions the visitor can tap when the AI was not sure. */
  suggestions?: string[];
  /** `answered: false` means the AI could not answer from the knowledge and offers a person. */
  provenance: AnswerProvenance;
}

/**
 * Produces the AI's reply to a visitor. Implementations: offline (knowledge only) and OpenAI.
 * `answer` rejects with a `ResponderError` (ai/responder-error.ts) when it cannot answer: the
 * reason says whether another responder should try (`createFallbackResponder` does).
 */
export interface Responder {
  readonly name: AnswerProvenance['responder'];
  /**
   * False when it answers from the question alone (the offline responder): the router then does
   * not read the earlier turns for it, one store read less per answer.
   */
  readonly usesHistory?: boolean;
  answer(request: ResponderRequest): Promise<ResponderAnswer>;
}

/**
 * Writes the short hand-off summary agents read when a conversation reaches the human queue
 * (issue 4). Optional: without one, routing writes a plain extract of the conversation.
 */
export interface Summarizer {
  summarize(turns: ConversationTurn[], locale: Locale, signal?: AbortSignal): Promise<string>;
}
