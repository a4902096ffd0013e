import type { WelcomeSettings, WelcomeText } from '@support-chat/shared';
import { welcomeSettingsSchema } from '@support-chat/shared/schemas';
import type { Logger } from '../logger.js';
import type { Store } from '../store/types.js';

/** The key of the admin's welcome in the store's settings. */
export const WELCOME_SETTING = 'welcome';

/** The demo shop's welcome (its knowledge base answers these questions), until an admin saves one. */
export const DEFAULT_WELCOME: Readonly<WelcomeSettings> = Object.freeze({
  en: {
    greeting: 'Hi! Ask me anything about orders, shipping or returns.',
    starters: ['How long does shipping take?', 'How long do I have to return something?', 'Can I change or cancel my order?'],
  },
  'zh-CN': {
    greeting: '你好！关于订单、配送或退货的问题，都可以问我。',
    starters: ['下单后多久发货？多久能收到？', '怎么退货？', '下单后还能修改或取消吗？'],
  },
});

/**
 * The greeting and starter questions the widget shows on its first open (issue 12), kept as JSON
 * in the store's settings. Read at every visitor resume, like the routing settings, so every
 * process serves what was saved last.
 */
export class Welcome {
  constructor(private readonly deps: { store: Pick<Store, 'getSetting' | 'saveSetting'>; logger: Logger }) {}

  /** What the admin saved, or the defaults. */
  async get(): Promise<WelcomeSettings> {
    const stored = await this.deps.store.getSetting(WELCOME_SETTING);
    if (stored === null) return structuredClone(DEFAULT_WELCOME);
    const parsed = welcomeSettingsSchema.safeParse(safeJson(stored));
    if (parsed.success) return parsed.data;
    // Only this module writes the key, through the schema; a value it cannot read (a hand edit,
    // a later version's shape) must not take visitors' chats down.
    this.deps.logger.warn({ issues: parsed.error.issues }, 'the stored welcome is not valid: using the defaults');
    return structuredClone(DEFAULT_WELCOME);
  }

  /** Validates (trims, bounds by `LIMITS`) and stores; returns what was stored. Throws a `ZodError`. */
  async save(input: unknown): Promise<WelcomeSettings> {
    const settings = welcomeSettingsSchema.parse(input);
    await this.deps.store.saveSetting(WELCOME_SETTING, JSON.stringify(settings));
    return settings;
  }

  /** What visitors get: each language's empty greeting or starters filled from the other's. */
  async forVisitors(): Promise<WelcomeSettings> {
    const { en, 'zh-CN': zh } = await this.get();
    return { en: filled(en, zh), 'zh-CN': filled(zh, en) };
  }
}

/**
 * Why an emailed link opened something else than its conversation, or (`moved`) why this
 * browser's conversation is gone: its link was opened in another browser (visitor-namespace.ts).
 */
export type LinkNotFollowed = 'refused' | 'ignored' | 'moved';

/** Said above the greeting for that visit. */
const LINK_NOTICE: Readonly<Record<LinkNotFollowed, Record<keyof WelcomeSettings, string>>> = {
  refused: {
    en: 'This link has expired or is not complete, so it could not open your conversation. Ask here, or come back in the browser you chatted in.',
    'zh-CN': '此链接已过期或不完整，无法打开您之前的对话。请在这里提问，或回到您之前聊天的浏览器。',
  },
  ignored: {
    en: 'This link is for a conversation started elsewhere; this browser keeps its own. Open the link in another browser, or ask here.',
    'zh-CN': '此链接对应在别处开始的对话；本浏览器保留自己的对话。请在其他浏览器中打开此链接，或在这里提问。',
  },
  moved: {
    en: 'Your conversation continues in the browser where its emailed link was opened. Ask here to start a new one.',
    'zh-CN': '您的对话已转到打开邮件链接的浏览器中继续。在这里提问即可开始新的对话。',
  },
};

/**
 * The welcome for a visitor whose emailed link was not followed: the greeting starts by saying
 * why (an expired or altered link opened an empty chat without a word, an ignored one this
 * browser's own chat; the widget, at its size budget, shows the greeting as it comes).
 */
export function withLinkNotice(welcome: WelcomeSettings, why: LinkNotFollowed): WelcomeSettings {
  const say = (locale: keyof WelcomeSettings): WelcomeText => ({
    ...welcome[locale],
    greeting: [LINK_NOTICE[why][locale], welcome[locale].greeting].filter(Boolean).join('\n\n'),
  });
  return { en: say('en'), 'zh-CN': say('zh-CN') };
}

function filled(own: WelcomeText, other: WelcomeText): WelcomeText {
  return { greeting: own.greeting || other.greeting, starters: own.starters.length ? own.starters : other.starters };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: the caller reports it as not valid.
    return null;
  }
}
