import type { Source } from '@support-chat/shared';

/** What the agent left unsent in a conversation's reply box: the text, and whether it is a reply or a note. */
export interface Draft {
  text: string;
  /** What an AI draft in the text was based on. */
  sources: readonly Source[];
  mode: 'text' | 'note';
}

const KEY = 'support-console:drafts';
/** Conversations whose drafts are kept; the one left longest ago goes first. */
export const MAX_DRAFTS = 50;

/**
 * The reply box's drafts, one per conversation, kept in this tab's sessionStorage: a reload (or a
 * crashed page) does not lose a half-written reply, and a closed tab leaves nothing behind on a
 * shared computer. The mode is the draft's own: a note begun in one conversation must never come
 * back in another as a reply, nor a reply as a note.
 */
export class DraftStore {
  private readonly drafts: Map<string, Draft>;
  /** Whose drafts these are: another agent signing in to this tab (a session that expired) starts with none. */
  private agentId: string;

  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null = tabStorage()) {
    const stored = read(storage);
    this.agentId = stored.agentId;
    this.drafts = new Map(stored.drafts);
  }

  /** An agent signed in: another agent's drafts left in this tab go. */
  signedIn(agentId: string): void {
    if (agentId === this.agentId) return;
    this.drafts.clear();
    this.agentId = agentId;
    this.save();
  }

  get(conversationId: string): Draft | undefined {
    return this.drafts.get(conversationId);
  }

  /**
   * Keeps `draft`. An empty one is forgotten, its mode too: a conversation opened again starts
   * as a reply unless a note was left half-written in it.
   */
  set(conversationId: string, draft: Draft): void {
    this.drafts.delete(conversationId);
    if (draft.text.trim()) this.drafts.set(conversationId, draft);
    for (const oldest of [...this.drafts.keys()].slice(0, Math.max(0, this.drafts.size - MAX_DRAFTS))) this.drafts.delete(oldest);
    this.save();
  }

  delete(conversationId: string): void {
    if (this.drafts.delete(conversationId)) this.save();
  }

  /** The agent signed out: nothing of theirs stays in the tab. (A session that ended otherwise keeps them for the same agent: `signedIn`.) */
  clear(): void {
    this.drafts.clear();
    try {
      this.storage?.removeItem(KEY);
    } catch {
      // Storage refused: there is nothing in it either.
    }
  }

  private save(): void {
    try {
      this.storage?.setItem(KEY, JSON.stringify({ agentId: this.agentId, drafts: [...this.drafts] }));
    } catch {
      // Full or refused (private mode): drafts still last as long as the page.
    }
  }
}

/** The console's drafts (one tab, one signed-in agent). */
export const consoleDrafts = new DraftStore();

function read(storage: Pick<Storage, 'getItem'> | null): { agentId: string; drafts: [string, Draft][] } {
  try {
    const stored = JSON.parse(storage?.getItem(KEY) ?? '{}') as { agentId?: unknown; drafts?: unknown };
    if (typeof stored?.agentId !== 'string' || !Array.isArray(stored.drafts)) return { agentId: '', drafts: [] };
    const drafts = stored.drafts.filter(
      (entry): entry is [string, Draft] =>
        Array.isArray(entry) &&
        typeof entry[0] === 'string' &&
        typeof entry[1]?.text === 'string' &&
        Array.isArray(entry[1].sources) &&
        (entry[1].mode === 'text' || entry[1].mode === 'note'),
    );
    return { agentId: stored.agentId, drafts };
  } catch {
    return { agentId: '', drafts: [] }; // written by something else: started afresh
  }
}

function tabStorage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}
