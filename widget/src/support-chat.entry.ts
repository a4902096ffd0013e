// The script-tag bundle: `<script type="module" src=".../support-chat.js">` registers the element.
import { define } from './index.js';

define();

export * from './index.js';
