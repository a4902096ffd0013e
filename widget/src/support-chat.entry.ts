// The script-tag bundle: `<script type="module" src=".../support-chat.js">` registers the element
// and runs the calls the page queued in `window.supportChat` before it loaded.
import { define } from './index.js';
import { runCommandQueue } from './internal/command-queue.js';

define();
runCommandQueue();

export * from './index.js';
