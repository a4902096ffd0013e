/**
 * The open conversation's transcript as immutable state: stored messages merged by `seq`, AI
 * answers still streaming (ephemeral, keyed by `streamId`), and this agent's sends that are not
 * acknowledged yet (keyed by `clientId`, the idempotency key, so a retry cannot duplicate).
 */
import type { AiTokenEvent, ChatMessage, TypingChangedEvent } from '@support-chat/shared';

export interface PendingMessage {
  clientId: string;
  /** `note`: internal, sent with `note:add`; never reaches the visitor. */
  kind: 'text' | 'note';
  text: string;
  createdAt: number;
  /** Set when the send failed; the agent can retry with the same clientId. */
  error?: string;
}

export interface LiveStream {
  streamId: string;
  text: string;
  startedAt: number;
}

export interface TranscriptState {
  readonly conversationId: string;
  /** False until `conversation:watch` answered. */
  readonly loaded: boolean;
  /** Oldest first, unique by seq. */
  readonly messages: readonly ChatMessage[];
  readonly streams: readonly LiveStream[];
  readonly pending: readonly PendingMessage[];
  /** Who else is typing here right now (the visitor, or a colleague by name). */
  readonly typing: readonly TypingPerson[];
}

export interface TypingPerson {
  author: TypingChangedEvent['author'];
  name?: string;
}

export function emptyTranscript(conversationId: string): TranscriptState {
  return { conversationId, loaded: false, messages: [], streams: [], pending: [], typing: [] };
}

/**
 * Where a re-watch continues: the end of the unbroken run of seqs held (agents see every seq,
 * notes included, so a gap is a message missed: with several server processes a higher seq can
 * arrive first, and a drop then would skip the lower one for good if the watch went on after the
 * highest).
 */
export function resumeSeq(state: TranscriptState): number {
  const { messages } = state;
  let i = 0;
  while (i + 1 < messages.length && messages[i + 1]!.seq === messages[i]!.seq + 1) i++;
  return messages[i]?.seq ?? 0;
}

/** Highest seq held: what the agent has read up to. */
export function lastSeq(state: TranscriptState): number {
  return state.messages.at(-1)?.seq ?? 0;
}

/**
 * Merges messages from an ack, an event or a re-watch. A message settles the pending send with
 * its clientId and the stream with its streamId; one already held (same seq) is kept as is.
 */
export function mergeMessages(
  state: TranscriptState,
  incoming: readonly ChatMessage[],
): TranscriptState {
  const mine = incoming.filter((m) => m.conversationId === state.conversationId);
  if (mine.length === 0) return state;
  const bySeq = new Map(state.messages.map((m) => [m.seq, m]));
  for (const m of mine) if (!bySeq.has(m.seq)) bySeq.set(m.seq, m);
  const messages = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  const clientIds = new Set(mine.flatMap((m) => (m.clientId ? [m.clientId] : [])));
  const streamIds = new Set(mine.flatMap((m) => (m.streamId ? [m.streamId] : [])));
  return {
    ...state,
    messages,
    pending: state.pending.filter((p) => !clientIds.has(p.clientId)),
    streams: state.streams.filter((s) => !streamIds.has(s.streamId)),
  };
}

/** A stored message changed (a visitor rated an answer): the new version replaces the held one. */
export function replaceMessage(state: TranscriptState, updated: ChatMessage): TranscriptState {
  if (updated.conversationId !== state.conversationId) return state;
  const index = state.messages.findIndex((m) => m.id === updated.id);
  if (index < 0) return state;
  const messages = state.messages.slice();
  messages[index] = updated;
  return { ...state, messages };
}

export function markLoaded(state: TranscriptState): TranscriptState {
  return state.loaded ? state : { ...state, loaded: true };
}

/** Appends a streamed delta; a token for an answer already stored is late and ignored. */
export function applyToken(state: TranscriptState, event: AiTokenEvent, now: number): TranscriptState {
  if (event.conversationId !== state.conversationId) return state;
  if (state.messages.some((m) => m.streamId === event.streamId)) return state;
  const existing = state.streams.find((s) => s.streamId === event.streamId);
  // Joined midway (the conversation opened, or the console reconnected, during the answer):
  // not shown from the middle of a word; the stored answer comes whole.
  if (!existing && event.at > 0) return state;
  const streams = existing
    ? state.streams.map((s) =>
        s === existing ? { ...s, text: s.text + event.delta } : s,
      )
    : [...state.streams, { streamId: event.streamId, text: event.delta, startedAt: now }];
  return { ...state, streams };
}

export function abortStream(state: TranscriptState, streamId: string): TranscriptState {
  if (!state.streams.some((s) => s.streamId === streamId)) return state;
  return { ...state, streams: state.streams.filter((s) => s.streamId !== streamId) };
}

/**
 * A dropped connection ends every stream we were shown: tokens sent meanwhile are lost, and the
 * stored answer arrives with the re-watch.
 */
export function dropStreams(state: TranscriptState): TranscriptState {
  return state.streams.length ? { ...state, streams: [] } : state;
}

/** Adds (or, for a retry, clears the error of) a send awaiting its ack. */
export function addPending(state: TranscriptState, pending: PendingMessage): TranscriptState {
  const others = state.pending.filter((p) => p.clientId !== pending.clientId);
  return { ...state, pending: [...others, { ...pending, error: undefined }] };
}

export function failPending(
  state: TranscriptState,
  clientId: string,
  error: string,
): TranscriptState {
  if (!state.pending.some((p) => p.clientId === clientId)) return state;
  return {
    ...state,
    pending: state.pending.map((p) => (p.clientId === clientId ? { ...p, error } : p)),
  };
}

export function discardPending(state: TranscriptState, clientId: string): TranscriptState {
  return { ...state, pending: state.pending.filter((p) => p.clientId !== clientId) };
}

/** Tracks who is typing (the visitor, or a colleague watching the same conversation). */
export function applyTyping(state: TranscriptState, event: TypingChangedEvent): TranscriptState {
  if (event.conversationId !== state.conversationId) return state;
  const same = (p: TypingPerson) => p.author === event.author && p.name === event.name;
  const already = state.typing.some(same);
  if (event.typing === already) return state;
  const typing = event.typing
    ? [...state.typing, { author: event.author, ...(event.name ? { name: event.name } : {}) }]
    : state.typing.filter((p) => !same(p));
  return { ...state, typing };
}

/** Once someone's message lands they are no longer typing it. */
export function clearTypingOf(state: TranscriptState, message: ChatMessage): TranscriptState {
  const typing = state.typing.filter(
    (p) => !(p.author === message.author && (p.author !== 'agent' || p.name === message.authorName)),
  );
  return typing.length === state.typing.length ? state : { ...state, typing };
}

/**
 * The seq of the company's last message the visitor has seen (where "Seen" goes), from the
 * conversation's `visitorReadSeq`. Notes and events do not count: the visitor never sees notes.
 */
export function seenMarkerSeq(state: TranscriptState, visitorReadSeq: number | undefined): number | null {
  if (!visitorReadSeq) return null;
  for (let i = state.messages.length - 1; i >= 0; i--) {
    const m = state.messages[i]!;
    if (m.seq <= visitorReadSeq && m.kind === 'text' && (m.author === 'agent' || m.author === 'ai')) return m.seq;
  }
  return null;
}
