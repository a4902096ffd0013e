import { LitElement, css, html, nothing } from 'lit';
import {
  KNOWLEDGE_LIMITS,
  type AgentProfile,
  type KnowledgeEntryInput,
  type KnowledgeListItem,
  type KnowledgeQuestion,
} from '@support-chat/shared';
import { renderMarkdown } from '../internal/markdown.js';
import { clockTime } from './format.js';
import { createKnowledgeApi, type KnowledgeApi } from './knowledge-api.js';
import { base } from './theme.styles.js';
import { pageStyles } from './page.styles.js';

const LANGS: ReadonlyArray<[KnowledgeEntryInput['lang'], string]> = [
  ['en', 'English'],
  ['zh', 'Chinese (zh-CN)'],
];

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
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    const result = await this.api.list(this.query);
    if (!result.ok) {
      this.error = result.error.message;
      return;
    }
    this.entries = result.data.entries;
    this.agentsAllowed = result.data.agentsManageKnowledge;
    this.usageDays = result.data.usageDays;
  }

  override render() {
    const fromConsole = this.entries.filter((e) => e.source.type === 'console').length;
    return html`<div class="page">
      <header class="page-head">
        <h2>Knowledge</h2>
        <span class="muted">${this.entries.length} entries, ${fromConsole} from the console</span>
        <span style="flex:1"></span>
        <a class="btn" href=${this.api.exportUrl} download="console-entries.md">Export console entries</a>
        ${this.editing === 'new' ? nothing : html`<button class="btn primary" type="button" @click=${() => (this.editing = 'new')}>Add an entry</button>`}
      </header>
      <p class="lead">What the AI answers from. Entries from files are read-only here; counts cover the last ${this.usageDays} days.</p>
      ${this.agent?.role === 'admin'
        ? html`<label class="toolbar"><input type="checkbox" .checked=${this.agentsAllowed} @change=${this.onAccess} /> Agents may manage the knowledge too</label>`
        : nothing}
      <p role="status" class="ok">${this.message}</p>
      ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
      ${this.editing === 'new' ? html`<section class="panel" aria-label="New entry">${this.renderForm(null)}</section>` : nothing}
      <support-console-knowledge-learning @knowledge-changed=${() => void this.load()}></support-console-knowledge-learning>
      <form class="toolbar" role="search" @submit=${this.onSearch}>
        <label class="sr-only" for="knowledge-search">Search the knowledge</label>
        <input id="knowledge-search" type="search" name="q" placeholder="Search questions, phrasings, answers, tags" .value=${this.query} />
        <button class="btn" type="submit">Search</button>
      </form>
      <section class="panel">
        ${this.entries.length === 0
          ? html`<p class="muted">No entries${this.query ? ' match' : ''}.</p>`
          : html`<table>
              <thead><tr><th scope="col">Question</th><th scope="col">Source</th><th scope="col" class="num">Answers</th><th scope="col" class="num">Thumbs up / down</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
              <tbody>${this.entries.map((e) => (this.editing === e.id ? html`<tr><td colspan="5">${this.renderForm(e)}</td></tr>` : this.renderRow(e)))}</tbody>
            </table>`}
      </section>
    </div>`;
  }

  private renderRow(entry: KnowledgeListItem) {
    const source = entry.source.type === 'file' ? html`<code>${entry.source.path}</code>` : html`Console (${entry.source.entry.updatedBy})`;
    const asked = this.questions.get(entry.id);
    return html`<tr data-entry=${entry.id}>
      <td>
        <details @toggle=${(e: Event) => (e.currentTarget as HTMLDetailsElement).open && this.loadQuestions(entry.id)}>
          <summary><strong>${entry.question}</strong> <span class="chip">${entry.lang === 'zh' ? 'zh-CN' : 'en'}</span></summary>
          ${entry.phrasings.length ? html`<ul class="phrasings" aria-label="Also asked">${entry.phrasings.map((p) => html`<li>${p}</li>`)}</ul>` : nothing}
          <div class="answer">${renderMarkdown(entry.answer)}</div>
          ${entry.tags.length ? html`<p class="muted">Tags: ${entry.tags.join(', ')}</p>` : nothing}
          ${entry.url ? html`<p class="muted">URL: ${entry.url}</p>` : nothing}
          <h3 class="muted">Questions it answered</h3>
          ${asked === undefined
            ? html`<p class="muted">Loading…</p>`
            : asked.length === 0
              ? html`<p class="muted">None yet.</p>`
              : html`<ul>${asked.map((q) => html`<li>${q.question} <span class="muted">${new Date(q.answeredAt).toLocaleDateString() + ' ' + clockTime(q.answeredAt)}${q.feedback === 'helpful' ? ', thumbs up' : q.feedback === 'not_helpful' ? ', thumbs down' : ''}</span></li>`)}</ul>`}
        </details>
      </td>
      <td class="source">${source}</td>
      <td class="num">${entry.usage.answers}</td>
      <td class="num">${entry.usage.helpful} / ${entry.usage.notHelpful}</td>
      <td>
        ${entry.source.type === 'console'
          ? html`<div class="row-actions">
              <button class="btn" type="button" @click=${() => (this.editing = entry.id)}>Edit<span class="sr-only"> ${entry.question}</span></button>
              <button class="btn" type="button" @click=${() => this.deleteEntry(entry)}>Delete<span class="sr-only"> ${entry.question}</span></button>
            </div>`
          : html`<span class="muted">Read-only</span>`}
      </td>
    </tr>`;
  }

  private renderForm(entry: KnowledgeListItem | null) {
    return html`<form @submit=${(e: SubmitEvent) => this.save(e, entry)} style="display:grid;gap:10px" aria-label=${entry ? 'Edit entry' : 'New entry'}>
      <div class="field">
        <label for="question">Question</label>
        <input id="question" name="question" required maxlength=${KNOWLEDGE_LIMITS.questionChars} .value=${entry?.question ?? ''} autocomplete="off" />
      </div>
      <div class="field">
        <label for="phrasings">Alternate phrasings</label>
        <textarea id="phrasings" name="phrasings" rows="3" .value=${entry?.phrasings.join('\n') ?? ''} aria-describedby="phrasings-help"></textarea>
        <span class="field-help" id="phrasings-help">One per line: the ways visitors actually ask it.</span>
      </div>
      <div class="field">
        <label for="answer">Answer</label>
        <textarea id="answer" name="answer" required rows="6" maxlength=${KNOWLEDGE_LIMITS.answerChars} .value=${entry?.answer ?? ''} aria-describedby="answer-help"></textarea>
        <span class="field-help" id="answer-help">Markdown: **bold**, lists, [links](https://…), ### headings.</span>
      </div>
      <div class="form-grid">
        <div class="field">
          <label for="lang">Language</label>
          <select id="lang" name="lang">${LANGS.map(([value, label]) => html`<option value=${value} ?selected=${(entry?.lang ?? 'en') === value}>${label}</option>`)}</select>
        </div>
        <div class="field">
          <label for="tags">Tags</label>
          <input id="tags" name="tags" .value=${entry?.tags.join(', ') ?? ''} aria-describedby="tags-help" />
          <span class="field-help" id="tags-help">Separated by commas.</span>
        </div>
        <div class="field">
          <label for="url">URL</label>
          <input id="url" name="url" .value=${entry?.url ?? ''} placeholder="/help/… or https://…" />
        </div>
      </div>
      <div class="form-actions">
        <button class="btn primary" type="submit">${entry ? 'Save' : 'Add'}</button>
        <button class="btn" type="button" @click=${() => (this.editing = null)}>Cancel</button>
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
      this.error = result.error.message;
      return;
    }
    this.agentsAllowed = result.data.agentsManageKnowledge;
    this.message = allowed ? 'Agents may now manage the knowledge.' : 'Only admins manage the knowledge now.';
  };

  private async loadQuestions(id: string): Promise<void> {
    const result = await this.api.questions(id);
    this.questions = new Map(this.questions).set(id, result.ok ? result.data : []);
    if (!result.ok) this.error = result.error.message;
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
      this.error = result.error.message;
      return;
    }
    this.editing = null;
    this.error = '';
    this.message = `Saved “${result.data.question}”. The AI answers with it now.`;
    await this.load();
  }

  private async deleteEntry(entry: KnowledgeListItem): Promise<void> {
    if (!confirm(`Delete the entry “${entry.question}”?`)) return;
    const result = await this.api.remove(entry.id);
    if (!result.ok) {
      this.error = result.error.message;
      return;
    }
    this.error = '';
    this.message = `Deleted “${entry.question}”.`;
    await this.load();
  }
}
