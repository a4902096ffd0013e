/** The admin pages' HTTP calls (the server checks the admin role on each). */
import {
  HTTP_ROUTES,
  type AckResult,
  type AgentProfile,
  type AgentRole,
  type ApiToken,
  type ApiTokenCreated,
  type ApiTokenScope,
  type Webhook,
  type WebhookCreated,
  type WebhookDelivery,
  type WebhookEventType,
  type AuditAction,
  type AuditPage,
  type CannedReply,
  type KnowledgeGap,
  type KnowledgeReport,
  type PresenceStatus,
  type ReportSummary,
  type RoutingSettings,
  type VisitorErasure,
  type WelcomeSettings,
} from '@support-chat/shared';
import { createCall, type FetchLike } from './http.js';

export type TeamMember = AgentProfile & { status?: PresenceStatus };

/** The bodies the server validates (its schemas are server-only; these mirror them). */
export interface AgentCreateBody {
  email: string;
  password: string;
  name: string;
  role: AgentRole;
  capacity?: number;
}

export type AgentUpdateBody = Partial<Pick<AgentCreateBody, 'name' | 'role' | 'capacity' | 'password'>>;

export interface CannedReplyBody {
  shortcut: string;
  text: string;
}

export interface AdminApi {
  listAgents(): Promise<AckResult<{ agents: TeamMember[] }>>;
  createAgent(body: AgentCreateBody): Promise<AckResult<{ agent: AgentProfile }>>;
  updateAgent(id: string, patch: AgentUpdateBody): Promise<AckResult<{ agent: AgentProfile }>>;
  /** Ends the agent's sessions and puts their conversations back in the queue, first in line. */
  deactivateAgent(id: string): Promise<AckResult<{ agent: AgentProfile; requeued: number }>>;
  reactivateAgent(id: string): Promise<AckResult<{ agent: AgentProfile }>>;
  listCanned(): Promise<AckResult<{ replies: CannedReply[] }>>;
  createCanned(body: CannedReplyBody): Promise<AckResult<{ reply: CannedReply }>>;
  updateCanned(id: string, body: CannedReplyBody): Promise<AckResult<{ reply: CannedReply }>>;
  deleteCanned(id: string): Promise<AckResult<unknown>>;
  routing(): Promise<AckResult<{ settings: RoutingSettings }>>;
  saveRouting(settings: RoutingSettings): Promise<AckResult<{ settings: RoutingSettings }>>;
  /** The widget's greeting and starter questions (issue 12). */
  welcome(): Promise<AckResult<{ settings: WelcomeSettings }>>;
  saveWelcome(settings: WelcomeSettings): Promise<AckResult<{ settings: WelcomeSettings }>>;
  report(range: { from: string; to: string; tz: string }): Promise<AckResult<{ report: ReportSummary }>>;
  knowledgeGaps(): Promise<AckResult<{ gaps: KnowledgeGap[] }>>;
  /** How the AI used each knowledge entry over the range (issue 14). */
  knowledgeReport(range: { from: string; to: string; tz: string }): Promise<AckResult<{ report: KnowledgeReport }>>;
  /** A page of the audit log, newest first; `cursor` is the previous page's `next`. */
  audit(query: { cursor?: string; actor?: string; action?: AuditAction }): Promise<AckResult<AuditPage>>;
  /** Where the browser downloads one visitor's data (a JSON attachment; the session cookie goes with it). */
  visitorExportUrl(visitorId: string): string;
  eraseVisitor(visitorId: string): Promise<AckResult<{ erased: VisitorErasure }>>;
  // Integrations (issue 13)
  listWebhooks(): Promise<AckResult<{ webhooks: Webhook[] }>>;
  /** Answers the signing secret, this once. */
  createWebhook(body: { url: string; events: WebhookEventType[]; description: string }): Promise<AckResult<WebhookCreated>>;
  updateWebhook(id: string, patch: Partial<Pick<Webhook, 'url' | 'events' | 'description' | 'active'>>): Promise<AckResult<{ webhook: Webhook }>>;
  deleteWebhook(id: string): Promise<AckResult<unknown>>;
  testWebhook(id: string): Promise<AckResult<{ delivery: WebhookDelivery }>>;
  webhookDeliveries(id: string): Promise<AckResult<{ deliveries: WebhookDelivery[] }>>;
  retryDelivery(id: string): Promise<AckResult<{ delivery: WebhookDelivery }>>;
  listApiTokens(): Promise<AckResult<{ tokens: ApiToken[] }>>;
  /** Answers the token itself, this once. */
  createApiToken(body: { name: string; scope: ApiTokenScope }): Promise<AckResult<ApiTokenCreated>>;
  revokeApiToken(id: string): Promise<AckResult<{ token: ApiToken }>>;
}

export function createAdminApi(fetchImpl?: FetchLike): AdminApi {
  const call = createCall(fetchImpl);
  const agent = (id: string) => `${HTTP_ROUTES.adminAgents}/${encodeURIComponent(id)}`;
  const canned = (id: string) => `${HTTP_ROUTES.adminCannedReplies}/${encodeURIComponent(id)}`;
  const visitor = (id: string) => `${HTTP_ROUTES.adminVisitors}/${encodeURIComponent(id)}`;
  const hook = (id: string) => `${HTTP_ROUTES.adminWebhooks}/${encodeURIComponent(id)}`;
  return {
    listWebhooks: () => call('GET', HTTP_ROUTES.adminWebhooks),
    createWebhook: (body) => call('POST', HTTP_ROUTES.adminWebhooks, body),
    updateWebhook: (id, patch) => call('PATCH', hook(id), patch),
    deleteWebhook: (id) => call('DELETE', hook(id)),
    testWebhook: (id) => call('POST', `${hook(id)}/test`),
    webhookDeliveries: (id) => call('GET', `${hook(id)}/deliveries`),
    retryDelivery: (id) => call('POST', `${HTTP_ROUTES.adminWebhookDeliveries}/${encodeURIComponent(id)}/retry`),
    listApiTokens: () => call('GET', HTTP_ROUTES.adminApiTokens),
    createApiToken: (body) => call('POST', HTTP_ROUTES.adminApiTokens, body),
    revokeApiToken: (id) => call('DELETE', `${HTTP_ROUTES.adminApiTokens}/${encodeURIComponent(id)}`),
    listAgents: () => call('GET', HTTP_ROUTES.adminAgents),
    createAgent: (body) => call('POST', HTTP_ROUTES.adminAgents, body),
    updateAgent: (id, patch) => call('PATCH', agent(id), patch),
    deactivateAgent: (id) => call('POST', `${agent(id)}/deactivate`),
    reactivateAgent: (id) => call('POST', `${agent(id)}/reactivate`),
    listCanned: () => call('GET', HTTP_ROUTES.adminCannedReplies),
    createCanned: (body) => call('POST', HTTP_ROUTES.adminCannedReplies, body),
    updateCanned: (id, body) => call('PUT', canned(id), body),
    deleteCanned: (id) => call('DELETE', canned(id)),
    routing: () => call('GET', HTTP_ROUTES.adminRouting),
    saveRouting: (settings) => call('PUT', HTTP_ROUTES.adminRouting, settings),
    welcome: () => call('GET', HTTP_ROUTES.adminWelcome),
    saveWelcome: (settings) => call('PUT', HTTP_ROUTES.adminWelcome, settings),
    report: ({ from, to, tz }) =>
      call('GET', `${HTTP_ROUTES.adminReports}?${new URLSearchParams({ from, to, tz }).toString()}`),
    knowledgeGaps: () => call('GET', `${HTTP_ROUTES.adminKnowledge}/gaps`),
    knowledgeReport: ({ from, to, tz }) =>
      call('GET', `${HTTP_ROUTES.adminKnowledgeReport}?${new URLSearchParams({ from, to, tz }).toString()}`),
    audit: (query) => {
      const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => !!entry[1]));
      return call('GET', `${HTTP_ROUTES.adminAudit}${params.size ? `?${params.toString()}` : ''}`);
    },
    visitorExportUrl: (id) => `${visitor(id)}/export`,
    eraseVisitor: (id) => call('DELETE', visitor(id)),
  };
}
