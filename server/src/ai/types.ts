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

/** Produces the AI's reply to a visitor. Implementations: offline (knowledge only) and OpenAI. */
export interface Responder {
  readonly name: AnswerProvenance['responder'];
  answer(request: ResponderRequest): Promise<ResponderAnswer>;
}
