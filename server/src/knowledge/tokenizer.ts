/**
 * Text analysis for retrieval: the same function turns knowledge entries and visitor questions
 * into index terms, so whatever it does to one it does to the other.
 *
 * - Everything is NFKC-normalised and lowercased first: full-width `ＡＢＣ１２３` and `ABC123`
 *   must meet in the index, and Chinese visitors type full-width characters all the time.
 *   Traditional characters become simplified ones (OpenCC's tables): a visitor from Hong Kong or
 *   Taiwan writes `花唄還款`, the help center says `花呗还款`, and both must meet too.
 * - Latin-script text: words, minus a small stopword list, Porter-stemmed (`refunds`,
 *   `refunded` and `refunding` all become `refund`). Numbers are kept (`iphone 15`, `7 days`).
 * - Chinese text: the words `Intl.Segmenter` finds, every character, and the character bigrams of
 *   every Han run. ICU's dictionary misses most product and domain words (`花呗` → `花|呗`,
 *   `保修期` → `保|修|期`): bigrams make matching robust to those mistakes, single characters
 *   let paraphrases meet (`还清` / `还款`), and the words add weight where the segmenter is right.
 *   On the AFQMC dev set this ranked better than characters alone or words + bigrams alone;
 *   IDF keeps the common characters cheap.
 */
import { Converter } from 'opencc-js/t2cn';
import { stemmer } from 'stemmer';

/**
 * Function words that carry no meaning for matching a question to an answer. Kept short on
 * purpose: negations (`not`, `can't`) and question words that change the intent (`when`, `why`,
 * `where`) stay, because "why was I charged" and "when will I be charged" are different entries.
 */
const ENGLISH_STOPWORDS = new Set(
  `a an the and or but if then so of to in on at by for with from into about as is are was were be
  been being am do does did doing i me my mine myself you your yours we us our it its they them their
  this that these those there here what which who whom how can could would should will shall may
  might must have has had having please hi hello hey thanks thank any some just also too very`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * The Chinese counterparts of the English list: particles, pronouns, modal verbs, `how`/`what`
 * (`怎么`, `什么`) and greetings; `为什么` (why) and `哪里` (where) stay, as in English. Also the
 * conjunctions and prepositions (`跟 / 和 / 与` and, `把 / 被 / 给 / 从 / 向 / 对`), which English
 * drops too (`and`, `with`, `from`): as single characters they made unrelated questions share a
 * term (`信用分跟花呗有关吗` matched `淘宝跟借呗有关吗` on 跟). Removed as words and as single
 * characters. A stopword of several characters (`怎么办`, `可以`) also takes the bigrams inside it
 * along, wherever it occurs, whatever the segmenter made of it: `台灯坏了怎么办` shared 怎么 and
 * 么办 with every "…怎么办" question and drew `忘记密码了怎么办` before the lamp's own entry. The
 * bigrams across its edges stay, since dropping a character before pairing would invent bigrams
 * the text never had.
 */
const CHINESE_STOPWORDS = new Set(
  `的 了 吗 呢 吧 啊 呀 嘛 哦 哈 么 麽 啦 着 地 得 之 我 你 您 我们 你们 他 她 它 他们 她们 是 能 可以 会 有 在 这 那
  这个 那个 就 也 都 还是 怎么 如何 什么 怎样 怎么办 怎么样 请问 你好 您好 谢谢 一下 跟 和 与 及 或 把 被 给 对 从 向 让`
    .split(/\s+/)
    .filter(Boolean),
);

/** The stopwords of several characters, as code points, by first character, longest first. */
const STOP_PHRASES = new Map<string, string[][]>();
for (const word of CHINESE_STOPWORDS) {
  const chars = Array.from(word);
  if (chars.length < 2) continue;
  const list = STOP_PHRASES.get(chars[0]!) ?? [];
  list.push(chars);
  list.sort((a, b) => b.length - a.length);
  STOP_PHRASES.set(chars[0]!, list);
}

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

const HAN_RUN = /\p{Script=Han}+/gu;
const HAN = /\p{Script=Han}/u;
/** Letters and digits; an apostrophe inside a word is dropped (`don't` → `dont`). */
const LATIN_WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

const toSimplified = Converter({ from: 't', to: 'cn' });

/** The form every text is analysed in: NFKC, lowercase, simplified Chinese. */
export function normalizeText(text: string): string {
  const normalised = text.normalize('NFKC').toLowerCase();
  // The converter walks a trie per character: skip it for text with no Han at all (most English).
  return HAN.test(normalised) ? toSimplified(normalised) : normalised;
}

/**
 * Turns text into index terms, in order (repeats kept: the index counts them). Synonyms are not
 * applied here: see analyzer.ts, which adds them on top.
 */
export function analyze(text: string): string[] {
  return analyzeNormalized(normalizeText(text));
}

/**
 * How Chinese text is cut. `index`: what retrieval needs (see analyzeHan). `compare`: for telling
 * whether two questions are one in other words (learning/similarity.ts), which counts only what
 * carries meaning: without the characters of a stopword phrase (可以 → 可, 以) and the bigrams
 * that reach into a stopword (你们支持 → 们支, 付款吗 → 款吗). Those differ from one wording of a
 * question to the next, and in a small knowledge base every such term is rare, so weighs most:
 * `你们支持货到付款吗？` and `可以货到付款吗` came out 0.49 alike, under the bar, and two of the
 * knowledge gaps' rewordings stayed apart.
 */
export type HanMode = 'index' | 'compare';

/** `analyze` for text that already went through normalizeText. */
export function analyzeNormalized(normalised: string, hanMode: HanMode = 'index'): string[] {
  const terms: string[] = [];
  let last = 0;
  for (const match of normalised.matchAll(HAN_RUN)) {
    analyzeLatin(normalised.slice(last, match.index), terms);
    analyzeHan(match[0], terms, hanMode);
    last = match.index + match[0].length;
  }
  analyzeLatin(normalised.slice(last), terms);
  return terms;
}

function analyzeLatin(text: string, terms: string[]): void {
  for (const [raw] of text.matchAll(LATIN_WORD)) {
    const word = raw.replace(/['’]/g, '');
    if (ENGLISH_STOPWORDS.has(word)) continue;
    terms.push(stem(word));
  }
}

/** Stems are cached: a knowledge base repeats the same few thousand words, the stemmer is not free. */
const stems = new Map<string, string>();
const STEM_CACHE_SIZE = 50_000;

/** A Latin-script word as the index stores it (digits stay as they are). */
export function stem(word: string): string {
  let stemmed = stems.get(word);
  if (stemmed === undefined) {
    stemmed = /^\p{N}+$/u.test(word) ? word : stemmer(word);
    if (stems.size >= STEM_CACHE_SIZE) stems.clear();
    stems.set(word, stemmed);
  }
  return stemmed;
}

/**
 * How much a match on `term` is worth, relative to a single character or a Latin word (1). A
 * Chinese term of two or more characters (a bigram, or a word the segmenter found) repeats
 * evidence the index already counts: its characters are terms too, and so are the overlapping
 * bigrams around it (a two-character word even comes out twice, as word and as bigram). At full
 * weight a question sharing one phrase outranked one sharing more of the meaning in other
 * words. Half weight, on the AFQMC dev set: recall@3 0.609 → 0.628, and anything from 0.3 to 0.6
 * gives 0.619–0.628 whatever k1; English text (StackFAQ) is unaffected. Synonym concepts keep 1.
 */
export function termWeight(term: string): number {
  return MULTI_CHARACTER_HAN.test(term) ? MULTI_CHARACTER_HAN_WEIGHT : 1;
}

const MULTI_CHARACTER_HAN_WEIGHT = 0.5;
/** Starts with two Han characters (a Han term is all Han: the analyzer never mixes scripts in one). */
const MULTI_CHARACTER_HAN = /^\p{Script=Han}{2}/u;

function analyzeHan(run: string, terms: string[], mode: HanMode): void {
  const chars = Array.from(run);
  const phrase = stopPhraseSpans(chars);
  // Segments come with UTF-16 offsets, chars are code points (a rare character is two units).
  const charAt = new Int32Array(run.length);
  for (let c = 0, offset = 0; c < chars.length; offset += chars[c]!.length, c++) charAt.fill(c, offset, offset + chars[c]!.length);
  for (const { segment, index, isWordLike } of segmentWords(run)) {
    if (!isWordLike || !HAN.test(segment) || CHINESE_STOPWORDS.has(segment)) continue;
    const first = phrase[charAt[index]!]!;
    if (first !== -1 && first === phrase[charAt[index + segment.length - 1]!]) continue; // inside 怎么办
    terms.push(segment);
  }
  if (mode === 'compare') {
    const meaningful = (i: number) => phrase[i] === -1 && !CHINESE_STOPWORDS.has(chars[i]!);
    chars.forEach((char, i) => meaningful(i) && terms.push(char));
    for (let i = 0; i + 1 < chars.length; i++) if (meaningful(i) && meaningful(i + 1)) terms.push(chars[i]! + chars[i + 1]!);
    return;
  }
  for (const char of chars) if (!CHINESE_STOPWORDS.has(char)) terms.push(char);
  for (let i = 0; i + 1 < chars.length; i++) {
    if (phrase[i] === -1 || phrase[i] !== phrase[i + 1]) terms.push(chars[i]! + chars[i + 1]!);
  }
}

/**
 * `Intl.Segmenter` word segments of `text`, as segment() gives them, but safe on long text: ICU's
 * segmentation of one unbroken Han run slows down sharply past about 64k characters (64k: 0.3 s,
 * 100k: 12 s, 140k: 24 s on this machine), and it runs on the event loop, so a long article with
 * no punctuation would freeze every chat while it is indexed or streamed. The text is segmented in
 * pieces of SEGMENT_CHUNK code units instead; a word cut at a piece's edge comes out as two
 * (for the index, the word term alone is lost: characters and bigrams come from the whole run).
 */
export function* segmentWords(text: string): Generator<{ segment: string; index: number; isWordLike?: boolean }> {
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + SEGMENT_CHUNK);
    // Never split a surrogate pair (a character outside the basic plane).
    if (end < text.length && /[\uDC00-\uDFFF]/.test(text[end]!)) end++;
    for (const { segment, index, isWordLike } of segmenter.segment(text.slice(start, end))) {
      yield { segment, index: start + index, isWordLike };
    }
    start = end;
  }
}

export const SEGMENT_CHUNK = 4096;

/** For each character, where the multi-character stopword covering it starts, or -1. */
function stopPhraseSpans(chars: readonly string[]): Int32Array {
  const phrase = new Int32Array(chars.length).fill(-1);
  for (let i = 0; i < chars.length; i++) {
    const match = STOP_PHRASES.get(chars[i]!)?.find((words) => words.every((char, k) => chars[i + k] === char));
    if (!match) continue;
    phrase.fill(i, i, i + match.length);
    i += match.length - 1;
  }
  return phrase;
}
