import { visitorRateAnswerSchema } from '@support-chat/shared/schemas';
import { forVisitor } from '../conversations/service.js';
import { ChatError } from '../errors.js';
import { command, type HandlerContext } from './handler.js';
import { rooms } from './rooms.js';
import type { VisitorSocket } from './types.js';
import type { VisitorNamespaceDeps } from './visitor-namespace.js';

/**
 * `message:rate`: the visitor's thumbs up / down on an AI answer, stored on the message itself
 * (`feedback`), where reports count it. Rating again changes the rating. Only AI answers in the
 * visitor's own conversations can be rated; anything else is `not_found`, without saying whether
 * the message exists. Agents watching the conversation see the rating at once.
 */
export function registerVisitorFeedbackHandlers(
  socket: VisitorSocket,
  { store, agents }: Pick<VisitorNamespaceDeps, 'store' | 'agents'>,
  context: HandlerContext,
): void {
  socket.on(
    'message:rate',
    command(context, visitorRateAnswerSchema, async ({ messageId, helpful }) => {
      const message = await store.setMessageFeedback(messageId, socket.data.visitorId, helpful ? 'helpful' : 'not_helpful');
      if (!message) throw new ChatError('not_found', 'There is no answer of the assistant with that id in your conversations.');
      agents.to(rooms.watching(message.conversationId)).emit('message:updated', message);
      return { message: forVisitor(message) };
    }),
  );
}
