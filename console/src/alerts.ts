/**
 * The console calling for the agent when something needs them: a short beep (WebAudio, no
 * asset) and, when permitted, a desktop notification. Browsers only allow sound after a user
 * gesture and permission prompts from one: `unlock()` and `requestPermission()` are called from
 * clicks.
 */
import type { AgentConversation } from '@support-chat/shared';
import { sectionOf } from './inbox-state.js';
import { lastMessagePreview, visitorLabel } from './format.js';
import { fill, t } from './i18n/locale.js';

export type NotificationState = NotificationPermission | 'unsupported';

/** Title and body of the notification for a conversation that now needs the agent. */
export function arrivalText(c: AgentConversation, me: string): { title: string; body: string } {
  const who = visitorLabel(c);
  const preview = lastMessagePreview(c, 120);
  const s = t().shell.notify;
  switch (sectionOf(c, me)) {
    case 'offline':
      return { title: fill(s.offline, { who }), body: preview };
    case 'mine':
      return c.lastMessage?.author === 'visitor' && c.lastMessage.createdAt > (c.queuedAt ?? 0)
        ? { title: fill(s.wrote, { who }), body: preview }
        : { title: fill(s.yours, { who }), body: preview };
    default:
      return { title: fill(s.waiting, { who }), body: preview };
  }
}

const MUTED_KEY = 'support-console:muted';

export class Alerts {
  private audio: AudioContext | null = null;
  /** The agent's choice, kept in this browser. */
  muted = readMuted();

  setMuted(muted: boolean): void {
    this.muted = muted;
    try {
      if (muted) localStorage.setItem(MUTED_KEY, '1');
      else localStorage.removeItem(MUTED_KEY);
    } catch (error) {
      // Storage off (private mode, policy): the choice lasts for this page only.
      console.warn('[support-console] could not keep the sound setting', error);
    }
    if (!muted) this.unlock();
  }

  get notificationState(): NotificationState {
    return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
  }

  /** From a user gesture: after this, beeps can play. */
  unlock(): void {
    if (this.muted) return;
    const Ctor = globalThis.AudioContext as typeof AudioContext | undefined;
    if (!Ctor) return;
    this.audio ??= new Ctor();
    if (this.audio.state === 'suspended') void this.audio.resume().catch((e: unknown) => console.warn('[support-console] audio', e));
  }

  async requestPermission(): Promise<NotificationState> {
    if (this.notificationState !== 'default') return this.notificationState;
    return Notification.requestPermission();
  }

  /** Two short rising tones, quiet. */
  beep(): void {
    const ctx = this.audio;
    if (this.muted || !ctx || ctx.state !== 'running') return;
    const start = ctx.currentTime;
    [660, 880].forEach((frequency, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = frequency;
      const t0 = start + i * 0.14;
      gain.gain.setValueAtTime(0.0001, t0);
      gain.gain.exponentialRampToValueAtTime(0.15, t0 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.12);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0);
      osc.stop(t0 + 0.13);
    });
  }

  /** One notification per conversation (the tag replaces an older one); a click opens it. */
  notify(text: { title: string; body: string }, tag: string, onClick: () => void): void {
    if (this.notificationState !== 'granted') return;
    try {
      const n = new Notification(text.title, { body: text.body, tag });
      n.onclick = () => {
        window.focus();
        onClick();
        n.close();
      };
    } catch (error) {
      // Some browsers only allow notifications from a service worker (Android Chrome).
      console.warn('[support-console] notification failed', error);
    }
  }
}

function readMuted(): boolean {
  try {
    return typeof localStorage !== 'undefined' && localStorage.getItem(MUTED_KEY) === '1';
  } catch {
    return false;
  }
}
