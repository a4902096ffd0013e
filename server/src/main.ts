#!/usr/bin/env node
/**
 * support-chat server entry.
 *   node server/dist/main.js                      start the server (configured by environment)
 *   node server/dist/main.js create-agent --email a@b.c --password … [--name …] [--admin]
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { createServer, type ServerDeps } from './app.js';
import { createAgent, ensureFirstAdmin } from './auth/agents.js';
import { ConfigError, configWarnings, loadConfig, type Config } from './config.js';
import { SERVER_VERSION } from './version.js';
import { consoleIsBuilt, widgetIsBuilt } from './http/static-routes.js';
import { createSmtpMailer } from './email/smtp-mailer.js';
import { createLogger, rareWarning } from './logger.js';
import { followConsoleEntries } from './knowledge/console-entries.js';
import { chooseDrafter, chooseProposalWriter, chooseResponder, chooseSummarizer, openKnowledgeBase } from './responders.js';
import { redactUrl, RedisTooOldError } from './coordination/redis/client.js';
import { createRedisCoordination, newNodeId } from './coordination/redis/index.js';
import type { Coordination } from './coordination/types.js';
import type { Logger } from './logger.js';
import { attachRedisAdapter } from './realtime/redis-adapter.js';
import { createRedisRateLimits } from './realtime/redis-rate-limits.js';
import type { RateLimits } from './realtime/rate-limits.js';
import { lockDataDir } from './store/data-dir-lock.js';
import { PostgresStore } from './store/postgres-store.js';
import { isPostgresUnavailable } from './store/store-errors.js';
import { ChatError } from './errors.js';
import { SqliteStore } from './store/sqlite-store.js';
import type { Store } from './store/types.js';

/** What the site's processes share, chosen by the configuration (issue 10). */
interface Site {
  store: Store;
  coordination?: Coordination;
  limits?: RateLimits;
  attachAdapter?: ServerDeps['attachAdapter'];
  /** One banner line: which mode. */
  mode: string;
  close(): Promise<void>;
}

/**
 * DATABASE_URL + REDIS_URL: one of many processes (PostgreSQL for the data; Redis for presence,
 * leases, timers, rate limits and the Socket.IO adapter). Otherwise one process on SQLite, which
 * holds DATA_DIR's lock so that a second one refuses to start.
 */
async function openSite(config: Readonly<Config>, logger: Logger): Promise<Site> {
  if (!config.scaleOut) {
    const lock = lockDataDir(config.dataDir);
    const store = SqliteStore.open(config.dataDir);
    return {
      store,
      mode: `one process, SQLite in ${config.dataDir} (set DATABASE_URL and REDIS_URL to run several)`,
      close: async () => {
        try {
          await store.close();
        } finally {
          lock.release();
        }
      },
    };
  }
  const { databaseUrl, redisUrl: url, redisPrefix: prefix } = config.scaleOut;
  const nodeId = newNodeId();
  const store = await PostgresStore.open(databaseUrl).catch((error: unknown) => {
    throw postgresRefused(databaseUrl, error);
  });
  const opened: { close(): Promise<void> }[] = [store];
  try {
    const coordination = await createRedisCoordination({ url, prefix, nodeId, logger }).catch((error: unknown) => {
      throw redisRefused(url, error);
    });
    opened.unshift(coordination);
    const limits = await createRedisRateLimits({ url, prefix, logger, ...config.limits });
    opened.unshift(limits);
    return {
      store,
      coordination,
      limits,
      attachAdapter: (io) => attachRedisAdapter(io, { url, prefix, logger, nodeId }),
      mode: `many processes, this one is node ${nodeId}: PostgreSQL at ${redactUrl(databaseUrl)}, Redis at ${redactUrl(url)} (keys ${prefix}*)`,
      close: async () => {
        for (const part of opened) await part.close();
      },
    };
  } catch (error) {
    for (const part of opened) await part.close();
    throw error;
  }
}

/** Where the banner says the server is: the address it listens on, `localhost` when that is every address. */
function hostInUrl(host: string): string {
  if (!host || host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/** How long a stopping server lets answers under way finish. */
const SHUTDOWN_DRAIN_MS = 10_000;
/** The longest a shutdown may take, the drain included, before the process exits anyway (1). */
const SHUTDOWN_LIMIT_MS = SHUTDOWN_DRAIN_MS + 15_000;

async function serve(config: Readonly<Config>): Promise<void> {
  if (!fs.statSync(config.knowledgeDir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new ConfigError(`KNOWLEDGE_DIR ${config.knowledgeDir} is not a directory: point it at the folder of your FAQ files (Markdown, JSON, JSONL or CSV).`);
  }
  const logger = createLogger(config.logLevel);
  for (const warning of configWarnings(config)) logger.warn(warning);
  const site = await openSite(config, logger);
  const { store } = site;
  const admin = await ensureFirstAdmin(store, config.admin);

  const knowledge = await openKnowledgeBase(config, logger, { store });
  const stopWatchingFiles = config.knowledgeWatch ? knowledge.watch() : () => undefined;
  // Entries saved in the console by another process (issue 14): the store's version, polled.
  const stopFollowing = followConsoleEntries({
    store,
    knowledge,
    onError: rareWarning(logger, 'reading the knowledge version failed'),
  });
  const stopWatching = () => {
    stopWatchingFiles();
    stopFollowing();
  };
  const responder = chooseResponder(config, knowledge, logger);
  const drafter = chooseDrafter(config, knowledge, responder);
  const summarizer = chooseSummarizer(config);
  const proposalWriter = chooseProposalWriter(config, logger);
  const mailer = config.email ? createSmtpMailer(config.email.smtp, config.email.from) : null;

  const server = await createServer({
    config,
    store,
    responder,
    drafter,
    summarizer,
    proposalWriter,
    logger,
    knowledge,
    helpArticles: () => knowledge.entries,
    coordination: site.coordination,
    limits: site.limits,
    attachAdapter: site.attachAdapter,
    email:
      config.email && mailer
        ? {
            mailer,
            team: config.email.team,
            awayMs: config.email.awayMs,
            linkUrl: config.email.linkUrl,
            linkTtlMs: config.email.linkTtlMs,
            publicUrl: config.publicUrl!,
          }
        : undefined,
  });
  // Before listening: a SIGTERM that arrives as soon as the banner is out must find its handler
  // (a signal with no listener yet ends the process at once, the lock file left behind).
  // A rolling restart sends SIGTERM: answers under way get a few seconds to finish; anything left
  // is answered by another process (or by this one once it is back) from the store.
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    // Whatever hangs (a store whose answers never come), the process ends: a node that kept its
    // port after SIGTERM could not be started again (an operator's probe). Acknowledged data is
    // already durable; what was under way is picked up from the store by the next process.
    setTimeout(() => {
      logger.error({ afterMs: SHUTDOWN_LIMIT_MS }, 'shutting down took too long: exiting now');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    let code = 0;
    try {
      stopWatching();
      await server.close({ drainMs: SHUTDOWN_DRAIN_MS });
      await mailer?.close();
    } catch (error) {
      logger.error({ err: error }, 'stopping the server failed');
      code = 1;
    }
    try {
      await site.close();
    } catch (error) {
      logger.error({ err: error }, 'closing the store failed');
      code = 1;
    }
    process.exit(code);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  const address = await server.listen(config.port, config.host).catch((error: unknown) => {
    // EADDRINUSE, ENOTFOUND, EACCES: the setting to change, without a stack.
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`Cannot listen on ${config.host}:${config.port} (HOST, PORT): ${reason}.`);
  });
  const base = config.publicUrl ?? `http://${hostInUrl(config.host)}:${address.port}`;

  const lines = [
    '',
    `support-chat ${SERVER_VERSION} is running on ${base}`,
    `  demo site     ${base}/`,
    `  agent console ${base}/console`,
    // With PUBLIC_URL (behind a proxy) every process printed the same address: say its own too.
    ...(config.publicUrl ? [`  listening on  ${hostInUrl(config.host)}:${address.port}`] : []),
    `  mode          ${site.mode}`,
    `  knowledge     ${knowledge.size} entries from ${config.knowledgeDir}${config.knowledgeWatch ? ' (re-indexed on change)' : ''}`,
    `  AI            ${config.openai ? `${config.openai.model} at ${config.openai.baseURL ?? 'api.openai.com'} (offline fallback)` : 'offline responder (set OPENAI_API_KEY to use a model)'}`,
    `  email         ${config.email ? `from ${config.email.from} via ${config.email.smtp.url ? redactUrl(config.email.smtp.url) : config.email.smtp.host}; team: ${config.email.team.join(', ') || 'nobody (set MAIL_TEAM)'}` : 'off (set SMTP_URL, MAIL_FROM and PUBLIC_URL to send it, MAIL_TEAM for the team\'s copies)'}`,
    ...(config.openai?.embeddingModel ? [`  embeddings    ${config.openai.embeddingModel}, fused with BM25 (${knowledge.snapshot.embedded} embedded now)`] : []),
  ];
  if (admin.kind === 'demo') {
    const note = admin.createdNow ? 'demo admin created now: note the password' : 'the demo admin: change its password in the console';
    lines.push(`  console login ${admin.email} / ${admin.password}   (${note})`);
  } else if (admin.kind === 'configured') {
    lines.push(`  console login ${admin.email} (password from ADMIN_PASSWORD)`);
  } else {
    lines.push('  console login an existing agent account (add one: npm run agent -- --email … --password …)');
  }
  if (!widgetIsBuilt(config.widgetDistDir)) lines.push('  !! the widget is not built: run npm run build');
  if (!consoleIsBuilt(config.consoleDistDir)) lines.push('  !! the console is not built: run npm run build');
  process.stdout.write(`${lines.join('\n')}\n\n`);

}

async function createAgentCommand(config: Readonly<Config>, args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      admin: { type: 'boolean', default: false },
    },
  });
  if (!values.email || !values.password) {
    throw new ConfigError('Usage: create-agent --email EMAIL --password PASSWORD [--name NAME] [--admin]');
  }
  const store = config.scaleOut ? await PostgresStore.open(config.scaleOut.databaseUrl) : SqliteStore.open(config.dataDir);
  try {
    const agent = await createAgent(store, {
      email: values.email,
      password: values.password,
      name: values.name ?? '',
      role: values.admin ? 'admin' : 'agent',
    }).catch((error: unknown) => {
      // An address already taken, a password too short: the command's user's to fix, not a stack.
      throw error instanceof ChatError ? new ConfigError(`create-agent: ${error.message}`) : error;
    });
    process.stdout.write(`Created ${agent.role} ${agent.email} (${agent.name}) in ${config.scaleOut ? 'PostgreSQL' : config.dataDir}\n`);
  } finally {
    await store.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const config = loadConfig();
  const [commandName, ...rest] = argv;
  if (!commandName || commandName === 'serve') return serve(config);
  if (commandName === 'create-agent') return createAgentCommand(config, rest);
  throw new ConfigError(`Unknown command "${commandName}". Commands: serve, create-agent.`);
}

/**
 * PostgreSQL unreachable at start, or refusing this role, password or database: the operator's
 * setting, said as such (as Redis's is), not a bare `connect ECONNREFUSED` and a stack.
 */
function postgresRefused(databaseUrl: string, error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  const refused = typeof code === 'string' && (code.startsWith('28') || code === '3D000'); // credentials; no such database
  if (code === '42501') {
    // Insufficient privilege: the migrations need CREATE on the schema (PostgreSQL 15 and later
    // give it on `public` to the database's owner only), which a raw "permission denied for
    // schema public" and a stack did not say (an operator's probe).
    const reason = error instanceof Error ? error.message : String(error);
    return new ConfigError(
      `PostgreSQL at ${redactUrl(databaseUrl)} (DATABASE_URL): ${reason}. Each start applies the schema's migrations, which needs CREATE on the schema: make the role the database's owner (createdb -O <role> …, or ALTER DATABASE … OWNER TO <role>), or GRANT CREATE ON SCHEMA public TO <role>.`,
    );
  }
  if (!refused && !isPostgresUnavailable(error)) return error;
  const reason = error instanceof Error ? error.message || (typeof code === 'string' ? code : error.name) : String(error);
  return new ConfigError(
    `PostgreSQL at ${redactUrl(databaseUrl)} (DATABASE_URL) cannot be used: ${reason}. Check DATABASE_URL, and that PostgreSQL runs and is reachable from here.`,
  );
}

/** Redis unreachable at start: the setting to check, as for PostgreSQL. */
function redisRefused(url: string, error: unknown): unknown {
  if (error instanceof RedisTooOldError) return new ConfigError(error.message);
  if (!(error instanceof Error) || !/unreachable|ECONNREFUSED|ENOTFOUND|timeout|NOAUTH|WRONGPASS/i.test(error.message)) return error;
  return new ConfigError(`${error.message}. Check REDIS_URL (${redactUrl(url)}), and that Redis runs and is reachable from here.`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`support-chat: ${message}\n`);
  if (!(error instanceof ConfigError) && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
