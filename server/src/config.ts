import path from 'node:path';
import net from 'node:net';
import { ATTACHMENT_TYPES, LIMITS, type AttachmentType } from '@support-chat/shared';
import { z } from 'zod';
import { DEFAULT_ANSWER_THRESHOLDS, type AnswerThresholds } from './ai/offline-responder.js';
import { describeZodError } from './errors.js';
import { DEFAULT_LIMITS, type FloodLimits } from './limits.js';
import { normalizeOrigin } from './http/origins.js';

/** Where the repository's bundled assets live, resolved from this file (src/ in dev, dist/ built). */
const repoRoot = path.resolve(import.meta.dirname, '..', '..');

const optionalString = z
  .string()
  .transform((s) => s.trim())
  .optional()
  .transform((s) => (s ? s : undefined));

/** A limit: a whole number ≥ 1, its default from limits.ts. */
const limit = (byDefault: number) => z.coerce.number().int().min(1).max(1e9).default(byDefault);

/** A yes/no variable: `true`/`false` or `1`/`0`. */
const flag = (byDefault: 'true' | 'false') =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(byDefault)
    .transform((v) => v === 'true' || v === '1');

/** What Express's `trust proxy` takes in a list: an address, a subnet, or one of its names. */
function isProxyAddress(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  const family = net.isIP(address ?? '');
  if (!family || rest.length > 0) return false;
  if (bits === undefined) return true;
  if (/^\d{1,3}$/.test(bits)) return Number(bits) >= 1 && Number(bits) <= (family === 4 ? 32 : 128);
  // A netmask (255.255.0.0): IPv4 only, its ones first (proxy-addr refuses any other).
  if (family !== 4 || net.isIP(bits) !== 4) return false;
  const mask = bits.split('.').reduce((n, part) => n * 256 + Number(part), 0);
  const ones = mask.toString(2).replace(/0+$/, '');
  return mask !== 0 && /^1+$/.test(ones) && ones.length + (mask.toString(2).length - ones.length) === 32;
}

const envSchema = z.object({
  // Empty is unset (3000): coerced, it was 0, any free port, unknown to the proxy in front.
  PORT: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z.coerce.number('PORT must be a port number').int('PORT must be a port number').min(0).max(65535).default(3000),
  ),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  KNOWLEDGE_DIR: z.string().default(path.join(repoRoot, 'examples', 'knowledge')),
  DEMO_DIR: z.string().default(path.join(repoRoot, 'examples', 'demo')),
  WIDGET_DIST_DIR: z.string().default(path.join(repoRoot, 'widget', 'dist')),
  /** The agent console's build (its own workspace, console/): served at /console only. */
  CONSOLE_DIST_DIR: z.string().default(path.join(repoRoot, 'console', 'dist')),
  PUBLIC_URL: optionalString.pipe(z.url({ protocol: /^https?$/, error: 'PUBLIC_URL must be an http:// or https:// URL, e.g. https://chat.example.com' }).optional()),
  /** Comma-separated origins whose pages may use the widget; `*` (default) allows any site. */
  ALLOWED_ORIGINS: z.string().default('*'),
  SECRET: optionalString.pipe(z.string().min(32, 'SECRET must be at least 32 characters').optional()),
  /** Signs the site's users (identity verification): the site's server signs a JWT with it. */
  IDENTITY_SECRET: optionalString.pipe(z.string().min(32, 'IDENTITY_SECRET must be at least 32 characters').optional()),
  ADMIN_EMAIL: optionalString.pipe(z.email('ADMIN_EMAIL must be an email address').optional()),
  ADMIN_PASSWORD: optionalString.pipe(
    z.string().min(LIMITS.passwordMinChars, `ADMIN_PASSWORD must be at least ${LIMITS.passwordMinChars} characters`).optional(),
  ),
  OPENAI_API_KEY: optionalString,
  // http(s) only: `localhost:11434` parses as a URL of scheme `localhost:` (a developer's probe).
  OPENAI_BASE_URL: optionalString.pipe(z.url({ protocol: /^https?$/, error: 'OPENAI_BASE_URL must be an http:// or https:// URL, e.g. http://localhost:11434/v1' }).optional()),
  OPENAI_MODEL: z.string().default('gpt-4o-mini'),
  OPENAI_TIMEOUT_MS: z.coerce.number().int().min(1000).max(300_000).default(30_000),
  /** Embeddings model on the same endpoint: dense retrieval fused with BM25 (knowledge/dense.ts). */
  OPENAI_EMBEDDING_MODEL: optionalString,
  /** Re-index when a file in KNOWLEDGE_DIR changes. */
  KNOWLEDGE_WATCH: flag('true'),
  /**
   * The retriever confidence (0–1) from which the offline responder answers with an entry instead
   * of "not found" plus suggestions; English and other entries, and Chinese ones. Lower answers more
   * questions and more of them wrongly: `npm run eval` prints the trade-off (README, "Tuning").
   */
  OFFLINE_ANSWER_MIN_CONFIDENCE: z.coerce.number().min(0).max(1).default(DEFAULT_ANSWER_THRESHOLDS.en),
  OFFLINE_ANSWER_MIN_CONFIDENCE_ZH: z.coerce.number().min(0).max(1).default(DEFAULT_ANSWER_THRESHOLDS.zh),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * `false`, the number of proxies in front (hops), or their addresses / subnets / Express's names
   * (`loopback`, `uniquelocal`…). Never a blanket `true` (issue 11): a client could then write
   * its own X-Forwarded-For and pass as anyone, past the login throttle.
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((raw, ctx): false | number | string[] => {
      const value = raw.trim();
      if (value === '' || value === 'false' || value === '0') return false;
      if (/^\d{1,2}$/.test(value)) return Number(value);
      if (value === 'true') {
        ctx.addIssue({
          code: 'custom',
          message:
            'TRUST_PROXY=true would trust any X-Forwarded-For a client sends: set the number of proxies in front of the server (e.g. 1 for nginx) or their addresses (e.g. loopback or 10.0.0.5)',
        });
        return z.NEVER;
      }
      const list = value.split(',').map((s) => s.trim()).filter(Boolean);
      const wrong = list.find((entry) => !isProxyAddress(entry));
      if (wrong !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `TRUST_PROXY: "${wrong}" is not a number of proxies, an address, a subnet (10.0.0.0/8) or loopback, linklocal, uniquelocal`,
        });
        return z.NEVER;
      }
      return list;
    }),
  /** With REDIS_URL: many processes on PostgreSQL + Redis (issue 10); without both, one process on SQLite. */
  DATABASE_URL: optionalString.pipe(z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// or postgresql:// URL').optional()),
  REDIS_URL: optionalString.pipe(z.string().regex(/^rediss?:\/\//, 'REDIS_URL must be a redis:// or rediss:// URL').optional()),
  /** Every Redis key and channel starts with it, so several sites can share one Redis. */
  REDIS_PREFIX: z.string().min(1).default('support-chat:'),
  /** Email (issue 13): the SMTP server, as one URL or as its parts. */
  SMTP_URL: optionalString.pipe(z.string().regex(/^smtps?:\/\//, 'SMTP_URL must be an smtp:// or smtps:// URL').optional()),
  SMTP_HOST: optionalString,
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  SMTP_USER: optionalString,
  SMTP_PASS: optionalString,
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  SMTP_SECURE: flag('false'),
  MAIL_FROM: optionalString,
  /** Comma-separated addresses that hear of messages left while nobody could chat. */
  MAIL_TEAM: z.string().default(''),
  /** A visitor away this long with an unread reply from the team gets it by email. */
  MAIL_AWAY_MINUTES: z.coerce.number().min(0).max(10_080).default(10),
  /** The page with the widget that emailed links open (default PUBLIC_URL, the demo page). */
  MAIL_LINK_URL: optionalString.pipe(z.url({ protocol: /^https?$/, error: 'MAIL_LINK_URL must be an http:// or https:// URL, e.g. https://shop.example.com/help' }).optional()),
  /** How long an emailed link resumes the conversation. */
  // 0: replies link to MAIL_LINK_URL without a resume token (the address a visitor leaves is not
  // verified: a site may not want a key to the conversation mailed there).
  MAIL_LINK_TTL_HOURS: z.coerce.number().min(0).max(24 * 90).default(72),
  /** Floods and password guessing (issue 11): see limits.ts and the README. */
  LIMIT_CONNECTIONS_PER_ADDRESS_PER_MINUTE: limit(DEFAULT_LIMITS.connectionsPerAddressPerMinute),
  LIMIT_OPEN_SOCKETS_PER_ADDRESS: limit(DEFAULT_LIMITS.openSocketsPerAddress),
  LIMIT_NEW_VISITORS_PER_ADDRESS_PER_HOUR: limit(DEFAULT_LIMITS.newVisitorsPerAddressPerHour),
  LIMIT_CONVERSATIONS_PER_ADDRESS_PER_HOUR: limit(DEFAULT_LIMITS.conversationsPerAddressPerHour),
  LIMIT_CONVERSATIONS_PER_VISITOR_PER_HOUR: limit(DEFAULT_LIMITS.conversationsPerVisitorPerHour),
  LIMIT_LOGIN_FAILURES_PER_ACCOUNT: limit(DEFAULT_LIMITS.loginFailuresPerAccount),
  LIMIT_LOGIN_FAILURES_PER_ADDRESS: limit(DEFAULT_LIMITS.loginFailuresPerAddress),
  LIMIT_LOGIN_FAILURES_PER_DEVICE: limit(DEFAULT_LIMITS.loginFailuresPerDevice),
  LIMIT_API_REQUESTS_PER_TOKEN_PER_MINUTE: limit(DEFAULT_LIMITS.apiRequestsPerTokenPerMinute),
  LIMIT_UPLOADS_PER_VISITOR_PER_HOUR: limit(DEFAULT_LIMITS.uploadsPerVisitorPerHour),
  LIMIT_UPLOADS_PER_ADDRESS_PER_HOUR: limit(DEFAULT_LIMITS.uploadsPerAddressPerHour),
  /** Attachments (issue 13): the largest file, in bytes (default 10 MB). */
  ATTACHMENT_MAX_BYTES: z.coerce.number().int().min(1024).max(1024 * 1024 * 1024).default(10 * 1024 * 1024),
  /** Most files in one conversation. */
  ATTACHMENTS_PER_CONVERSATION: z.coerce.number().int().min(0).max(10_000).default(50),
  /** Comma-separated types accepted, each from the built-in list (default: all of it). */
  ATTACHMENT_TYPES: optionalString,
  /** Where the files are kept (default DATA_DIR/attachments); with several processes, a directory they all share. */
  ATTACHMENTS_DIR: optionalString,
  /** Uploads are refused while they would leave less than this free on the files' disk (MB; 0: never). */
  ATTACHMENTS_MIN_FREE_MB: z.coerce.number().int().min(0).max(1024 * 1024).default(256),
  /** Webhooks to loopback, private and link-local addresses (issue 13): off, so a hook cannot reach inside. */
  WEBHOOK_ALLOW_INTERNAL: flag('false'),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  /** The wait after a delivery's first failure; each next one is 3× longer (at most 12 h). */
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(86_400_000).default(60_000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Delivered and failed webhook deliveries are kept this long in the log, then deleted. */
  WEBHOOK_KEEP_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  knowledgeDir: string;
  demoDir: string;
  widgetDistDir: string;
  consoleDistDir: string;
  publicUrl?: string;
  allowedOrigins: '*' | string[];
  secret?: string;
  /** Verifies the site's signed users (IDENTITY_SECRET); without it, signed users are refused. */
  identitySecret?: string;
  admin?: { email: string; password: string };
  knowledgeWatch: boolean;
  /** OFFLINE_ANSWER_MIN_CONFIDENCE(_ZH): when the offline responder answers rather than suggests. */
  answerThresholds: AnswerThresholds;
  openai?: { apiKey: string; baseURL?: string; model: string; timeoutMs: number; embeddingModel?: string };
  logLevel: string;
  /** Express's `trust proxy`: false, a hop count, or the proxies' addresses. */
  trustProxy: false | number | string[];
  /** What one address, visitor, account or device may do before it is told to wait. */
  limits: FloodLimits;
  /** Webhook deliveries (issue 13): where they may go, how long one waits, how they are retried. */
  webhooks: { allowInternal: boolean; maxAttempts: number; retryBaseMs: number; timeoutMs: number; keepDays: number };
  /** Email (issue 13): set when SMTP_URL or SMTP_HOST is. */
  email?: EmailConfig;
  /** Files in conversations (issue 13): where they are kept, how large, how many, which types. */
  attachments: { dir: string; maxBytes: number; perConversation: number; types: readonly AttachmentType[]; minFreeBytes: number };
  /** Several processes serve one site: PostgreSQL keeps the data, Redis moves presence, timers, limits and events. */
  scaleOut?: { databaseUrl: string; redisUrl: string; redisPrefix: string };
}

export interface SmtpConfig {
  /** `smtp://user:pass@host:port` or `smtps://…` (SMTP_URL), or the parts. */
  url?: string;
  host?: string;
  port?: number;
  user?: string;
  pass?: string;
  secure: boolean;
}

export interface EmailConfig {
  smtp: SmtpConfig;
  from: string;
  team: string[];
  awayMs: number;
  linkUrl: string;
  linkTtlMs: number;
}

/**
 * Settings that start but are likely wrong, for the log at start. An https PUBLIC_URL means a
 * proxy terminates TLS (the server speaks plain HTTP): without TRUST_PROXY every request looks like
 * plain HTTP from the proxy's address, so the console's cookie is not marked Secure and every
 * visitor shares the proxy's rate limits (a security probe saw the cookie without Secure).
 */
export function configWarnings(config: Pick<Config, 'publicUrl' | 'trustProxy'>): string[] {
  const warnings: string[] = [];
  if (config.publicUrl?.startsWith('https:') && config.trustProxy === false) {
    warnings.push(
      'PUBLIC_URL is https but TRUST_PROXY is not set: behind the proxy that serves https, set TRUST_PROXY (1 for one proxy such as nginx), or the console cookie is not marked Secure and every visitor shares the proxy address and its rate limits',
    );
  }
  return warnings;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The only reader of the environment: validates once at start and fails fast with a clear message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`Invalid configuration: ${describeZodError(parsed.error)}`);
  const e = parsed.data;
  if (Boolean(e.ADMIN_EMAIL) !== Boolean(e.ADMIN_PASSWORD)) {
    throw new ConfigError('Invalid configuration: set both ADMIN_EMAIL and ADMIN_PASSWORD, or neither');
  }
  if (e.OPENAI_EMBEDDING_MODEL && !e.OPENAI_API_KEY) {
    throw new ConfigError('Invalid configuration: OPENAI_EMBEDDING_MODEL needs OPENAI_API_KEY (and OPENAI_BASE_URL for a non-OpenAI endpoint)');
  }
  if (e.DATABASE_URL && !e.REDIS_URL) {
    throw new ConfigError(
      'Invalid configuration: DATABASE_URL is set but REDIS_URL is not. Several processes need both: PostgreSQL for the data, ' +
        'Redis for presence, timers, rate limits and live events between processes. Set REDIS_URL (e.g. redis://127.0.0.1:6379), ' +
        'or unset DATABASE_URL to run one process on SQLite in DATA_DIR.',
    );
  }
  if (e.REDIS_URL && !e.DATABASE_URL) {
    throw new ConfigError(
      'Invalid configuration: REDIS_URL is set but DATABASE_URL is not. Several processes need both: Redis for what moves, ' +
        'PostgreSQL for the data they share (SQLite is one process only). Set DATABASE_URL (e.g. postgres://user@127.0.0.1:5432/support_chat), ' +
        'or unset REDIS_URL to run one process on SQLite in DATA_DIR.',
    );
  }
  const email = emailConfig(e);
  const origins = e.ALLOWED_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean);
  const notOrigins = origins.filter((o) => o !== '*' && !normalizeOrigin(o));
  if (notOrigins.length) {
    throw new ConfigError(
      `Invalid configuration: ALLOWED_ORIGINS must list origins such as https://shop.example.com or http://localhost:8080 ` +
        `(scheme, host and port only, no path), or be *; not: ${notOrigins.join(', ')}`,
    );
  }
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    knowledgeDir: path.resolve(e.KNOWLEDGE_DIR),
    demoDir: path.resolve(e.DEMO_DIR),
    widgetDistDir: path.resolve(e.WIDGET_DIST_DIR),
    consoleDistDir: path.resolve(e.CONSOLE_DIST_DIR),
    publicUrl: e.PUBLIC_URL,
    allowedOrigins: origins.length === 0 || origins.includes('*') ? '*' : origins.map((o) => normalizeOrigin(o)!),
    secret: e.SECRET,
    identitySecret: e.IDENTITY_SECRET,
    admin: e.ADMIN_EMAIL && e.ADMIN_PASSWORD ? { email: e.ADMIN_EMAIL.toLowerCase(), password: e.ADMIN_PASSWORD } : undefined,
    openai: e.OPENAI_API_KEY
      ? {
          apiKey: e.OPENAI_API_KEY,
          baseURL: e.OPENAI_BASE_URL,
          model: e.OPENAI_MODEL,
          timeoutMs: e.OPENAI_TIMEOUT_MS,
          embeddingModel: e.OPENAI_EMBEDDING_MODEL,
        }
      : undefined,
    knowledgeWatch: e.KNOWLEDGE_WATCH,
    answerThresholds: Object.freeze({ en: e.OFFLINE_ANSWER_MIN_CONFIDENCE, zh: e.OFFLINE_ANSWER_MIN_CONFIDENCE_ZH }),
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    limits: Object.freeze({
      connectionsPerAddressPerMinute: e.LIMIT_CONNECTIONS_PER_ADDRESS_PER_MINUTE,
      openSocketsPerAddress: e.LIMIT_OPEN_SOCKETS_PER_ADDRESS,
      newVisitorsPerAddressPerHour: e.LIMIT_NEW_VISITORS_PER_ADDRESS_PER_HOUR,
      conversationsPerAddressPerHour: e.LIMIT_CONVERSATIONS_PER_ADDRESS_PER_HOUR,
      conversationsPerVisitorPerHour: e.LIMIT_CONVERSATIONS_PER_VISITOR_PER_HOUR,
      loginFailuresPerAccount: e.LIMIT_LOGIN_FAILURES_PER_ACCOUNT,
      loginFailuresPerAddress: e.LIMIT_LOGIN_FAILURES_PER_ADDRESS,
      loginFailuresPerDevice: e.LIMIT_LOGIN_FAILURES_PER_DEVICE,
      apiRequestsPerTokenPerMinute: e.LIMIT_API_REQUESTS_PER_TOKEN_PER_MINUTE,
      uploadsPerVisitorPerHour: e.LIMIT_UPLOADS_PER_VISITOR_PER_HOUR,
      uploadsPerAddressPerHour: e.LIMIT_UPLOADS_PER_ADDRESS_PER_HOUR,
    }),
    attachments: Object.freeze({
      dir: path.resolve(e.ATTACHMENTS_DIR ?? path.join(e.DATA_DIR, 'attachments')),
      maxBytes: e.ATTACHMENT_MAX_BYTES,
      perConversation: e.ATTACHMENTS_PER_CONVERSATION,
      minFreeBytes: e.ATTACHMENTS_MIN_FREE_MB * 1024 * 1024,
      types: attachmentTypes(e.ATTACHMENT_TYPES),
    }),
    webhooks: Object.freeze({
      allowInternal: e.WEBHOOK_ALLOW_INTERNAL,
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      keepDays: e.WEBHOOK_KEEP_DAYS,
    }),
    email,
    scaleOut: e.DATABASE_URL && e.REDIS_URL ? { databaseUrl: e.DATABASE_URL, redisUrl: e.REDIS_URL, redisPrefix: e.REDIS_PREFIX } : undefined,
  });
}

/** ATTACHMENT_TYPES: a subset of the built-in allow-list, never wider. */
function attachmentTypes(raw: string | undefined): readonly AttachmentType[] {
  if (!raw) return ATTACHMENT_TYPES;
  const listed = raw.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const unknown = listed.filter((t) => !(ATTACHMENT_TYPES as readonly string[]).includes(t));
  if (unknown.length) {
    throw new ConfigError(`Invalid configuration: ATTACHMENT_TYPES may list only ${ATTACHMENT_TYPES.join(', ')}; not: ${unknown.join(', ')}`);
  }
  return ATTACHMENT_TYPES.filter((t) => listed.includes(t));
}

const address = z.email();

/** Email is on when an SMTP server is named; then MAIL_FROM and a URL for links are needed too. */
function emailConfig(e: z.infer<typeof envSchema>): EmailConfig | undefined {
  const team = e.MAIL_TEAM.split(',').map((s) => s.trim()).filter(Boolean);
  const badTeam = team.filter((a) => !address.safeParse(a).success);
  if (badTeam.length) throw new ConfigError(`Invalid configuration: MAIL_TEAM must list email addresses separated by commas; not: ${badTeam.join(', ')}`);
  if (!e.SMTP_URL && !e.SMTP_HOST) {
    // Any of them set means email was meant: say what is missing rather than start without it.
    const meant = [
      ...(e.MAIL_FROM ? ['MAIL_FROM'] : []),
      ...(team.length ? ['MAIL_TEAM'] : []),
      ...(['MAIL_LINK_URL', 'SMTP_PORT', 'SMTP_USER', 'SMTP_PASS'] as const).filter((name) => e[name] !== undefined && e[name] !== ''),
    ];
    if (meant.length) {
      throw new ConfigError(`Invalid configuration: ${meant.join(', ')} ${meant.length > 1 ? 'are' : 'is'} set but no SMTP server: set SMTP_URL (e.g. smtp://user:pass@smtp.example.com:587) or SMTP_HOST`);
    }
    return undefined;
  }
  if (e.SMTP_URL && e.SMTP_HOST) throw new ConfigError('Invalid configuration: set SMTP_URL or SMTP_HOST (with SMTP_PORT, SMTP_USER, SMTP_PASS), not both');
  if (!e.MAIL_FROM) throw new ConfigError('Invalid configuration: email needs MAIL_FROM, the sender address (e.g. "Support <support@example.com>")');
  const linkUrl = e.MAIL_LINK_URL ?? e.PUBLIC_URL;
  if (!linkUrl || !e.PUBLIC_URL) {
    throw new ConfigError(
      'Invalid configuration: email needs PUBLIC_URL (the server\'s address, for the console link in the team\'s emails); emailed links to visitors open MAIL_LINK_URL, the page with the widget (default PUBLIC_URL)',
    );
  }
  return {
    smtp: e.SMTP_URL
      ? { url: e.SMTP_URL, secure: e.SMTP_SECURE }
      : { host: e.SMTP_HOST, port: e.SMTP_PORT, user: e.SMTP_USER, pass: e.SMTP_PASS, secure: e.SMTP_SECURE },
    from: e.MAIL_FROM,
    team,
    awayMs: Math.round(e.MAIL_AWAY_MINUTES * 60_000),
    linkUrl,
    linkTtlMs: Math.round(e.MAIL_LINK_TTL_HOURS * 3_600_000),
  };
}
