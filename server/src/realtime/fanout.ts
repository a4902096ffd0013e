import type { DomainEventBus } from '../conversations/events.js';
import { forVisitor, type ConversationService } from '../conversations/service.js';
import type { Logger } from '../logger.js';
import type { ConversationRecord, Store } from '../store/types.js';
import { InboxPatches, type InboxPatchOptions } from './inbox-patches.js';
import { localAudience } from './local-audience.js';
import { rooms } from './rooms.js';
import type { AgentNamespace, VisitorNamespace } from './types.js';

/** How long queue places wait to be re-sent, so a burst of queue changes costs one pass. */
const QUEUE_RESEND_MS = 50;

/**
 * Turns domain events into socket events: visitors hear about their own conversation (never
 * internal notes), agents watching a conversation hear everything in it, and inboxes hear about
 * changes: status changes at once and whole, new messages and read receipts as coalesced patches
 * (inbox-patches.ts), the team's rows only to the consoles that follow them (`inbox:follow`).
 */
export function connectFanout({
  bus,
  conversations,
  store,
  visitors,
  agents,
  logger,
  inbox = {},
  crossProcess = false,
}: {
  bus: DomainEventBus;
  conversations: ConversationService;
  store: Store;
  visitors: VisitorNamespace;
  agents: AgentNamespace;
  logger: Logger;
  inbox?: InboxPatchOptions;
  /** An adapter joins processes (Redis): a room's members may be elsewhere (local-audience.ts). */
  crossProcess?: boolean;
}): () => void {
  const anyVisitor = localAudience(visitors, crossProcess);
  const anyAgent = localAudience(agents, crossProcess);
  const report = (error: unknown) => logger.error({ err: error }, 'fan-out failed');
  const patches = new InboxPatches(
    {
      toEveryone: (list) => agents.to(rooms.agents).emit('inbox:patched', list),
      // Often nobody shows the team's rows: then the batch is not even encoded.
      toTeamFollowers: (list) => {
        if (anyAgent(rooms.teamRows)) agents.to(rooms.teamRows).emit('inbox:patched', list);
      },
      toAgent: (agentId, list) => agents.to(rooms.agent(agentId)).emit('inbox:patched', list),
      toAgentUnlessWatching: (agentId, patch) => {
        if (!anyAgent(rooms.agent(agentId), { room: rooms.watching(patch.id) })) return;
        agents.to(rooms.agent(agentId)).except(rooms.watching(patch.id)).emit('inbox:patched', [patch]);
      },
      toWatchers: (patch, exceptAgentId) => {
        const watching = rooms.watching(patch.id);
        if (!exceptAgentId) {
          if (anyAgent(watching)) agents.to(watching).emit('inbox:patched', [patch]);
          return;
        }
        if (!anyAgent(watching, { room: rooms.agent(exceptAgentId) })) return;
        agents.to(watching).except(rooms.agent(exceptAgentId)).emit('inbox:patched', [patch]);
      },
    },
    inbox,
  );

  /**
   * Places and estimated waits moved: every queued visitor (and the inbox) hears theirs, once per
   * burst of changes (each conversation whole, with the place it has after the burst).
   */
  let queueResend: NodeJS.Timeout | undefined;
  /** Every process of the site must hear this burst's change (true), or each sends it to its own sockets. */
  let resendEverywhere = false;
  const scheduleQueueResend = ({ everywhere }: { everywhere: boolean }) => {
    resendEverywhere ||= everywhere;
    queueResend ??= setTimeout(() => {
      queueResend = undefined;
      const everywhere = resendEverywhere;
      resendEverywhere = false;
      resendQueue(everywhere).catch(report);
    }, QUEUE_RESEND_MS).unref();
  };
  const resendQueue = async (everywhere: boolean) => {
    const [toVisitors, toAgents] = everywhere ? [visitors, agents] : [visitors.local, agents.local];
    // Read in queue order, each place is its index: no per-conversation position query.
    const queue = await store.listConversations({ statuses: ['queued'], order: 'queue', limit: 500 });
    for (const [index, other] of queue.entries()) {
      const known = { queuePosition: index + 1 };
      toVisitors.to(rooms.visitor(other.visitorId)).emit('conversation:updated', await conversations.toVisitorView(other, known));
      toAgents.to(rooms.agents).emit('conversation:updated', await conversations.toAgentView(other, known));
    }
  };

  const toTeam = (conversation: ConversationRecord) => {
    void conversations
      .toAgentView(conversation)
      .then((view) => agents.to(rooms.agents).emit('conversation:updated', view))
      .catch(report);
  };

  const offs = [
    bus.on('messageCreated', (message, conversation, origin) => {
      const visitorRoom = rooms.visitor(conversation.visitorId);
      if (message.kind !== 'note' && anyVisitor(visitorRoom, { socket: origin })) {
        // The sender's own socket has it in its ack; its other tabs hear it here.
        const tabs = visitors.to(visitorRoom);
        (origin ? tabs.except(origin) : tabs).emit('message:created', forVisitor(message));
      }
      const watching = rooms.watching(conversation.id);
      if (anyAgent(watching, { socket: origin })) {
        const watchers = agents.to(watching);
        (origin ? watchers.except(origin) : watchers).emit('message:created', message);
      }
      patches.add(conversation, message);
    }),
    bus.on('messageUpdated', (message) => {
      agents.to(rooms.watching(message.conversationId)).emit('message:updated', message);
    }),
    bus.on('conversationChanged', (conversation) => {
      void (async () => {
        const visitor = visitors.to(rooms.visitor(conversation.visitorId));
        // Nobody types in a closed conversation: the widget showed "… is typing" under "ended"
        // until its own timeout when an agent closed it mid-reply (a probe).
        if (conversation.status === 'closed') {
          visitor.emit('typing:changed', { conversationId: conversation.id, author: 'agent', typing: false });
        }
        visitor.emit('conversation:updated', await conversations.toVisitorView(conversation));
        agents.to(rooms.agents).emit('conversation:updated', await conversations.toAgentView(conversation));
        // Everyone behind this conversation in the queue moved up (or down): tell them.
        scheduleQueueResend({ everywhere: true });
      })().catch(report);
    }),
    bus.on('readStateChanged', (conversation) => patches.add(conversation)),
    // Labels and the visitor's context are the team's: every agent's inbox (through the adapter,
    // on every node), no visitor.
    bus.on('labelsChanged', toTeam),
    bus.on('contextChanged', toTeam),
    // Availability is worked out by every process from what they share (the team's presence,
    // the settings, the clock): each tells its own sockets, or every visitor would hear each
    // change once per process.
    bus.on('availabilityChanged', (availability) => {
      visitors.local.emit('availability:changed', availability);
      // Agents online changed: so did every estimated wait.
      scheduleQueueResend({ everywhere: false });
    }),
    // Presence carries each agent's load, which only the process that assigned, transferred or
    // closed knows of at once: told to every process's consoles (a change another process works
    // out as well arrives twice, and the console keeps the last).
    bus.on('presenceChanged', (presence) => {
      agents.to(rooms.agents).emit('presence:changed', presence);
    }),
    bus.on('visitorErased', ({ visitorId, conversationIds }) => {
      // Through the adapter: the visitor's tabs on every process. Their widget may connect
      // again, as a visitor with nothing stored.
      visitors.in(rooms.visitor(visitorId)).disconnectSockets(true);
      agents.to(rooms.agents).emit('conversations:erased', { visitorId, conversationIds });
      scheduleQueueResend({ everywhere: true });
    }),
    bus.on('aiToken', ({ visitorId, conversationId, streamId, delta, at }) => {
      const event = { conversationId, streamId, delta, at };
      visitors.to(rooms.visitor(visitorId)).emit('ai:token', event);
      agents.to(rooms.watching(conversationId)).emit('ai:token', event);
    }),
    bus.on('aiStreamAborted', ({ visitorId, conversationId, streamId }) => {
      visitors.to(rooms.visitor(visitorId)).emit('ai:stream-aborted', { conversationId, streamId });
      agents.to(rooms.watching(conversationId)).emit('ai:stream-aborted', { conversationId, streamId });
    }),
  ];
  return () => {
    offs.forEach((off) => off());
    clearTimeout(queueResend);
    patches.dispose();
  };
}
