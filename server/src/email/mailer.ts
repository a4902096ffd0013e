/** One email as the outbox hands it to a transport: plain text and a simple HTML part. */
export interface OutgoingMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  replyTo?: string;
  /**
   * The same for every attempt of one outbox email (`<id@host>`): should an attempt be accepted
   * but its outcome lost (the process died before recording it), a receiver can tell the retry
   * is the same message.
   */
  messageId: string;
}

/**
 * Sends one email: resolves once the server accepted it, rejects with the server's answer
 * (`responseCode`: 4xx is worth trying again, 5xx is not). `main.ts` chooses the SMTP transport
 * (smtp-mailer.ts); the domain only sees this.
 */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): Promise<void>;
}

/** 5xx: the server refused for good (no such mailbox, rejected content); anything else may pass later. */
export function isPermanentFailure(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}
