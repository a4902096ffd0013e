// <support-chat> in TSX: React 19 sets these as properties (or attributes) on the element.
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { SupportChat } from '@support-chat/widget';

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'support-chat': DetailedHTMLProps<HTMLAttributes<SupportChat>, SupportChat> & {
        server?: string;
        position?: 'bottom-right' | 'bottom-left';
        launcher?: 'hidden';
      };
    }
  }
}
