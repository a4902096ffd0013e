/**
 * Turns a stream of keystrokes into few `typing:set` events: `true` at once and then at most once
 * per `refreshMs` while typing continues (so the visitor's indicator never goes stale), `false`
 * after `idleMs` without a keystroke, or at once on `stop()` (sent, cleared, left).
 */
export interface TypingThrottleOptions {
  send: (typing: boolean) => void;
  refreshMs?: number;
  idleMs?: number;
  now?: () => number;
}

export interface TypingThrottle {
  /** A keystroke in the composer. */
  input(): void;
  /** Typing ended: sends `false` if `true` was the last thing sent. */
  stop(): void;
}

export function createTypingThrottle({
  send,
  refreshMs = 3000,
  idleMs = 4000,
  now = () => Date.now(),
}: TypingThrottleOptions): TypingThrottle {
  let typing = false;
  let lastSentAt = -Infinity;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  const stop = () => {
    clearTimeout(idleTimer);
    idleTimer = undefined;
    if (!typing) return;
    typing = false;
    lastSentAt = -Infinity;
    send(false);
  };

  return {
    input() {
      const t = now();
      if (!typing || t - lastSentAt >= refreshMs) {
        typing = true;
        lastSentAt = t;
        send(true);
      }
      clearTimeout(idleTimer);
      idleTimer = setTimeout(stop, idleMs);
    },
    stop,
  };
}
