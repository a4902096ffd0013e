import { visitorRateAnswerSchema } from '@support-chat/shared/schemas';
import { forVisitor } from '../conversations/service.js';
import { command, type HandlerContext } from './handler.js';
import type { VisitorSocket } from './types.js';
import type { VisitorNamespaceDeps } from './visitor-namespace.js';

/**
 * `message:rate`: the visitor's thumbs up / down on an AI answer (`ConversationService.rateAnswer`);
 * agents watching the conversation see the rating at once (fanout.ts).
 */
export function registerVisitorFeedbackHandlers(
  socket: VisitorSocket,
  { conversations }: Pick<VisitorNamespaceDeps, 'conversations'>,
  context: HandlerContext,
): void {
  socket.on(
    'message:rate',
    command(context, visitorRateAnswerSchema, async ({ messageId, helpful }) => ({
      message: forVisitor(await conversations.rateAnswer(socket.data.visitorId, messageId, helpful)),
    })),
  );
}
