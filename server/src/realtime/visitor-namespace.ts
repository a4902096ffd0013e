import { randomBytes } from 'node:crypto';
import type { AttachmentPolicy, VisitorHandshakeAuth } from '@support-chat/shared';
import { resolveLocale } from '@support-chat/shared';
import { isSignedUserVisitor, type UserVerifier } from '../auth/verified-user.js';
import type { VisitorSessions } from '../auth/visitor-sessions.js';
import type { VisitorTokens } from '../auth/visitor-token.js';
import { ChatError } from '../errors.js';
import type { ConversationService } from '../conversations/service.js';
import type { ConversationEmails } from '../email/conversation-emails.js';
import { rareWarning, type Logger } from '../logger.js';
import type { ConversationRouter } from '../routing/router.js';
import type { TeamRouting } from '../routing/team-routing.js';
import type { Welcome } from '../settings/welcome.js';
import { registerVisitorConversationHandlers } from './visitor-conversation-handlers.js';
import { registerVisitorFeedbackHandlers } from './visitor-feedback-handlers.js';
import { registerVisitorRoutingHandlers } from './visitor-routing-handlers.js';
import { handshakeRefusal } from './connection-guard.js';
import { inOrder, refuseUnknownEvents } from './handler.js';
import type { RateLimits } from './rate-limits.js';
import { rooms } from './rooms.js';
import type { AgentNamespace, VisitorNamespace, VisitorSocket } from './types.js';

export interface VisitorNamespaceDeps {
  conversations: ConversationService;
  router: ConversationRouter;
  tokens: VisitorTokens;
  /** Which visitor a token opens now (an emailed link followed elsewhere ends the older ones). */
  sessions: VisitorSessions;
  users: UserVerifier;
  limits: RateLimits;
  agents: AgentNamespace;
  routing: TeamRouting;
  /** The greeting and starter questions sent with every resume (issue 12). */
  welcome: Pick<Welcome, 'forVisitors'>;
  logger: Logger;
  /** When the server sends email (issue 13). */
  emails?: ConversationEmails;
  /** What visitors may attach, told at resume (issue 13); null when files are off. */
  attachmentPolicy: AttachmentPolicy | null;
}

/**
 * `/visitor`: the widget's socket. A visitor is whoever holds a signed token; a first-time visitor
 * gets a new id (persisted only when they first write). Handlers validate, call the domain, ack.
 */
export function attachVisitorNamespace(namespace: VisitorNamespace, deps: VisitorNamespaceDeps): void {
  const { tokens, sessions, users, limits, logger } = deps;
  const warnForeignToken = rareWarning(
    logger,
    'A visitor token signed with another SECRET was refused: that visitor starts a new conversation. Every process of a site needs the same SECRET, and changing it forgets every visitor.',
  );

  namespace.use((socket, next) => {
    const auth = (socket.handshake.auth ?? {}) as VisitorHandshakeAuth;
    socket.data.locale = resolveLocale(socket.handshake.headers['accept-language']);
    if (auth.user !== undefined) {
      // A signed user is that user on every device, whatever visitor token the browser holds.
      if (typeof auth.user !== 'string') return next(handshakeRefusal(new ChatError('invalid_payload', 'The user token must be a string.')));
      signIn(socket, auth.user, auth.token).then(
        () => next(),
        (error: unknown) => next(handshakeRefusal(error)),
      );
      return;
    }
    identify(socket, auth).then(
      () => next(),
      (error: unknown) => next(handshakeRefusal(error)),
    );
  });

  /** A signed user is that user on every device, whatever visitor token the browser holds. */
  const signIn = async (socket: VisitorSocket, userToken: string, visitorToken: unknown): Promise<void> => {
    const { user, expired } = await users.check(userToken);
    const visitorId = users.visitorIdFor(user.userId);
    // A session the user token opened goes on after it expires (a reconnect after a dropped
    // network or a restart, in a tab open for hours): the browser holds the visitor token issued
    // to that user then, which opens that visitor's conversations while its sessions go on (not
    // once the user's data was erased: VisitorSessions). Only a new session (another device, a
    // cleared browser) needs a token still valid.
    if (expired && (await sessions.visitorOf(visitorToken)) !== visitorId) {
      throw new ChatError('user_refused', 'The signed user token has expired.');
    }
    // An expired token's claims are not taken: an old token (any, once the site signed it) would
    // otherwise bring back what the site has since changed (plan=vip, an email). The claims a
    // valid one gave the conversation stay; a new one gets them with a valid token.
    if (!expired) {
      socket.data.verified = user;
      // Signing in keeps the chat this browser started anonymously: the browser holds that
      // visitor's token, and the site vouches for the user. Never another signed user's (a
      // shared computer: the widget forgets theirs, and it is theirs on the server anyway).
      const anonymous = await sessions.visitorOf(visitorToken);
      if (anonymous && anonymous !== visitorId && !isSignedUserVisitor(anonymous)) {
        const moved = await deps.conversations.adoptVisitor(anonymous, visitorId, user.email);
        // Its other tabs let go: their token opens nothing now (they sign in too, or start afresh).
        if (moved.length > 0) namespace.in(rooms.visitor(anonymous)).disconnectSockets(true);
      }
    }
    socket.data.visitorId = visitorId;
    socket.data.token = sessions.issue(visitorId);
  };

  /** Who a browser without a signed user is: the link's visitor, its token's, or a new one. */
  const identify = async (socket: VisitorSocket, auth: VisitorHandshakeAuth): Promise<void> => {
    // An emailed link (issue 13): the visitor it was sent to, while it is valid; otherwise the
    // browser's own token as usual, while it is still that visitor's (VisitorSessions).
    const link = typeof auth.resume === 'string' ? tokens.verifyResumeIssued(auth.resume, Date.now()) : null;
    // Never a signed user's: signing in opens their conversation (no email carries such a link).
    const resumed = link && !isSignedUserVisitor(link.visitorId) ? link.visitorId : null;
    const opened = await sessions.open(auth.token);
    const known = opened.visitorId;
    /** Whose the token was, still or before its chat went to another browser. */
    const signedFor = typeof auth.token === 'string' ? tokens.verify(auth.token) : null;
    // An expired or altered link opened an empty chat without a word: the greeting says why.
    // Not to the browser the link already made its visitor: the widget sends the page's link again
    // at every reconnect, and a tab left open past the link's expiry would be told its chat is
    // not there (the link's visitor, read with its signature checked and its expiry not).
    if (typeof auth.resume === 'string' && !resumed && (!known || tokens.verifyResume(auth.resume, 0) !== known)) socket.data.linkNotFollowed = 'refused';
    // Not over a visitor this browser already chats as. Anyone can have a link mailed to
    // themselves (leave a message) and pass it on: a security probe's victim who opened one
    // became the sender's visitor, and the sender read everything the victim wrote next. A
    // browser with a chat of its own keeps it, and is told why.
    if (resumed && known && resumed !== known && (await deps.conversations.hasHistory(known))) {
      socket.data.linkNotFollowed = 'ignored';
      socket.data.visitorId = known;
      socket.data.token = auth.token as string;
      return;
    }
    // The tab the link already opened, reconnecting (the widget sends the link each time): its
    // chat goes on, with the token it has.
    if (resumed && known === resumed) {
      socket.data.visitorId = known;
      socket.data.token = auth.token as string;
      return;
    }
    // A browser whose token was this visitor's until the chat went elsewhere does not take it
    // back with the link it still sends: two browsers that opened one email took it from each
    // other at every reconnect (a review). It starts afresh below, told where the chat went.
    if (link && resumed && signedFor !== resumed) {
      // The chat goes to this browser: the visitor's other sessions end, the link's sender's
      // among them (they reconnect as a new visitor).
      const token = await sessions.takeOver(resumed, link.issuedAt);
      if (token) {
        socket.data.visitorId = resumed;
        socket.data.token = token;
        namespace.in(rooms.visitor(resumed)).disconnectSockets(true);
        return;
      }
      socket.data.linkNotFollowed = 'refused'; // mailed before the chat last moved
    }
    if (known) {
      socket.data.visitorId = known;
      socket.data.token = auth.token as string;
      return;
    }
    // The visitor starts afresh and their conversation is out of reach: after a change of
    // SECRET, or from a process started with another one (an operator's probe found it silent).
    if (typeof auth.token === 'string' && tokens.wellFormed(auth.token) && !signedFor) warnForeignToken(null);
    // A token of ours that no longer opens its visitor: the chat went where its emailed link was
    // opened (VisitorSessions). That visit's greeting says so; the widget shows an empty chat.
    // (An erased visitor's page just starts afresh: it was emptied when the erasure was made.)
    else if (opened.ended === 'moved' && !socket.data.linkNotFollowed) socket.data.linkNotFollowed = 'moved';
    // A new identity per handshake would make every per-visitor limit free to dodge (issue 11).
    await limits.newVisitor(socket.data.address);
    socket.data.visitorId = randomBytes(16).toString('base64url');
    socket.data.token = sessions.issue(socket.data.visitorId);
  };

  namespace.on('connection', (socket: VisitorSocket) => {
    const { visitorId } = socket.data;
    void socket.join(rooms.visitor(visitorId));
    // A handshake that read the visitor's sessions just before an emailed link moved them, and
    // joined the room just after the move disconnected it, would stay (a review): checked again
    // once in the room, so either this or the move's disconnect finds it.
    sessions.visitorOf(socket.data.token).then(
      (still) => still !== visitorId && socket.disconnect(true),
      () => undefined, // the store away: the handshake's check stands
    );
    const context = { logger, checkRate: () => limits.visitorEvent(visitorId), sequence: inOrder() };

    registerVisitorConversationHandlers(socket, deps, context);
    registerVisitorFeedbackHandlers(socket, deps, context);
    registerVisitorRoutingHandlers(socket, deps, context);
    refuseUnknownEvents(socket, context);
    if (deps.emails) {
      const { emails } = deps;
      socket.on('disconnect', () => {
        emails.visitorLeft(visitorId).catch((error: unknown) => logger.warn({ err: error, visitorId }, 'could not plan the reply email'));
      });
    }
  });
}

