import { LitElement, css, html, nothing } from 'lit';
import {
  KNOWLEDGE_LIMITS,
  type AgentProfile,
  type KnowledgeEntryInput,
  type KnowledgeListItem,
  type KnowledgeQuestion,
} from '@support-chat/shared';
import { renderMarkdown } from '@support-chat/shared/browser/markdown.js';
import { clockTime } from './format.js';
import { LocaleController, date, errorText, fill, t } from './i18n/locale.js';
import { createKnowledgeApi, type KnowledgeApi } from './knowledge-api.js';
import type { SupportConsoleKnowledgeLearning } from './knowledge-learning.js';
import { base } from './theme.styles.js';
import { pageStyles } from './page.styles.js';

/** The entry languages the knowledge base has (named in the console's language when shown). */
const LANGS: ReadonlyArray<KnowledgeEntryInput['lang']> = ['en', 'zh'];

/**
 * The Knowledge page (issue 14): every entry the AI answers from, searchable, with where it came
 * from (a file, read-only here, or the console), how often the AI answered with it and the
 * visitors' thumbs; an entry's recent questions; adding and editing console entries with their
 * alternate phrasings; the Markdown export; what the AI could not answer this week and the
 * proposals learned from agents' replies (`knowledge-learning.ts`). Admins always; agents when an
 * admin allows it.
 */
export class SupportConsoleAdminKnowledge extends LitElement {
  static override styles = [base, pageStyles, css`
    .toolbar {
      display: flex;
      gap: 8px;
      align-items: center;
      flex-wrap: wrap;
      margin-bottom: 12px;
    }
    .toolbar input[type='search'] {
      flex: 1;
      min-width: 200px;
    }
    .source {
      font-size: 0.85em;
    }
    .phrasings {
      margin: 4px 0 0;
      padding-left: 1.2em;
      font-size: 0.9em;
    }
    .answer p {
      margin: 0 0 0.4em;
    }
    details > summary {
      cursor: pointer;
    }
    a.btn {
      text-decoration: none;
    }
  `];
  static override properties = {
    api: { attribute: false },
    agent: { attribute: false },
    entries: { state: true },
    agentsAllowed: { state: true },
    usageDays: { state: true },
    query: { state: true },
    editing: { state: true },
    questions: { state: true },
    message: { state: true },
    error: { state: true },
    forbidden: { state: true },
  };

  declare api: KnowledgeApi;
  declare agent: AgentProfile;
  declare entries: KnowledgeListItem[];
  declare agentsAllowed: boolean;
  declare usageDays: number;
  declare query: string;
  /** The entry id being edited, or `new` for the add form. */
  declare editing: string | null;
  declare questions: Map<string, KnowledgeQuestion[]>;
  declare message: string;
  declare error: string;
  /** This agent may not manage the knowledge (an admin has not allowed agents). */
  declare forbidden: boolean;
  private readonly i18n = new LocaleController(this);

  constructor() {
    super();
    this.api = createKnowledgeApi();
    this.entries = [];
    this.agentsAllowed = false;
    this.usageDays = 90;
    this.query = '';
    this.editing = null;
    this.questions = new Map();
    this.message = '';
    this.error = '';
    this.forbidden = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  /** The learning panel below: its gaps follow the entries written here. */
  private get learning(): SupportConsoleKnowledgeLearning | null {
    return this.renderRoot.querySelector<SupportConsoleKnowledgeLearning>('support-console-knowledge-learning');
  }

  private async load(): Promise<void> {
    const result = await this.api.list(this.query);
    if (!result.ok) {
      this.forbidden = result.error.code === 'forbidden';
      this.error = errorText(result.error);
      return;
    }
    this.forbidden = false;
    this.entries = result.data.entries;
    this.agentsAllowed = result.data.agentsManageKnowledge;
    this.usageDays = result.data.usageDays;
  }

  override render() {
    const fromConsole = this.entries.filter((e) => e.source.type === 'console').length;
    const s = t().knowledge;
    // An agent an admin has not allowed: no empty list, nor buttons whose every call is refused.
    if (this.forbidden) {
      return html`<div class="page">
        <header class="page-head"><h2>${s.title}</h2></header>
        <p class="lead" role="status">${s.notAllowed}</p>
      </div>`;
    }
    return html`<div class="page">
      <header class="page-head">
        <h2>${s.title}</h2>
        <span class="muted">${fill(s.counts, { n: this.entries.length, console: fromConsole })}</span>
        <span style="flex:1"></span>
        <a class="btn" href=${this.api.exportUrl} download="console-entries.md">${s.export}</a>
        ${this.editing === 'new' ? nothing : html`<button class="btn primary" type="button" @click=${() => (this.editing = 'new')}>${s.add}</button>`}
      </header>
      <p class="lead">${fill(s.intro, { days: this.usageDays })}</p>
      ${this.agent?.role === 'admin'
        ? html`<label class="toolbar"><input type="checkbox" .checked=${this.agentsAllowed} @change=${this.onAccess} /> ${s.agentsMay}</label>`
        : nothing}
      <p role="status" class="ok">${this.message}</p>
      ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
      ${this.editing === 'new' ? html`<section class="panel" aria-label=${s.newEntry}>${this.renderForm(null)}</section>` : nothing}
      <support-console-knowledge-learning @knowledge-changed=${() => void this.load()}></support-console-knowledge-learning>
      <form class="toolbar" role="search" @submit=${this.onSearch}>
        <label class="sr-only" for="knowledge-search">${s.searchLabel}</label>
        <input id="knowledge-search" type="search" name="q" placeholder=${s.searchPlaceholder} .value=${this.query} />
        <button class="btn" type="submit">${s.search}</button>
      </form>
      <section class="panel">
        ${this.entries.length === 0
          ? html`<p class="muted">${this.query ? s.noMatch : s.empty}</p>`
          : html`<table>
              <thead><tr><th scope="col">${s.question}</th><th scope="col">${s.source}</th><th scope="col" class="num">${s.answers}</th><th scope="col" class="num">${s.thumbs}</th><th scope="col"><span class="sr-only">${s.actions}</span></th></tr></thead>
              <tbody>${this.entries.map((e) => (this.editing === e.id ? html`<tr><td colspan="5">${this.renderForm(e)}</td></tr>` : this.renderRow(e)))}</tbody>
            </table>`}
      </section>
    </div>`;
  }

  private renderRow(entry: KnowledgeListItem) {
    const s = t().knowledge;
    const source = entry.source.type === 'file' ? html`<code>${entry.source.path}</code>` : fill(s.fromConsole, { name: entry.source.entry.updatedBy });
    const asked = this.questions.get(entry.id);
    return html`<tr data-entry=${entry.id}>
      <td>
        <details @toggle=${(e: Event) => (e.currentTarget as HTMLDetailsElement).open && this.loadQuestions(entry.id)}>
          <summary><strong>${entry.question}</strong> <span class="chip">${entry.lang === 'zh' ? 'zh-CN' : 'en'}</span></summary>
          ${entry.phrasings.length ? html`<ul class="phrasings" aria-label=${s.alsoAsked}>${entry.phrasings.map((p) => html`<li>${p}</li>`)}</ul>` : nothing}
          <div class="answer">${renderMarkdown(entry.answer)}</div>
          ${entry.tags.length ? html`<p class="muted">${fill(s.tags, { tags: entry.tags.join(s.tagSeparator) })}</p>` : nothing}
          ${entry.url ? html`<p class="muted">${fill(s.url, { url: entry.url })}</p>` : nothing}
          <h3 class="muted">${s.answered}</h3>
          ${asked === undefined
            ? html`<p class="muted">${s.loading}</p>`
            : asked.length === 0
              ? html`<p class="muted">${s.noneYet}</p>`
              : html`<ul>${asked.map((q) => html`<li>${q.question} <span class="muted">${date(q.answeredAt) + ' ' + clockTime(q.answeredAt)}${q.feedback === 'helpful' ? s.thumbsUp : q.feedback === 'not_helpful' ? s.thumbsDown : ''}</span></li>`)}</ul>`}
        </details>
      </td>
      <td class="source">${source}</td>
      <td class="num">${entry.usage.answers}</td>
      <td class="num">${entry.usage.helpful} / ${entry.usage.notHelpful}</td>
      <td>
        ${entry.source.type === 'console'
          ? html`<div class="row-actions">
              <button class="btn" type="button" @click=${() => (this.editing = entry.id)}>${s.edit}<span class="sr-only"> ${entry.question}</span></button>
              <button class="btn" type="button" @click=${() => this.deleteEntry(entry)}>${s.delete}<span class="sr-only"> ${entry.question}</span></button>
            </div>`
          : html`<span class="muted">${s.readOnly}</span>`}
      </td>
    </tr>`;
  }

  private renderForm(entry: KnowledgeListItem | null) {
    const s = t().knowledge;
    return html`<form @submit=${(e: SubmitEvent) => this.save(e, entry)} style="display:grid;gap:10px" aria-label=${entry ? s.editEntry : s.newEntry}>
      <div class="field">
        <label for="question">${s.question}</label>
        <input id="question" name="question" required maxlength=${KNOWLEDGE_LIMITS.questionChars} .value=${entry?.question ?? ''} autocomplete="off" />
      </div>
      <div class="field">
        <label for="phrasings">${s.phrasings}</label>
        <textarea id="phrasings" name="phrasings" rows="3" .value=${entry?.phrasings.join('\n') ?? ''} aria-describedby="phrasings-help"></textarea>
        <span class="field-help" id="phrasings-help">${s.phrasingsHelp}</span>
      </div>
      <div class="field">
        <label for="answer">${s.answer}</label>
        <textarea id="answer" name="answer" required rows="6" maxlength=${KNOWLEDGE_LIMITS.answerChars} .value=${entry?.answer ?? ''} aria-describedby="answer-help"></textarea>
        <span class="field-help" id="answer-help">${s.answerHelp}</span>
      </div>
      <div class="form-grid">
        <div class="field">
          <label for="lang">${s.language}</label>
          <select id="lang" name="lang">${LANGS.map((value) => html`<option value=${value} ?selected=${(entry?.lang ?? 'en') === value}>${s.languages[value]}</option>`)}</select>
        </div>
        <div class="field">
          <label for="tags">${s.tagsLabel}</label>
          <input id="tags" name="tags" .value=${entry?.tags.join(', ') ?? ''} aria-describedby="tags-help" />
          <span class="field-help" id="tags-help">${s.tagsHelp}</span>
        </div>
        <div class="field">
          <label for="url">${s.urlLabel}</label>
          <input id="url" name="url" .value=${entry?.url ?? ''} placeholder=${s.urlPlaceholder} />
        </div>
      </div>
      <div class="form-actions">
        <button class="btn primary" type="submit">${entry ? s.save : s.addButton}</button>
        <button class="btn" type="button" @click=${() => (this.editing = null)}>${s.cancel}</button>
      </div>
    </form>`;
  }

  private onSearch = (event: SubmitEvent): void => {
    event.preventDefault();
    this.query = String(new FormData(event.currentTarget as HTMLFormElement).get('q') ?? '').trim();
    void this.load();
  };

  private onAccess = async (event: Event): Promise<void> => {
    const allowed = (event.currentTarget as HTMLInputElement).checked;
    const result = await this.api.setAgentAccess(allowed);
    if (!result.ok) {
      this.error = errorText(result.error);
      return;
    }
    this.agentsAllowed = result.data.agentsManageKnowledge;
    this.message = allowed ? t().knowledge.agentsAllowed : t().knowledge.adminsOnly;
  };

  private async loadQuestions(id: string): Promise<void> {
    const result = await this.api.questions(id);
    this.questions = new Map(this.questions).set(id, result.ok ? result.data : []);
    if (!result.ok) this.error = errorText(result.error);
  }

  private async save(event: SubmitEvent, entry: KnowledgeListItem | null): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const input: KnowledgeEntryInput = {
      question: text('question'),
      phrasings: text('phrasings').split('\n').map((p) => p.trim()).filter(Boolean),
      answer: text('answer'),
      lang: text('lang') === 'zh' ? 'zh' : 'en',
      tags: text('tags').split(/[,，]/).map((t) => t.trim()).filter(Boolean),
      ...(text('url') ? { url: text('url') } : {}),
    };
    const result =
      entry?.source.type === 'console'
        ? await this.api.update(entry.id, { ...input, revision: entry.source.entry.revision })
        : await this.api.create(input);
    if (!result.ok) {
      this.error = errorText(result.error);
      return;
    }
    this.editing = null;
    this.error = '';
    this.message = fill(t().knowledge.saved, { question: result.data.question });
    await Promise.all([this.load(), this.learning?.refresh()]);
  }

  private async deleteEntry(entry: KnowledgeListItem): Promise<void> {
    if (!confirm(fill(t().knowledge.deleteConfirm, { question: entry.question }))) return;
    const result = await this.api.remove(entry.id);
    if (!result.ok) {
      this.error = errorText(result.error);
      return;
    }
    this.error = '';
    this.message = fill(t().knowledge.deleted, { question: entry.question });
    await Promise.all([this.load(), this.learning?.refresh()]);
  }
}
