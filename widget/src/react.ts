/**
 * `<support-chat>` in TSX, for React 19 (a React app imports the types of
 * `@support-chat/widget/react` once, see the README):
 * React 19 sets a custom element's known properties (`server`, `position`, `launcher`) as
 * properties, and turns a prop `on<event-name>` into `addEventListener('<event-name>')`, so
 * `onsupport-chat-unread={(e) => e.detail.count}` is typed from the element's HTMLElementEventMap.
 * React's own `react/jsx-runtime` reads `React.JSX.IntrinsicElements`, which this extends.
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { SupportChat } from './support-chat.js';

/** A listener prop for each of the element's events, as React 19 attaches them. */
export type SupportChatEventProps = {
  [Name in keyof HTMLElementEventMap as Name extends `support-chat-${string}` ? `on${Name}` : never]?: (event: HTMLElementEventMap[Name]) => void;
};

/** The props `<support-chat>` takes in TSX: its attributes, React's HTML attributes, `ref` and its events. */
export interface SupportChatProps extends DetailedHTMLProps<HTMLAttributes<SupportChat>, SupportChat>, SupportChatEventProps {
  server?: string;
  position?: SupportChat['position'];
  launcher?: 'hidden';
}

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'support-chat': SupportChatProps;
    }
  }
}
