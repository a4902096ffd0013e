/**
 * `<support-chat>` in Vue templates, typed for vue-tsc (a Vue app imports the types of
 * `@support-chat/widget/vue` once, see the README): its props (`server`, `position`,
 * `launcher`) and its events (`@support-chat-unread="n = $event.detail.count"`), and a template
 * ref to it is the element. The shape is the one Vue's guide gives for custom elements
 * ("Web Components and TypeScript"): vue-tsc reads props from `$props` and events from `$emit`.
 * Vue's template compiler must still be told the tag is a custom element (`isCustomElement`).
 */
import type { EmitFn, HTMLAttributes, PublicProps } from 'vue';
import type { SupportChat } from './support-chat.js';

/** The element's events, by name: what `@support-chat-…` listeners receive. */
export type SupportChatEvents = {
  [Name in keyof HTMLElementEventMap as Name extends `support-chat-${string}` ? Name : never]: HTMLElementEventMap[Name];
};

/** `<support-chat>` as vue-tsc sees it: the element, with its template props and events. */
export type SupportChatVueElement = new () => SupportChat & {
  /** @deprecated For template type checking only: not a property of the element. */
  $props: HTMLAttributes & Partial<Pick<SupportChat, 'server' | 'position' | 'launcher'>> & PublicProps;
  /** @deprecated For template type checking only: not a property of the element. */
  $emit: EmitFn<{ [Name in keyof SupportChatEvents]: (event: SupportChatEvents[Name]) => void }>;
};

declare module 'vue' {
  interface GlobalComponents {
    'support-chat': SupportChatVueElement;
  }
}
