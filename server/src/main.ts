#!/usr/bin/env node
/**
 * support-chat server entry.
 *   node server/dist/main.js                      start the server (configured by environment)
 *   node server/dist/main.js create-agent --email a@b.c --password … [--name …] [--admin]
 */
import { parseArgs } from 'node:util';
import { createServer } from './app.js';
import { createAgent, ensureFirstAdmin } from './auth/agents.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { widgetIsBuilt } from './http/static-routes.js';
import { createLogger } from './logger.js';
import { chooseResponder, chooseSummarizer, openKnowledgeBase } from './responders.js';
import { SqliteStore } from './store/sqlite-store.js';

/** How long a stopping server lets answers under way finish. */
const SHUTDOWN_DRAIN_MS = 10_000;

async function serve(config: Readonly<Config>): Promise<void> {
  const logger = createLogger(config.logLevel);
  const store = SqliteStore.open(config.dataDir);
  const admin = await ensureFirstAdmin(store, config.admin);

  const knowledge = await openKnowledgeBase(config, logger);
  const stopWatching = config.knowledgeWatch ? knowledge.watch() : () => undefined;
  const responder = chooseResponder(config, knowledge, logger);
  const summarizer = chooseSummarizer(config);

  const server = await createServer({
    config,
    store,
    responder,
    summarizer,
    logger,
    knowledge,
    helpArticles: () => knowledge.entries,
  });
  const address = await server.listen(config.port, config.host);
  const base = config.publicUrl ?? `http://localhost:${address.port}`;

  const lines = [
    '',
    `support-chat is running on ${base}`,
    `  demo site     ${base}/`,
    `  agent console ${base}/console`,
    `  store         SQLite in ${config.dataDir}`,
    `  knowledge     ${knowledge.size} entries from ${config.knowledgeDir}${config.knowledgeWatch ? ' (re-indexed on change)' : ''}`,
    `  AI            ${config.openai ? `${config.openai.model} at ${config.openai.baseURL ?? 'api.openai.com'} (offline fallback)` : 'offline responder (set OPENAI_API_KEY to use a model)'}`,
    ...(config.openai?.embeddingModel ? [`  embeddings    ${config.openai.embeddingModel}, fused with BM25 (${knowledge.snapshot.embedded} embedded now)`] : []),
  ];
  if (admin.kind === 'demo') {
    lines.push(`  console login ${admin.email} / ${admin.password}   (demo admin created now: note the password)`);
  } else if (admin.kind === 'configured') {
    lines.push(`  console login ${admin.email} (password from ADMIN_PASSWORD)`);
  } else {
    lines.push('  console login an existing agent account (add one: npm run agent -- --email … --password …)');
  }
  if (!widgetIsBuilt(config.widgetDistDir)) lines.push('  !! the widget is not built: run npm run build');
  process.stdout.write(`${lines.join('\n')}\n\n`);

  // A rolling restart sends SIGTERM: answers under way get a few seconds to finish; anything left
  // is answered by another process (or by this one once it is back) from the store.
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    stopWatching();
    await server.close({ drainMs: SHUTDOWN_DRAIN_MS });
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
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
  const store = SqliteStore.open(config.dataDir);
  try {
    const agent = await createAgent(store, {
      email: values.email,
      password: values.password,
      name: values.name ?? '',
      role: values.admin ? 'admin' : 'agent',
    });
    process.stdout.write(`Created ${agent.role} ${agent.email} (${agent.name}) in ${config.dataDir}\n`);
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

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`support-chat: ${message}\n`);
  if (!(error instanceof ConfigError) && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
