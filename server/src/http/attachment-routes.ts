/**
 * Files over HTTP (issue 13), not the socket: an upload streams to the storage as it arrives
 * (Socket.IO would hold it in memory, and its frames are capped at 64 KB here), and a browser can
 * show progress. The raw body is the file; its name rides in `X-File-Name` (URI-encoded, only ever
 * shown), the client id in `X-Client-Id`. What the client says the type is, is never read.
 *
 * - Visitors (`/api/visitor/attachments`): the widget runs on other sites, so no cookie: the
 *   visitor token the socket gave it, as `Authorization: Bearer`. CORS for the sites in
 *   ALLOWED_ORIGINS (without credentials). Mounted before the console API's same-origin check.
 * - Agents (`/api/attachments`): their session cookie, same origin only (that check applies).
 *
 * Files are sent with `X-Content-Type-Options: nosniff`, the type found on upload, a CSP that
 * runs nothing (`sandbox`), inline only for pictures and as a download for anything else.
 *
 * The widget's `<img>` and download links cannot carry the token (a header), and a blob: URL is
 * blocked by any host page whose CSP does not list `blob:`. So the widget asks for signed links
 * (`POST …/links`): `?link=` opens one file for one visitor for FILE_LINK_TTL_MS, never anything
 * else, and the visitor's token never lands in a URL (logs, history, Referer).
 */
import { pipeline } from 'node:stream/promises';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { HTTP_ROUTES, isInlineImage, resolveLocale, type AttachmentLinks, type AttachmentUpload } from '@support-chat/shared';
import { attachmentIdSchema, attachmentLinksSchema, attachmentQuerySchema, attachmentUploadSchema } from '@support-chat/shared/schemas';
import type { Attachments, ServedAttachment, Upload } from '../attachments/attachments.js';
import { contentDisposition } from '../attachments/file-name.js';
import type { AgentSessions } from '../auth/sessions.js';
import type { VisitorSessions } from '../auth/visitor-sessions.js';
import type { VisitorTokens } from '../auth/visitor-token.js';
import { forVisitor, type Clock } from '../conversations/service.js';
import { ChatError } from '../errors.js';
import type { RateLimits } from '../realtime/rate-limits.js';
import type { ConversationRouter } from '../routing/router.js';
import type { AgentRecord } from '../store/types.js';
import type { OriginPolicy } from './origins.js';
import { addressKey } from './client-address.js';
import { requireAgent } from './require-agent.js';
import { sendData } from './respond.js';

/** Nothing in a served file runs, loads or frames anything. */
const FILE_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'";

/** How long a signed file link opens its file: long enough to show and click, short if it leaks. */
export const FILE_LINK_TTL_MS = 10 * 60_000;

export function visitorAttachmentRoutes(deps: {
  attachments: Attachments;
  tokens: VisitorTokens;
  /** Which visitor a Bearer token opens now (an emailed link followed elsewhere ends the older ones). */
  sessions: VisitorSessions;
  limits: RateLimits;
  origins: OriginPolicy;
  router: ConversationRouter;
  clock: Clock;
}): Router {
  const { attachments, tokens, sessions, limits, origins, router: conversationRouter, clock } = deps;
  const router = Router();
  const base = HTTP_ROUTES.visitorAttachments;

  // CORS for the widget's pages: no credentials, the headers an upload sends, and nothing else.
  router.use(base, (req, res, next) => {
    const origin = req.headers.origin;
    if (!origins.allows(origin, req.headers.host)) {
      return next(new ChatError('origin_not_allowed', 'The chat is not available on this website.'));
    }
    if (origin) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Expose-Headers', 'Content-Disposition, Retry-After');
    }
    if (req.method !== 'OPTIONS') return next();
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-File-Name, X-Client-Id');
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  });

  const bearer = async (req: Request): Promise<string> => {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const visitorId = match ? await sessions.visitorOf(match[1]) : null;
    if (!visitorId) throw new ChatError('unauthorized', 'Open the chat first: this needs the visitor token it holds.');
    return visitorId;
  };
  const visitor: RequestHandler = (req, res, next) => {
    bearer(req).then(
      (visitorId) => {
        res.locals.visitorId = visitorId;
        next();
      },
      (error: unknown) => next(error),
    );
  };

  router.post(base, visitor, async (req, res) => {
    const visitorId = res.locals.visitorId as string;
    const upload = uploadOf(req);
    await limits.visitorUpload(visitorId, addressKey(req.ip));
    const { message, conversation, created } = await attachments
      .fromVisitor(visitorId, upload, {
        locale: resolveLocale(req.headers['accept-language']),
        admit: () => limits.newConversation(visitorId, addressKey(req.ip)),
      })
      .catch((error: unknown) => refuse(req, res, error));
    if (created) void conversationRouter.handleVisitorMessage(conversation, message, { justStored: true });
    sendData<AttachmentUpload>(res, { message: forVisitor(message) }, created ? 201 : 200);
  });

  // Signing needs no look-up: the link names the visitor, and the download checks the file is theirs.
  router.post(`${base}/links`, visitor, (req, res) => {
    const visitorId = res.locals.visitorId as string;
    const { ids } = attachmentLinksSchema.parse(req.body);
    const expiresAt = clock.now() + FILE_LINK_TTL_MS;
    const links = ids.map((id) => ({
      id,
      url: `${base}/${encodeURIComponent(id)}?link=${tokens.issueFileLink(visitorId, id, expiresAt)}`,
      expiresAt,
    }));
    sendData<AttachmentLinks>(res, { links });
  });

  router.get(`${base}/:id`, async (req, res) => {
    const id = attachmentIdSchema.parse(req.params.id);
    const link = typeof req.query.link === 'string' ? req.query.link : undefined;
    const visitorId = link === undefined ? await bearer(req) : tokens.verifyFileLink(link, id, clock.now());
    if (!visitorId) throw new ChatError('unauthorized', 'This link has expired or is not valid: open the chat again.');
    // A link is for an <img> on the customer's site, which helmet's same-origin CORP would block.
    if (link !== undefined) res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    await sendFile(res, await attachments.forVisitor(visitorId, id));
  });

  return router;
}

export function agentAttachmentRoutes({ attachments, sessions, limits }: { attachments: Attachments; sessions: AgentSessions; limits: RateLimits }): Router {
  const router = Router();
  const agent = requireAgent(sessions);
  const base = HTTP_ROUTES.attachments;

  router.post(base, agent, async (req, res) => {
    const me = res.locals.agent as AgentRecord;
    const { conversationId } = attachmentQuerySchema.parse(req.query);
    const upload = uploadOf(req);
    await limits.agentEvent(me.id);
    const message = await attachments.fromAgent(me, conversationId, upload).catch((error: unknown) => refuse(req, res, error));
    sendData<AttachmentUpload>(res, { message }, 201);
  });

  router.get(`${base}/:id`, agent, async (req, res) => {
    await sendFile(res, await attachments.forAgent(attachmentIdSchema.parse(req.params.id)));
  });

  return router;
}

function uploadOf(req: Request): Upload {
  let name: string | undefined;
  try {
    name = decodeURIComponent(String(req.headers['x-file-name'] ?? ''));
  } catch {
    name = undefined;
  }
  const { clientId } = attachmentUploadSchema.parse({ clientId: req.headers['x-client-id'], name });
  const length = req.headers['content-length'];
  return { source: req, name, clientId, declaredSize: length === undefined ? undefined : Number(length) };
}

/**
 * A refused upload whose body is still arriving: the answer goes out and the connection closes
 * after it, so the rest of a large body is not read for nothing.
 */
function refuse(req: Request, res: Response, error: unknown): never {
  if (!req.complete) res.setHeader('Connection', 'close');
  throw error;
}

/** The file's bytes, with headers that keep a browser from running or sniffing them (the REST API serves files this way too). */
export async function sendFile(res: Response, { record, read, size }: ServedAttachment): Promise<void> {
  const inline = isInlineImage(record.contentType);
  res.setHeader('Content-Type', record.contentType === 'text/plain' ? 'text/plain; charset=utf-8' : record.contentType);
  res.setHeader('Content-Length', String(size));
  res.setHeader('Content-Disposition', contentDisposition(inline ? 'inline' : 'attachment', record.name));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', FILE_CSP);
  // The file never changes under its id; kept by this browser only, and briefly (an erasure should not linger).
  res.setHeader('Cache-Control', 'private, max-age=300');
  await pipeline(read(), res);
}
