/**
 * Size and rate bounds of the wire protocol. The server enforces them (schemas, rate limiters);
 * clients use them to stop a visitor before the server has to.
 */
export const LIMITS = {
  /** Characters in one chat message (visitor or agent). */
  messageChars: 4000,
  /** Length of a client-generated message id (the idempotency key). */
  clientIdChars: 64,
  /** Characters in a page URL, referrer or title passed as visitor context. */
  contextUrlChars: 2048,
  contextTitleChars: 300,
  /** Site-supplied visitor attributes (identify()). */
  attributeCount: 30,
  /** A site's signed user token (a JWT, identify verification). */
  userTokenChars: 4096,
  attributeKeyChars: 64,
  attributeValueChars: 500,
  /** Conversations per inbox section page (`inbox:list`); queued ones are never paged. */
  inboxPage: 50,
  /** Messages returned by one history/resume request. */
  historyPage: 500,
  /** Visitor messages per minute per visitor before `rate_limited`. */
  visitorMessagesPerMinute: 20,
  /** Socket events of any kind per 10 seconds per visitor socket (a stranger). */
  socketEventsPer10s: 60,
  /**
   * Socket events per 10 seconds per signed-in agent, across their tabs: staff, sized for a busy
   * agent (replies, typing, read marks, inbox and history calls across many chats), still bounded
   * so a runaway console cannot flood the server.
   */
  agentEventsPer10s: 1000,
  /** The welcome (issue 12), per language: the greeting's characters, the starter questions and theirs. */
  welcomeGreetingChars: 500,
  welcomeStarters: 4,
  welcomeStarterChars: 120,
  /** Agent display name and login fields. */
  nameChars: 80,
  emailChars: 254,
  passwordMinChars: 8,
  passwordMaxChars: 200,
} as const;

/** How long a client waits for an ack before treating the emit as failed (ms). */
export const ACK_TIMEOUT_MS = 10_000;

/** Socket.IO namespaces. */
export const NAMESPACES = {
  visitor: '/visitor',
  agent: '/agent',
} as const;

/**
 * A canned reply's shortcut: letters of any script (with their marks: Thai, Devanagari), digits
 * and "-" (a Chinese team types /发票), lowercased and NFC-normalized by the server; the console's
 * form checks the same pattern (an HTML `pattern`, compiled with `v`).
 */
export const CANNED_SHORTCUT_RULE = { maxLength: 40, pattern: String.raw`[\p{L}\p{N}][\p{L}\p{M}\p{N}\-]{0,39}` } as const;
