import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { sessionTokenFrom, type AgentSessions } from '../auth/sessions.js';
import { ChatError } from '../errors.js';

/** Allows requests with a valid console session cookie (and, with `admin`, only admins). */
export function requireAgent(sessions: AgentSessions, { admin = false }: { admin?: boolean } = {}): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const agent = await sessions.resolve(sessionTokenFrom(req.headers.cookie));
    if (!agent) throw new ChatError('unauthorized', 'Log in to the console first.');
    if (admin && agent.role !== 'admin') throw new ChatError('forbidden', 'Only admins can do this.');
    res.locals.agent = agent;
    next();
  };
}

export const requireAdmin = (sessions: AgentSessions): RequestHandler => requireAgent(sessions, { admin: true });
