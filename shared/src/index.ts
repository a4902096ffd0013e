/**
 * @support-chat/shared — the protocol, once. Runtime exports here are plain constants with no
 * dependencies (safe for the size-budgeted widget); the zod schemas live in `./schemas`.
 */
export * from './audit.js';
export * from './errors.js';
export * from './events.js';
export * from './integrations.js';
export * from './limits.js';
export * from './model.js';
export * from './locale.js';
export * from './knowledge.js';
export * from './knowledge-report.js';
export * from './labels.js';
export * from './system-note.js';
