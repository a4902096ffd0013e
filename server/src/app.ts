import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import express from 'express';
import { Server } from 'socket.io';
import { ATTACHMENT_TYPES, HTTP_ROUTES, NAMESPACES } from '@support-chat/shared';
import { Attachments } from './attachments/attachments.js';
import { FileAttachmentStorage } from './attachments/file-storage.js';
import type { AttachmentStorage } from './attachments/storage.js';
import { agentAttachmentRoutes, visitorAttachmentRoutes } from './http/attachment-routes.js';
import type { Responder, Summarizer } from './ai/types.js';
import { AuditLog } from './audit/audit-log.js';
import { AgentSessions } from './auth/sessions.js';
import { UserVerifier } from './auth/verified-user.js';
import { KnownDevices } from './auth/known-devices.js';
import { VisitorSessions } from './auth/visitor-sessions.js';
import { VisitorTokens } from './auth/visitor-token.js';
import type { Config } from './config.js';
import { DomainEventBus } from './conversations/events.js';
import { ConversationService, systemClock, type Clock } from './conversations/service.js';
import { adminRoutes } from './http/admin-routes.js';
import { apiV1Routes } from './http/api-v1-routes.js';
import { integrationRoutes } from './http/integration-routes.js';
import { ApiTokens } from './integrations/api-tokens.js';
import { WebhookHistory } from './integrations/webhook-history.js';
import { WebhookCatchUp, type WebhookCatchUpOptions } from './integrations/webhook-catch-up.js';
import { WebhookDispatcher } from './integrations/webhook-dispatcher.js';
import { sendWebhook } from './integrations/webhook-sender.js';
import { Webhooks } from './integrations/webhooks.js';
import { authRoutes } from './http/auth-routes.js';
import { clientAddressOf } from './http/client-address.js';
import { helpPages } from './http/help-pages.js';
import { knowledgeReportRoutes } from './http/knowledge-report-routes.js';
import { knowledgeRoutes } from './http/knowledge-routes.js';
import { knowledgeConsoleRoutes } from './http/knowledge-console-routes.js';
import { knowledgeProposalRoutes } from './http/knowledge-proposal-routes.js';
import { KnowledgeLearner } from './knowledge/learning/learner.js';
import type { ProposalWriter } from './knowledge/learning/proposal-writer.js';
import { privacyRoutes } from './http/privacy-routes.js';
import { VisitorData } from './privacy/visitor-data.js';
import type { KnowledgeBase } from './knowledge/knowledge-base.js';
import { errorHandler, notFound } from './http/respond.js';
import { createOriginPolicy } from './http/origins.js';
import { refuseCrossOriginWrites } from './http/same-origin.js';
import { securityHeaders } from './http/security-headers.js';
import { staticRoutes } from './http/static-routes.js';
import type { Logger } from './logger.js';
import { attachAgentNamespace } from './realtime/agent-namespace.js';
import { ConnectionGuard } from './realtime/connection-guard.js';
import { connectFanout } from './realtime/fanout.js';
import { pinSessionOrigin, refuseForeignOrigins } from './realtime/origin-check.js';
import { createMemoryRateLimits, type RateLimits } from './realtime/rate-limits.js';
import { SessionGuard } from './realtime/session-guard.js';
import { Welcome } from './settings/welcome.js';
import type { AgentNamespace, VisitorNamespace } from './realtime/types.js';
import { syncTeam } from './realtime/team-sync.js';
import { attachVisitorNamespace } from './realtime/visitor-namespace.js';
import { ConversationRouter } from './routing/router.js';
import { listenForLabelRules } from './routing/label-rules.js';
import { ConversationLabels } from './conversations/labels.js';
import { TeamRouting } from './routing/team-routing.js';
import { UnansweredSweeper, type UnansweredSweeperOptions } from './routing/unanswered-sweeper.js';
import { WaitEstimator } from './routing/wait-estimate.js';
import type { KnowledgeEntry, KnowledgeLang } from './knowledge/types.js';
import type { Store } from './store/types.js';
import { createMemoryCoordination } from './coordination/memory.js';
import { shareTimers } from './coordination/shared-timers.js';
import { ConversationEmails, type EmailSettings } from './email/conversation-emails.js';
import { EmailOutbox, type EmailOutboxOptions } from './email/email-outbox.js';
import type { Mailer } from './email/mailer.js';
import { rooms } from './realtime/rooms.js';
import type { Coordination } from './coordination/types.js';
import { DEFAULT_ANSWER_THRESHOLDS } from './ai/offline-responder.js';
import { SERVER_VERSION } from './version.js';

export interface ServerDeps {
  config: Pick<Config, 'allowedOrigins' | 'publicUrl' | 'widgetDistDir' | 'consoleDistDir' | 'demoDir' | 'secret' | 'trustProxy'> &
    Partial<Pick<Config, 'identitySecret' | 'limits' | 'webhooks' | 'answerThresholds'>> & { attachments?: Partial<Config['attachments']> };
  store: Store;
  responder: Responder;
  /** Writes agents' AI drafts; the responder by default (main.ts: `chooseDrafter`). */
  drafter?: Responder;
  logger: Logger;
  clock?: Clock;
  /** Shared by the site's processes (Redis, chosen by `main.ts`); in memory from `config.limits` by default. */
  limits?: RateLimits;
  /** Knowledge entries published as help pages at their `url` (the sources the AI links to). */
  helpArticles?: () => readonly KnowledgeEntry[];
  /** The knowledge base behind the AI: mounts the admin re-index API (knowledge-routes.ts). */
  knowledge?: KnowledgeBase;
  /** Writes hand-off notes with an LLM; without it they are a plain extract. */
  summarizer?: Summarizer;
  /** Writes knowledge proposals' entries with an LLM (issue 14); without it they are a plain extract. */
  proposalWriter?: ProposalWriter;
  /**
   * Presence, leases and timers shared by the site's processes (Redis, chosen by `main.ts`);
   * one process in memory by default. The caller closes what it passes.
   */
  coordination?: Coordination;
  /**
   * Installs a Socket.IO adapter (the Redis one, chosen by `main.ts`) before any namespace is
   * used; what it returns is called when the server closes.
   */
  attachAdapter?: (io: Server) => Promise<(() => Promise<void>) | void>;
  /** Where attachments' bytes go (default: files under `config.attachments.dir`). */
  attachmentStorage?: AttachmentStorage;
  /** How often each process looks for due webhook deliveries (default 1 s; tests make it quick). */
  webhookPollMs?: number;
  /** When the events a stopped process never queued are looked for (tests make it quick). */
  webhookCatchUp?: WebhookCatchUpOptions;
  /** How unanswered questions are looked for (tests make it quick). */
  sweeper?: UnansweredSweeperOptions;
  /**
   * Agent sessions: how long one lasts (default 7 days) and how often open console sockets look
   * their session up again (default 30 s; they also end at its expiry and at once on a password
   * change or deactivation).
   */
  sessions?: { ttlMs?: number; recheckMs?: number };
  /**
   * Email (issue 13): the transport (SMTP, chosen by `main.ts`; the caller closes it), who hears
   * of left messages, when away visitors get replies, where links go; `outbox` tunes retries.
   */
  email?: EmailSettings & { mailer: Mailer; outbox?: EmailOutboxOptions };
}

export interface SupportChatServer {
  httpServer: http.Server;
  /** The Express app (its routes: the OpenAPI test reads them). */
  app: express.Express;
  io: Server;
  conversations: ConversationService;
  router: ConversationRouter;
  /** Presence, assignment, availability; call `routing.settingsChanged()` after saving routing settings. */
  routing: TeamRouting;
  /** The audit log: features record agents' and admins' actions with `audit.record(actor, action, target, detail)`. */
  audit: AuditLog;
  listen(port: number, host?: string): Promise<AddressInfo>;
  /**
   * Stops accepting, closes sockets. `drainMs`: answers under way get that long to finish (a
   * graceful stop; what is left is answered by another process or after a restart); without it
   * they are stopped at once. The store is the caller's.
   */
  close(options?: { drainMs?: number }): Promise<void>;
}

const SETTINGS_CACHE_MS = 1000;
/** `/healthz` and `/readyz` check the services at most this often (a check writes to the store). */
const SERVICE_CHECK_EVERY_MS = 1000;
/** How long a shutdown waits for its clients to close their connections before it cuts them. */
const SOCKET_CLOSE_GRACE_MS = 2000;
/** A store that does not answer a health check within this long is down (its connections may hang). */
const SERVICE_CHECK_TIMEOUT_MS = 5000;

/** `promise`, or a rejection with `message` once `ms` have passed. */
function withinMs<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Attachments when the config names nothing (tests, embedding): the environment's defaults, files in ./data/attachments. */
const DEFAULT_ATTACHMENTS = { dir: 'data/attachments', maxBytes: 10 * 1024 * 1024, perConversation: 50, types: ATTACHMENT_TYPES, minFreeBytes: 256 * 1024 * 1024 };

/** `load()`'s result, read again once `ms` have passed or after `forget()`. */
function cachedFor<T>(ms: number, load: () => Promise<T>): { get: () => Promise<T>; forget: () => void } {
  let cached: { at: number; value: Promise<T> } | null = null;
  return {
    get: () => {
      if (!cached || Date.now() - cached.at > ms) {
        const value = load();
        cached = { at: Date.now(), value };
        value.catch(() => (cached = null));
      }
      return cached.value;
    },
    forget: () => (cached = null),
  };
}

/** The server secret signs visitor tokens: from SECRET, else generated once and kept in the store. */
async function resolveSecret(store: Store, configured: string | undefined): Promise<string> {
  return configured ?? store.setSettingIfAbsent('secret', randomBytes(32).toString('base64url'));
}

/** Wires the layers together; `main.ts` chooses the implementations (store, responder). */
export async function createServer(deps: ServerDeps): Promise<SupportChatServer> {
  const { config, store, responder, logger, clock = systemClock } = deps;
  const limits = deps.limits ?? createMemoryRateLimits(config.limits);
  const bus = new DomainEventBus((error) => logger.error({ err: error }, 'domain event listener failed'));
  const ownCoordination = deps.coordination ? null : createMemoryCoordination();
  const coordination = deps.coordination ?? ownCoordination!;
  const { presence } = coordination;
  // Routing's grace and email's reply timers share the one port (its start takes one handler).
  const timers = shareTimers(coordination.timers);
  const waits = new WaitEstimator(store, presence, clock, bus);
  const conversations = new ConversationService(store, bus, clock, { waits });
  // Read for every visitor message: kept for a second (another process's change shows within it),
  // and forgotten at once when an admin saves them here.
  const routingSettings = cachedFor(SETTINGS_CACHE_MS, () => store.getRoutingSettings());
  const router = new ConversationRouter(conversations, responder, bus, logger, routingSettings.get, coordination.leases, deps.drafter);
  const sweeper = new UnansweredSweeper({ store, conversations, router, logger }, deps.sweeper);
  const routing = new TeamRouting({
    store,
    conversations,
    presence,
    timers,
    leases: coordination.leases,
    bus,
    clock,
    logger,
    summarizer: deps.summarizer,
  });
  const sessions = new AgentSessions(store, () => clock.now(), { ttlMs: deps.sessions?.ttlMs });
  const audit = new AuditLog(store, clock, logger);
  const labels = new ConversationLabels({ store, bus, audit });
  const stopLabelRules = listenForLabelRules({ bus, settings: routingSettings.get, labels, logger });
  const welcome = new Welcome({ store, logger });
  const attachmentSettings = { ...DEFAULT_ATTACHMENTS, ...config.attachments };
  const attachments = new Attachments({
    store,
    storage: deps.attachmentStorage ?? new FileAttachmentStorage(attachmentSettings.dir, { minFreeBytes: attachmentSettings.minFreeBytes }),
    conversations,
    clock,
    logger,
    settings: attachmentSettings,
  });
  const visitorData = new VisitorData({ store, audit, bus, clock, attachments });
  const secret = await resolveSecret(store, config.secret);
  const tokens = new VisitorTokens(secret);
  const visitorSessions = new VisitorSessions(tokens, store, clock);
  const users = new UserVerifier(config.identitySecret, secret);
  const devices = new KnownDevices(secret);
  // Integrations (issue 13): events become queued deliveries (a store write the chat path does
  // not wait for); the dispatcher sends them, one process per delivery (its lease).
  const hookConfig = { allowInternal: false, maxAttempts: 8, retryBaseMs: 60_000, timeoutMs: 10_000, keepDays: 30, ...config.webhooks };
  const dispatcher = new WebhookDispatcher(
    {
      store,
      leases: coordination.leases,
      clock,
      logger,
      send: (hook, delivery) => sendWebhook(hook, delivery, { timeoutMs: hookConfig.timeoutMs, allowInternal: hookConfig.allowInternal, now: () => clock.now() }),
    },
    { ...hookConfig, pollMs: deps.webhookPollMs },
  );
  const webhookHistory = new WebhookHistory({ store, leases: coordination.leases, clock, logger }, { keepDays: hookConfig.keepDays });
  const webhooks = new Webhooks({ store, clock, logger, allowInternal: hookConfig.allowInternal, queued: () => dispatcher.kick() });
  const stopWebhookEvents = webhooks.listen(bus);
  const webhookCatchUp = new WebhookCatchUp({ store, leases: coordination.leases, clock, logger, webhooks }, deps.webhookCatchUp);
  // Learning from conversations (issue 14): agents' replies after an AI miss become proposals.
  const learner = deps.knowledge
    ? new KnowledgeLearner({
        store,
        knowledge: deps.knowledge,
        writer: deps.proposalWriter,
        onError: (error) => logger.warn({ err: error }, 'making a knowledge proposal failed'),
      })
    : null;
  const stopLearning = learner ? bus.on('messageCreated', (message, conversation) => void learner.consider(message, conversation)) : () => undefined;
  const apiTokens = new ApiTokens({ store, clock, logger });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(securityHeaders());
  const json = express.json({ limit: '16kb' });
  // Knowledge entries carry long answers: their routes parse bodies themselves (knowledge-console-routes.ts).
  app.use((req, res, next) => (req.path.startsWith(`${HTTP_ROUTES.adminKnowledge}/entries`) ? next() : json(req, res, next)));
  /**
   * The store can write, and (with several processes) Redis answers. Its changes are logged, not
   * each check: a balancer's probes during an outage logged a stack each, and its end not at all
   * (an operator's probe).
   */
  let storeWasDown = false;
  const checkServices = async (): Promise<Record<string, 'ok' | 'down'>> => {
    const [store, shared] = await Promise.all([
      withinMs(deps.store.checkWritable(), SERVICE_CHECK_TIMEOUT_MS, 'the store did not answer').then(
        () => {
          if (storeWasDown) logger.info('the store can write again');
          storeWasDown = false;
          return 'ok' as const;
        },
        (error: unknown) => {
          if (!storeWasDown) logger.warn({ err: error }, 'the store cannot write');
          storeWasDown = true;
          return 'down' as const;
        },
      ),
      deps.coordination?.health?.() ?? Promise.resolve({}),
    ]);
    return { store, ...shared };
  };
  // Each check writes to the store: the probes of every balancer and a stranger's loop share one
  // check a second (a security probe: nothing bounded an unauthenticated write per request).
  // A check still waiting is shared too, however old, and a store that does not answer within
  // SERVICE_CHECK_TIMEOUT_MS is down: a node whose connections hung answered `ready` (it never
  // asked) while it stored nothing (an operator's probe).
  let lastCheck: { at: number; settled: boolean; result: Promise<Record<string, 'ok' | 'down'>> } | null = null;
  const services = (): Promise<Record<string, 'ok' | 'down'>> => {
    const now = Date.now();
    if (!lastCheck || (lastCheck.settled && now - lastCheck.at >= SERVICE_CHECK_EVERY_MS)) {
      const check: NonNullable<typeof lastCheck> = { at: now, settled: false, result: checkServices() };
      void check.result.finally(() => (check.settled = true));
      lastCheck = check;
    }
    return lastCheck.result;
  };
  const down = (checked: Record<string, 'ok' | 'down'>) => Object.keys(checked).filter((name) => checked[name] !== 'ok');
  // Liveness: the process answers, so 200 (restarting it would not free a disk), with the state of
  // each service and `degraded` when one is down. Readiness: it can take chats now, which only the
  // store decides; a load balancer sends no one to a process whose store cannot write (issue 11).
  // Not Redis: every process shares it, so its outage would make them all unready at once and
  // leave the balancer nowhere to send anyone, while each still stores, acknowledges and answers
  // its own visitors (README, "Several processes": what waits for Redis).
  app.get('/healthz', async (_req, res) => {
    const checked = await services();
    res.json({ ok: true, data: { status: down(checked).length ? 'degraded' : 'ok', version: SERVER_VERSION, responder: responder.name, services: checked } });
  });
  app.get('/readyz', async (_req, res) => {
    const checked = await services();
    if (checked.store === 'ok') return void res.json({ ok: true, data: { status: down(checked).length ? 'degraded' : 'ready', services: checked } });
    const message = `Not ready: ${down(checked).join(', ')} down.`;
    res.status(503).json({ ok: false, error: { code: 'store_unavailable', message }, data: { services: checked } });
  });

  const origins = createOriginPolicy(config);
  const httpServer = http.createServer(app);
  // Every connection, WebSockets included, so a shutdown can end those whose peer is gone.
  const connections = new Set<Socket>();
  httpServer.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  const guard = new ConnectionGuard(limits, clientAddressOf(app), logger);
  const io = new Server(httpServer, {
    allowRequest: guard.allowRequest,
    // The widget runs on the customer's site: its socket is cross-origin by design. No cookie
    // rides on it (visitors hold a token; the console is same-origin), so no page is allowed
    // credentials. Any page may read the handshake: that is how the `/visitor` refusal of a
    // site outside ALLOWED_ORIGINS reaches the widget over polling too (realtime/origin-check.ts);
    // the agent namespace accepts only its own origin (agent-namespace.ts).
    cors: { origin: '*', credentials: false },
    maxHttpBufferSize: 64 * 1024,
    connectionStateRecovery: undefined,
  });
  guard.attach(io);
  const detachAdapter = (await deps.attachAdapter?.(io)) ?? null;
  const visitors = io.of(NAMESPACES.visitor) as unknown as VisitorNamespace;
  pinSessionOrigin(io, origins);
  refuseForeignOrigins(visitors, origins);
  const agents = io.of(NAMESPACES.agent) as unknown as AgentNamespace;
  // First of each namespace's middlewares: an address past its limits is refused before anything else runs.
  visitors.use(guard.middleware);
  agents.use(guard.middleware);
  const sessionGuard = new SessionGuard({
    namespace: agents,
    sessions,
    clock,
    logger,
    clustered: deps.attachAdapter !== undefined,
    recheckMs: deps.sessions?.recheckMs,
  });

  // Before the console API's origin check: Bearer tokens, no cookies, so nothing to forge.
  app.use(apiV1Routes({ tokens: apiTokens, limits, store, conversations, presence, knowledge: deps.knowledge, labels, attachments }));
  app.use(visitorAttachmentRoutes({ attachments, tokens, sessions: visitorSessions, limits, origins, router, clock }));
  app.use('/api', refuseCrossOriginWrites());
  app.use(authRoutes({ store, sessions, limits, agents, devices, audit }));
  const team = syncTeam({ agents, routing, forgetSettings: routingSettings.forget, clustered: deps.attachAdapter !== undefined });
  app.use(
    adminRoutes({ store, sessions, presence, agents, routing: team, clock, guard: sessionGuard, audit, welcome }),
  );
  app.use(privacyRoutes({ sessions, audit, visitorData }));
  app.use(agentAttachmentRoutes({ attachments, sessions, limits }));
  app.use(integrationRoutes({ sessions, audit, webhooks, tokens: apiTokens, store }));
  if (deps.helpArticles) app.use(helpPages(deps.helpArticles));
  if (deps.knowledge) app.use(knowledgeRoutes({ knowledge: deps.knowledge, sessions, audit }));
  if (deps.knowledge) app.use(knowledgeReportRoutes({ store, knowledge: deps.knowledge, sessions, clock }));
  if (deps.knowledge) app.use(knowledgeConsoleRoutes({ store, knowledge: deps.knowledge, sessions, audit, settingsChanged: team.settingsChanged }));
  if (deps.knowledge) {
    const thresholds = config.answerThresholds ?? DEFAULT_ANSWER_THRESHOLDS;
    // Gaps are marked answered by the offline responder's decision: only where it is the one that
    // answers (a model's "no answer" may come with a confident lexical match: gap-answers.ts).
    const answerThreshold = responder.name === 'offline' ? (lang: KnowledgeLang) => thresholds[lang] : null;
    app.use(knowledgeProposalRoutes({ store, knowledge: deps.knowledge, sessions, audit, answerThreshold, now: () => clock.now() }));
  }
  app.use(staticRoutes(config));
  app.use((_req, _res, next) => next(notFound('Page')));
  app.use(errorHandler(logger));

  let emails: ConversationEmails | undefined;
  let outbox: EmailOutbox | undefined;
  if (deps.email) {
    const { mailer, outbox: outboxOptions, ...settings } = deps.email;
    outbox = new EmailOutbox({ store, leases: coordination.leases, mailer, render: (email) => emails!.render(email), clock, logger }, outboxOptions);
    emails = new ConversationEmails({
      store,
      bus,
      timers,
      outbox,
      tokens,
      // Through the adapter: a socket of the visitor on any process counts.
      visitorConnected: async (visitorId) => (await visitors.in(rooms.visitor(visitorId)).fetchSockets()).length > 0,
      clock,
      logger,
      settings,
    });
    emails.start();
    outbox.start();
  }
  // What the widget may offer (null: files are off); every upload is checked regardless.
  const attachmentPolicy = attachmentSettings.perConversation > 0 ? { maxBytes: attachmentSettings.maxBytes, types: [...attachmentSettings.types] } : null;
  attachVisitorNamespace(visitors, { conversations, router, tokens, sessions: visitorSessions, users, limits, agents, routing, welcome, logger, emails, attachmentPolicy });
  attachAgentNamespace(agents, { conversations, sessions, limits, visitors, routing, router, store, logger, guard: sessionGuard, audit, labels });
  sessionGuard.start();
  const disconnectFanout = connectFanout({ bus, conversations, store, visitors, agents, logger, crossProcess: deps.attachAdapter !== undefined });
  await routing.start();
  sweeper.start();
  dispatcher.start();
  webhookHistory.start();
  webhookCatchUp.start();
  attachments.start();

  return {
    httpServer,
    app,
    io,
    conversations,
    router,
    routing,
    audit,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve(httpServer.address() as AddressInfo);
        });
      }),
    close: async ({ drainMs = 0 } = {}) => {
      sweeper.stop();
      attachments.stop();
      await dispatcher.stop();
      await webhookHistory.stop();
      await webhookCatchUp.stop();
      sessionGuard.dispose();
      emails?.dispose();
      await outbox?.stop();
      if (drainMs > 0) await router.drain(drainMs);
      router.dispose();
      routing.dispose();
      await router.idle();
      await routing.idle();
      disconnectFanout();
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
        // A peer gone without a word (a phone out of coverage, a frozen tab) never answers the
        // WebSocket close, and the library waits 30 s for it before letting the server close:
        // every SIGTERM took 30 s on a real site (an operator's probe). What is still open after
        // a short grace is cut; the clients that are there reconnect to another process anyway.
        setTimeout(() => connections.forEach((socket) => socket.destroy()), SOCKET_CLOSE_GRACE_MS).unref();
      });
      // Only now that no message is stored any more: until the sockets closed, visitors' messages
      // were still stored, and answers finished during the drain. Their webhook events were lost
      // when the listener stopped first (an integrator's probe: three stored messages, no event);
      // its stop waits for the events heard to be queued. Learning and label rules hear them too,
      // but are not waited for: a proposal or a label a shutdown cuts off is not worth holding it.
      stopLearning();
      stopLabelRules();
      await stopWebhookEvents();
      await detachAdapter?.();
      await ownCoordination?.close();
    },
  };
}
