/**
 * What one address, visitor, account or device may do before it is told to wait (issue 11), unless
 * the environment says otherwise (config.ts, README "Configuration"). An address stands for
 * everyone behind it (a corporate NAT, a mobile carrier, a school), so the per-address figures are
 * sized for a busy site whose visitors share one: far above what people do, far below a flood
 * (one address had opened 3,000 sockets in 2.3 s and 1,000 conversations in 6.6 s).
 */
export const DEFAULT_LIMITS = {
  /** New socket connections per address per minute, counted across processes. */
  connectionsPerAddressPerMinute: 300,
  /** Sockets one address may hold open on one process; past twice this, refused before the WebSocket handshake. */
  openSocketsPerAddress: 500,
  /** New visitors (signed visitor tokens minted) per address per hour. */
  newVisitorsPerAddressPerHour: 500,
  /** New conversations per address per hour. */
  conversationsPerAddressPerHour: 200,
  /** New conversations per visitor per hour (one visitor starts one after another only once each is closed). */
  conversationsPerVisitorPerHour: 10,
  /** Failed logins per account per 15 minutes from devices it has not signed in on, from every address. */
  loginFailuresPerAccount: 10,
  /** Failed logins per address per 15 minutes across accounts (password spraying), from unknown devices. */
  loginFailuresPerAddress: 30,
  /** Failed logins per known device (its signed cookie) per 15 minutes. */
  loginFailuresPerDevice: 10,
  /** REST API requests per API token per minute, across processes (issue 13). */
  apiRequestsPerTokenPerMinute: 600,
  /** Files a visitor may send per hour (issue 13): a photo or two per question, never a dump. */
  uploadsPerVisitorPerHour: 30,
  /** Files sent per address per hour, across visitors (one address stands for everyone behind it). */
  uploadsPerAddressPerHour: 200,
} as const;

export type FloodLimits = { -readonly [K in keyof typeof DEFAULT_LIMITS]: number };

/** The login limits' window. */
export const LOGIN_WINDOW_SECONDS = 15 * 60;
