/**
 * What the visitor's and the agent's connections both need to send: client ids (which make a
 * retried send harmless) and the typing indicator's throttle.
 */
/** 32 hex characters; `getRandomValues` also works on plain-http pages, unlike `randomUUID`. */
export function newClientId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Sends `typing: true` at most every `everyMs` while typing, `false` on stop or after `idleMs`. */
export class TypingThrottle {
  private _on = false;
  private _sentAt = 0;
  private _idle: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly _emit: (typing: boolean) => void,
    private readonly _everyMs = 2000,
    private readonly _idleMs = 3000,
  ) {}

  set(typing: boolean): void {
    clearTimeout(this._idle);
    if (typing) {
      const now = Date.now();
      if (!this._on || now - this._sentAt >= this._everyMs) {
        this._on = true;
        this._sentAt = now;
        this._emit(true);
      }
      this._idle = setTimeout(() => this.set(false), this._idleMs);
    } else if (this._on) {
      this._on = false;
      this._emit(false);
    }
  }
}
