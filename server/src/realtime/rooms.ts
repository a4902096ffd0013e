/** Socket.IO room names, in one place: with the Redis adapter these are what crosses processes. */
export const rooms = {
  /** Every tab of one visitor. */
  visitor: (visitorId: string) => `visitor:${visitorId}`,
  /** Agents who opened one conversation. */
  watching: (conversationId: string) => `watch:${conversationId}`,
  /** Every agent socket (inbox updates). */
  agents: 'agents',
  /**
   * Agent sockets showing conversations that are neither their agent's nor queued (`inbox:follow`):
   * the long tick's rows go here only, not to every agent.
   */
  teamRows: 'team-rows',
  /** Every socket (tab) of one agent: their own conversations' inbox rows. */
  agent: (agentId: string) => `agent:${agentId}`,
  /** Sockets of one login session (to disconnect them at logout). */
  session: (tokenHash: string) => `session:${tokenHash}`,
} as const;
