import { LitElement, css, html, nothing } from 'lit';
import { KNOWLEDGE_LIMITS, type ErrorBody, type KnowledgeEntryInput, type KnowledgeGapGroup, type KnowledgeProposal } from '@support-chat/shared';
import { renderMarkdown } from '@support-chat/shared/browser/markdown.js';
import { ago } from './format.js';
import { errorText, fill, LocaleController, plural, t } from './i18n/locale.js';
import { createKnowledgeApi, type KnowledgeApi, type ProposalEdit } from './knowledge-api.js';
import { base } from './theme.styles.js';
import { pageStyles } from './page.styles.js';

/** The unanswered-question groups shown before "Show all". */
const GAPS_SHOWN = 8;
const WEEK_DAYS = 7;

/**
 * The learning part of the Knowledge page (issue 14): what the AI could not answer this week
 * (rewordings counted once, most asked first) and the proposals made from agents' replies, to
 * accept (as proposed, or edited inline first) or reject. Each decision reloads the list and
 * tells the page (`knowledge-changed`), whose entry list then shows what was learned. Renders
 * nothing for someone the server does not let manage the knowledge.
 */
export class SupportConsoleKnowledgeLearning extends LitElement {
  static override styles = [base, pageStyles, css`
    .section-head {
      display: flex;
      align-items: baseline;
      gap: 10px;
      flex-wrap: wrap;
    }
    .section-head h3 {
      margin: 0;
    }
    .section-head h3:focus {
      outline: none;
    }
    .lead {
      margin: 4px 0 12px;
    }
    ol.gaps,
    ul.proposals {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 10px;
    }
    ol.gaps > li {
      display: grid;
      gap: 2px;
      padding: 8px 0;
      border-bottom: 1px solid var(--support-console-border);
    }
    ol.gaps > li:last-child {
      border-bottom: 0;
    }
    .gap-line {
      display: flex;
      gap: 8px;
      align-items: baseline;
      flex-wrap: wrap;
    }
    .count {
      font-variant-numeric: tabular-nums;
      white-space: nowrap;
      font-size: 12px;
      padding: 1px 8px;
    }
    /* Answered since it was asked: no longer work to do, kept in the record. */
    ol.gaps > li.answered strong {
      font-weight: 500;
      color: var(--support-console-muted);
    }
    .chip.ok {
      color: var(--support-console-ok);
      border-color: currentColor;
      font-size: 12px;
      padding: 1px 8px;
    }
    .variants {
      font-size: 0.9em;
      overflow-wrap: anywhere;
    }
    ul.proposals > li {
      border: 1px solid var(--support-console-border);
      border-radius: var(--support-console-radius);
      padding: 12px 14px;
      display: grid;
      gap: 8px;
      min-width: 0;
    }
    ul.proposals > li:focus {
      outline: 2px solid var(--support-console-accent);
      outline-offset: 2px;
    }
    .proposal-head {
      display: flex;
      gap: 8px;
      align-items: baseline;
      flex-wrap: wrap;
    }
    h4 {
      margin: 0;
      font-size: 14px;
      overflow-wrap: anywhere;
    }
    dl {
      margin: 0;
      display: grid;
      gap: 6px;
    }
    dt {
      font-size: 12px;
      font-weight: 600;
      color: var(--support-console-muted);
    }
    dd {
      margin: 0;
      overflow-wrap: anywhere;
    }
    dd p {
      margin: 0 0 0.4em;
    }
    details > summary {
      cursor: pointer;
      font-size: 13px;
    }
    .examples {
      margin: 6px 0 0;
      padding-left: 1.2em;
      display: grid;
      gap: 8px;
    }
    .examples q {
      font-weight: 500;
    }
    .example-answer {
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      margin: 2px 0;
      max-height: 9em;
      overflow: auto;
    }
    .actions {
      display: flex;
      gap: 8px;
      flex-wrap: wrap;
    }
    form.edit {
      display: grid;
      gap: 10px;
    }
    textarea,
    input:not([type='checkbox']),
    select {
      width: 100%;
      box-sizing: border-box;
    }
  `];

  static override properties = {
    api: { attribute: false },
    gaps: { state: true },
    proposals: { state: true },
    forbidden: { state: true },
    showAllGaps: { state: true },
    editing: { state: true },
    busy: { state: true },
    message: { state: true },
    loadError: { state: true },
    decisionError: { state: true },
  };

  declare api: KnowledgeApi;
  declare gaps: KnowledgeGapGroup[] | null;
  declare proposals: KnowledgeProposal[] | null;
  declare forbidden: boolean;
  declare showAllGaps: boolean;
  /** The proposal whose edit form is open. */
  declare editing: string | null;
  /** The proposal a decision is being saved for. */
  declare busy: string | null;
  declare message: string;
  declare loadError: string;
  /** A refused decision, shown by its proposal. */
  declare decisionError: { id: string; text: string } | null;

  private readonly i18n = new LocaleController(this);

  constructor() {
    super();
    this.api = createKnowledgeApi();
    this.gaps = null;
    this.proposals = null;
    this.forbidden = false;
    this.showAllGaps = false;
    this.editing = null;
    this.busy = null;
    this.message = '';
    this.loadError = '';
    this.decisionError = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  /**
   * The page's entries changed (one written, edited or deleted): a gap it answers now says so
   * (it did only after a reload: a probe).
   */
  refresh(): Promise<void> {
    return this.load();
  }

  /** Reads both lists; the proposals after each decision. */
  private async load(): Promise<void> {
    const [gaps, proposals] = await Promise.all([this.api.gapGroups(WEEK_DAYS), this.api.proposals()]);
    if ((!gaps.ok && gaps.error.code === 'forbidden') || (!proposals.ok && proposals.error.code === 'forbidden')) {
      this.forbidden = true;
      return;
    }
    const s = t().learning;
    const failed: string[] = [];
    if (gaps.ok) this.gaps = gaps.data.gaps;
    else failed.push(fill(s.gaps.loadFailed, { error: errorText(gaps.error) }));
    if (proposals.ok) this.proposals = proposals.data.proposals;
    else failed.push(fill(s.proposals.loadFailed, { error: errorText(proposals.error) }));
    this.loadError = failed.join(' ');
  }

  override render() {
    if (this.forbidden) return nothing;
    return html`
      <p aria-live="polite" class="ok" data-learning-status>${this.message}</p>
      ${this.loadError ? html`<p role="alert" class="error">${this.loadError}</p>` : nothing}
      ${this.renderGaps()} ${this.renderProposals()}
    `;
  }

  private renderGaps() {
    const s = t().learning.gaps;
    const gaps = this.gaps;
    const shown = gaps && !this.showAllGaps ? gaps.slice(0, GAPS_SHOWN) : gaps;
    return html`<section class="panel" aria-labelledby="gaps-heading">
      <div class="section-head"><h3 id="gaps-heading">${s.heading}</h3></div>
      <p class="lead">${s.lead}</p>
      ${gaps === null
        ? nothing
        : gaps.length === 0
          ? html`<p class="muted">${s.empty}</p>`
          : html`<ol class="gaps">
              ${shown!.map(
                (g) => html`<li class=${g.answeredBy ? 'answered' : ''}>
                  <div class="gap-line">
                    <strong>${g.question}</strong>
                    <span class="chip count">${plural(s.asked, g.count)}</span>
                    <span class="muted">${fill(s.lastAsked, { when: ago(g.lastAskedAt, Date.now()) })}</span>
                    ${g.answeredBy ? html`<span class="chip ok">${fill(s.answeredNow, { title: g.answeredBy.title })}</span>` : nothing}
                  </div>
                  ${g.variants.length ? html`<span class="muted variants">${s.alsoAsked}: ${g.variants.map((v, i) => html`${i ? ' · ' : ''}“${v}”`)}</span>` : nothing}
                </li>`,
              )}
            </ol>
            ${gaps.length > GAPS_SHOWN && !this.showAllGaps
              ? html`<button class="btn" type="button" @click=${() => (this.showAllGaps = true)}>${fill(s.showAll, { n: gaps.length })}</button>`
              : nothing}`}
    </section>`;
  }

  private renderProposals() {
    const s = t().learning.proposals;
    const list = this.proposals;
    return html`<section class="panel" aria-labelledby="proposals-heading">
      <div class="section-head">
        <h3 id="proposals-heading" tabindex="-1">${s.heading}</h3>
        ${list?.length ? html`<span class="muted">${plural(s.count, list.length)}</span>` : nothing}
      </div>
      <p class="lead">${s.lead}</p>
      ${list === null
        ? nothing
        : list.length === 0
          ? html`<p class="muted">${s.empty}</p>`
          : html`<ul class="proposals" aria-labelledby="proposals-heading">${list.map((p) => this.renderProposal(p))}</ul>`}
    </section>`;
  }

  private renderProposal(p: KnowledgeProposal) {
    const s = t().learning.proposals;
    const kind = p.kind === 'entry' ? s.kindEntry : fill(s.kindPhrasing, { entry: p.entryQuestion ?? p.entryId ?? '' });
    const headingId = `proposal-${p.id}`;
    const busy = this.busy === p.id;
    const error = this.decisionError?.id === p.id ? this.decisionError.text : '';
    return html`<li data-proposal=${p.id} tabindex="-1" aria-labelledby=${headingId}>
      <div class="proposal-head">
        <h4 id=${headingId}>${kind}</h4>
        <span class="chip count">${plural(s.asked, p.count)}</span>
        <span class="muted">${s.trigger[p.trigger]}</span>
      </div>
      <dl>
        <dt>${p.kind === 'entry' ? s.question : s.phrasing}</dt>
        <dd>${p.question}</dd>
        ${p.kind === 'entry'
          ? html`<dt>${s.answer}</dt><dd>${renderMarkdown(p.answer)}</dd>`
          : html`<dd class="muted">${fill(s.joins, { entry: p.entryQuestion ?? p.entryId ?? '' })}</dd>`}
      </dl>
      <details>
        <summary>${plural(s.examples, p.examples.length)}</summary>
        <ul class="examples">
          ${p.examples.map(
            (e) => html`<li>
              <q>${e.question}</q>
              <div class="example-answer">${e.answer}</div>
              <span class="muted">${fill(s.exampleBy, { agent: e.agentName, when: ago(e.at, Date.now()) })} · ${s.trigger[e.trigger]}</span>
            </li>`,
          )}
        </ul>
      </details>
      ${error ? html`<p role="alert" class="error">${error}</p>` : nothing}
      ${this.editing === p.id
        ? this.renderEditForm(p, busy)
        : html`<div class="actions">
            <button class="btn primary" type="button" ?disabled=${busy} @click=${() => this.decide(p, 'accept')}>${s.accept}<span class="sr-only">: ${p.question}</span></button>
            <button class="btn" type="button" ?disabled=${busy} @click=${() => this.openEditor(p)}>${s.edit}<span class="sr-only">: ${p.question}</span></button>
            <button class="btn" type="button" ?disabled=${busy} @click=${() => this.decide(p, 'reject')}>${s.reject}<span class="sr-only">: ${p.question}</span></button>
            ${busy ? html`<span class="muted">${s.working}</span>` : nothing}
          </div>`}
    </li>`;
  }

  private renderEditForm(p: KnowledgeProposal, busy: boolean) {
    const s = t().learning;
    const id = (name: string) => `${name}-${p.id}`;
    const fields =
      p.kind === 'phrasing'
        ? html`<div class="field">
            <label for=${id('phrasing')}>${s.form.phrasing}</label>
            <input id=${id('phrasing')} name="phrasing" required maxlength=${KNOWLEDGE_LIMITS.questionChars} .value=${p.question} autocomplete="off" aria-describedby=${id('phrasing-help')} />
            <span class="field-help" id=${id('phrasing-help')}>${s.form.phrasingHelp}</span>
          </div>`
        : html`<div class="field">
              <label for=${id('question')}>${s.form.question}</label>
              <input id=${id('question')} name="question" required maxlength=${KNOWLEDGE_LIMITS.questionChars} .value=${p.question} autocomplete="off" />
            </div>
            <div class="field">
              <label for=${id('phrasings')}>${s.form.phrasings}</label>
              <textarea id=${id('phrasings')} name="phrasings" rows="3" .value=${otherWordings(p).join('\n')} aria-describedby=${id('phrasings-help')}></textarea>
              <span class="field-help" id=${id('phrasings-help')}>${s.form.phrasingsHelp}</span>
            </div>
            <div class="field">
              <label for=${id('answer')}>${s.form.answer}</label>
              <textarea id=${id('answer')} name="answer" required rows="6" maxlength=${KNOWLEDGE_LIMITS.answerChars} .value=${p.answer} aria-describedby=${id('answer-help')}></textarea>
              <span class="field-help" id=${id('answer-help')}>${s.form.answerHelp}</span>
            </div>
            <div class="form-grid">
              <div class="field">
                <label for=${id('lang')}>${s.form.lang}</label>
                <select id=${id('lang')} name="lang">
                  <option value="en" ?selected=${p.lang === 'en'}>${s.form.langEn}</option>
                  <option value="zh" ?selected=${p.lang === 'zh'}>${s.form.langZh}</option>
                </select>
              </div>
              <div class="field">
                <label for=${id('tags')}>${s.form.tags}</label>
                <input id=${id('tags')} name="tags" aria-describedby=${id('tags-help')} />
                <span class="field-help" id=${id('tags-help')}>${s.form.tagsHelp}</span>
              </div>
            </div>`;
    return html`<form class="edit" aria-label=${s.proposals.editing} @submit=${(e: SubmitEvent) => this.onEdited(e, p)} @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this.closeEditor(p)}>
      ${fields}
      <div class="form-actions">
        <button class="btn primary" type="submit" ?disabled=${busy}>${s.proposals.acceptEdited}</button>
        <button class="btn" type="button" @click=${() => this.closeEditor(p)}>${s.proposals.cancel}</button>
        ${busy ? html`<span class="muted">${s.proposals.working}</span>` : nothing}
      </div>
    </form>`;
  }

  private async openEditor(p: KnowledgeProposal): Promise<void> {
    this.editing = p.id;
    this.decisionError = null;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`li[data-proposal="${p.id}"] form input, li[data-proposal="${p.id}"] form textarea`)?.focus();
  }

  private async closeEditor(p: KnowledgeProposal): Promise<void> {
    this.editing = null;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`li[data-proposal="${p.id}"] .actions button`)?.focus();
  }

  private onEdited(event: SubmitEvent, p: KnowledgeProposal): void {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    if (p.kind === 'phrasing') {
      void this.decide(p, 'accept', { phrasing: text('phrasing') });
      return;
    }
    const entry: Omit<KnowledgeEntryInput, 'revision'> = {
      question: text('question'),
      phrasings: text('phrasings').split('\n').map((line) => line.trim()).filter(Boolean),
      answer: text('answer'),
      lang: text('lang') === 'zh' ? 'zh' : 'en',
      tags: text('tags').split(/[,，]/).map((tag) => tag.trim()).filter(Boolean),
    };
    void this.decide(p, 'accept', { entry });
  }

  /** Accepts (as proposed or edited) or rejects; then the list is read again and focus moves on. */
  private async decide(p: KnowledgeProposal, decision: 'accept' | 'reject', edit?: ProposalEdit): Promise<void> {
    const s = t().learning.proposals;
    const position = this.proposals?.findIndex((x) => x.id === p.id) ?? 0;
    this.busy = p.id;
    this.decisionError = null;
    const result = decision === 'accept' ? await this.api.accept(p.id, edit) : await this.api.reject(p.id);
    this.busy = null;
    if (!result.ok) {
      this.decisionError = { id: p.id, text: errorText(result.error as ErrorBody) };
      return;
    }
    const question = edit?.entry?.question ?? edit?.phrasing ?? p.question;
    this.message = fill(decision === 'accept' ? s.accepted : s.rejected, { question });
    this.editing = null;
    if (decision === 'accept') this.dispatchEvent(new CustomEvent('knowledge-changed', { bubbles: true, composed: true }));
    await this.load();
    await this.updateComplete;
    // Keyboard review goes on with the proposal that took this one's place, else the heading.
    const items = this.renderRoot.querySelectorAll<HTMLElement>('ul.proposals > li');
    (items[Math.min(position, items.length - 1)] ?? this.renderRoot.querySelector<HTMLElement>('#proposals-heading'))?.focus();
  }
}

/** The other ways visitors asked it (merged near-duplicates): offered as the entry's phrasings. */
function otherWordings(p: KnowledgeProposal): string[] {
  const seen = new Set([p.question.toLowerCase()]);
  const out: string[] = [];
  for (const e of p.examples) {
    const key = e.question.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e.question);
  }
  return out;
}
