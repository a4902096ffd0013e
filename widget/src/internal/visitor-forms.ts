/**
 * The two forms a visitor fills in besides the composer, as a controller of the chat panel:
 * leaving a message while nobody can chat, and rating a closed conversation 1–5. It keeps their
 * state, renders them and moves focus; the connection does the talking.
 */
import { html, nothing } from 'lit/html.js';
import { LIMITS, type Locale, type VisitorConversation } from '@support-chat/shared';
import type { VisitorConnection } from './connection.js';
import { format, when, type Strings } from '@support-chat/shared/browser/i18n.js';

/** Close to the server's check (zod's `email()`), so that what passes here is accepted there. */
export const EMAIL = /^[\w'+.-]+@([a-z\d][a-z\d-]*\.)+[a-z]{2,}$/i;
const STAR = 'M12 3l2.7 5.6 6.1.8-4.5 4.2 1.1 6.1-5.4-3-5.4 3 1.1-6.1-4.5-4.2 6.1-.8z';

/** The field of the leave-a-message form to correct first, if any. */
export function invalidField(email: string, text: string): '' | 'email' | 'text' {
  return !EMAIL.test(email) ? 'email' : !text ? 'text' : '';
}

/** " We open again Mon 9:00 AM." when the server said when business hours begin, else ''. */
export function nextOpen(c: VisitorConnection, s: Strings, locale: Locale): string {
  const at = c.availability?.nextOpenAt;
  return at ? format(s.nextOpen, { time: when(locale, at) }) : '';
}

/** The chat panel it renders in (what it uses of a Lit host). */
type Host = { requestUpdate(): void; readonly updateComplete: Promise<boolean>; renderRoot: ParentNode };

export class VisitorForms {
  /** The leave-a-message form is open (the composer hides meanwhile). */
  leaving = false;
  private _invalid: '' | 'email' | 'text' = '';
  /** Stars chosen in the rating form (0: none yet). */
  private _score = 0;
  /** The conversation rated on this page: it gets a thank-you instead of the form. */
  private _rated: string | undefined;
  private _prefill = '';

  constructor(
    private readonly _host: Host,
    private readonly _conn: () => VisitorConnection,
  ) {}

  /**
   * Queued while nobody can chat (the visitor asked for a person, or the AI handed over): a
   * queue place would promise someone soon, so leaving a message is offered in its place.
   */
  get offering(): boolean {
    const c = this._conn();
    const conv = c.conversation;
    return !this.leaving && c.availability?.acceptingChats === false && conv?.status === 'queued' && !conv.messageLeft && !c._leftPending;
  }

  /** The leave-a-message form or the offer of it, the rating form or its thank-you, or nothing. */
  render(s: Strings, locale: Locale) {
    const conv = this._conn().conversation;
    if (this.leaving) return this._renderLeave(s, locale);
    if (this.offering) {
      return html`<div class="card">
        <p>${s.leaveIntro}${nextOpen(this._conn(), s, locale)}</p>
        <button type="button" @click=${this.open}>${s.leave}</button>
      </div>`;
    }
    if (conv?.status === 'closed' && (!conv.rating || this._rated === conv.id)) return this._renderRating(conv, s, this._conn().emails);
    return nothing;
  }

  /** Opens the leave-a-message form, with what the visitor wrote or last asked as the message. */
  open = async () => {
    const c = this._conn();
    const shown = c.messages.filter((m) => m.conversationId === c.conversation?.id);
    // Not "转人工" itself: the message the hand-off line (visitor_request) follows.
    const asked = shown.filter((m, i) => m.author === 'visitor' && (shown[i + 1]?.event as { reason?: string } | undefined)?.reason !== 'visitor_request');
    this._prefill = this._composer()?.value.trim() || asked.at(-1)?.text || '';
    await this._set(() => (this.leaving = true));
    this._focus('[name=email]');
  };

  private _close = async () => {
    await this._set(() => ([this.leaving, this._invalid] = [false, '']));
    this._composer()?.focus();
  };

  private _leave = async (e: Event) => {
    e.preventDefault();
    const c = this._conn();
    const form = e.target as HTMLFormElement;
    const field = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value.trim();
    const [email, text] = [field('email'), field('text')];
    this._invalid = invalidField(email, text);
    if (!this._invalid) {
      if (await c._leaveMessage({ email, name: field('name') || undefined, text })) {
        const composer = this._composer();
        if (composer?.value.trim() === text) composer.value = '';
        return this._close();
      }
      // The server's stricter look at the address: said next to it rather than in the alert.
      if (c.lastError === 'invalid_payload') [this._invalid, c.lastError] = ['email', null];
    }
    await this._set();
    this._focus('[aria-invalid=true]');
  };

  private _rate = async (e: Event) => {
    e.preventDefault();
    const c = this._conn();
    const id = c.conversation?.id;
    const field = (name: string) => ((e.target as HTMLFormElement).elements.namedItem(name) as HTMLInputElement | null)?.value.trim() ?? '';
    // With an address, the transcript goes to it by email (issue 13).
    if (await c._rateConversation(this._score, field('comment'), field('mail'))) {
      // The form goes with the focus in it: the thank-you takes it (and is read out).
      await this._set(() => ([this._rated, this._score] = [id, 0]));
      this._focus('[part=rating]');
    }
  };

  private _renderRating(conv: VisitorConversation, s: Strings, emails: boolean) {
    if (conv.rating) return html`<p part="rating" class="card" role="status" tabindex="-1">${s.rated}</p>`;
    return html`<form part="rating" class="card" @submit=${this._rate}>
      <fieldset>
        <legend>${s.rate}</legend>
        <div class="stars">
          ${[1, 2, 3, 4, 5].map(
            (n) => html`<label class=${n <= this._score ? 'on' : ''}>
              <input
                type="radio"
                name="score"
                class="sr"
                aria-label=${format(s.stars, { n })}
                @change=${() => this._set(() => (this._score = n))}
              /><svg viewBox="0 0 24 24" aria-hidden="true"><path d=${STAR} /></svg>
            </label>`,
          )}
        </div>
      </fieldset>
      ${this._score
        ? html`<textarea name="comment" rows="2" maxlength=${LIMITS.messageChars} aria-label=${s.comment} placeholder=${s.comment}></textarea>
            ${emails ? html`<input name="mail" type="email" autocomplete="email" aria-label=${s.transcript} placeholder=${s.transcript} />` : nothing}
            <button type="submit">${s.submit}</button>`
        : nothing}
    </form>`;
  }

  private _renderLeave(s: Strings, locale: Locale) {
    const bad = this._invalid;
    return html`<form part="leave-message" class="card" aria-labelledby="leave" novalidate @submit=${this._leave}>
      <h3 id="leave">${s.leave}</h3>
      <p>${s.leaveIntro}${nextOpen(this._conn(), s, locale)}</p>
      <label>
        ${s.email}
        <input
          name="email"
          type="email"
          autocomplete="email"
          required
          maxlength=${LIMITS.emailChars}
          aria-invalid=${bad === 'email'}
          aria-describedby="leave-error"
        />
      </label>
      <label>${s.name}<input name="name" autocomplete="name" maxlength=${LIMITS.nameChars} /></label>
      <label>
        ${s.message}
        <textarea
          name="text"
          dir="auto"
          rows="3"
          required
          maxlength=${LIMITS.messageChars}
          aria-invalid=${bad === 'text'}
          aria-describedby="leave-error"
          .value=${this._prefill}
        ></textarea>
      </label>
      <p id="leave-error" class="error" role="alert">${bad === 'email' ? s.errEmail : bad === 'text' ? s.errText : ''}</p>
      <div class="actions">
        <button type="button" @click=${this._close}>${s.cancel}</button>
        <button type="submit">${s.submit}</button>
      </div>
    </form>`;
  }

  /** Changes state, re-renders, and resolves once the change is on screen. */
  private _set(change?: () => unknown): Promise<boolean> {
    change?.();
    this._host.requestUpdate();
    return this._host.updateComplete;
  }

  private _composer(): HTMLTextAreaElement | null {
    return this._host.renderRoot.querySelector('#input');
  }

  private _focus(selector: string): void {
    this._host.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }
}
