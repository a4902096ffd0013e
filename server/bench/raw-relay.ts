/**
 * The baseline of `npm run bench -- relay`: a plain Socket.IO relay with the product's namespaces,
 * event names and ack shapes, and nothing else (no validation, store, routing or fan-out). A
 * visitor and an agent are paired by the `pair` id in the handshake auth (an agent's message
 * names its pair as `conversationId`, like the product's); each pair has an in-memory seq.
 * Run as a child process by the bench (bench/relay/servers.ts).
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import type { ChatMessage, MessageAuthor } from '@support-chat/shared';
import { NAMESPACES } from '@support-chat/shared';
import { parseArgs } from 'node:util';
import { attachRedisAdapter } from '../src/realtime/redis-adapter.js';
import { serveParent } from './relay/child-ipc.js';

type Ack = (result: { ok: true; data: { message: ChatMessage } }) => void;

const httpServer = http.createServer();
const io = new Server(httpServer);
// `--nodes 2`: the same Redis adapter as the product's, so both pay the same price to cross nodes.
const { values } = parseArgs({ options: { 'redis-url': { type: 'string' }, 'redis-prefix': { type: 'string' } } });
const detachAdapter = values['redis-url']
  ? await attachRedisAdapter(io, { url: values['redis-url'], prefix: values['redis-prefix'] ?? 'support-chat-bench-raw:' })
  : null;
const seqs = new Map<string, number>();
const visitors = io.of(NAMESPACES.visitor);
const agents = io.of(NAMESPACES.agent);

function relay(socket: Socket, author: MessageAuthor, peer: typeof agents): void {
  // A visitor names its pair; an agent socket may serve several (`pair-1,pair-5`).
  const pairs = String((socket.handshake.auth as { pair?: unknown }).pair).split(',');
  void socket.join(pairs);
  socket.on('message:send', (payload: { conversationId?: string; clientId: string; text: string }, ack?: Ack) => {
    const pair = payload.conversationId ?? pairs[0]!;
    const seq = (seqs.get(pair) ?? 0) + 1;
    seqs.set(pair, seq);
    const message: ChatMessage = {
      id: randomUUID(),
      conversationId: pair,
      seq,
      author,
      kind: 'text',
      text: payload.text,
      clientId: payload.clientId,
      createdAt: Date.now(),
    };
    if (typeof ack === 'function') ack({ ok: true, data: { message } });
    peer.to(pair).emit('message:created', message);
  });
}

visitors.on('connection', (socket) => relay(socket, 'visitor', agents));
agents.on('connection', (socket) => relay(socket, 'agent', visitors));

httpServer.listen(0, '127.0.0.1', () => {
  serveParent((httpServer.address() as AddressInfo).port, async () => {
    await new Promise<void>((resolve) => io.close(() => resolve()));
    await detachAdapter?.();
  });
});
