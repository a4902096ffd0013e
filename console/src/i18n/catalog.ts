/**
 * Every word of the agent console, in every language the product speaks (issue 13: a support
 * team in China works in Chinese all day). One module of strings per part of the console, each
 * `defineStrings(en, zhCN)` (define.ts): a key missing in either language does not compile.
 *
 * To add words for a new view:
 *   1. write `i18n/strings/<view>.ts` exporting `export const <view> = defineStrings({ …English… }, { …中文… })`
 *      (groups nest; counts are `{ one, other }` for `plural()`; placeholders are `{name}`);
 *   2. add it to `CATALOG` below;
 *   3. in the component: `private readonly i18n = new LocaleController(this);` and read
 *      `t().<view>.<key>` inside `render()` (never at module load, or a switch would not show);
 *      numbers, dates and counts through `num`, `date`, `clock`, `plural`, `fill` (locale.ts),
 *      server failures through `errorText(error)`.
 * `i18n/catalog.test.ts` then checks the new module too (same keys, no empty strings, the same
 * placeholders in both languages).
 */
import { attachments } from './strings/attachments.js';
import { canned } from './strings/canned.js';
import { conversation } from './strings/conversation.js';
import { errors } from './strings/errors.js';
import { inbox } from './strings/inbox.js';
import { integrations } from './strings/integrations.js';
import { knowledge } from './strings/knowledge.js';
import { knowledgeReport } from './strings/knowledge-report.js';
import { labels } from './strings/labels.js';
import { learning } from './strings/learning.js';
import { notes } from './strings/notes.js';
import { privacy } from './strings/privacy.js';
import { reports } from './strings/reports.js';
import { routing } from './strings/routing.js';
import { shell } from './strings/shell.js';
import { tagging } from './strings/tagging.js';
import { team } from './strings/team.js';
import { transcript } from './strings/transcript.js';
import { shortcuts, visitor } from './strings/visitor.js';

export const CATALOG = { shell, inbox, conversation, transcript, visitor, shortcuts, labels, reports, privacy, learning, errors, team, canned, routing, knowledge, integrations, knowledgeReport, tagging, attachments, notes };

/** The console's words in one language. */
export type Catalog = { readonly [M in keyof typeof CATALOG]: (typeof CATALOG)[M]['en'] };
