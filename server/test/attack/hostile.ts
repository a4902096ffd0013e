/**
 * Hostile inputs for the socket protocol, from a seeded stream (seeded.ts): wrong types, missing
 * and unknown fields, huge strings, deep nesting, prototype keys, binary, unicode edge cases,
 * numbers JSON cannot carry, oversized arrays, other visitors' ids. Each event of both
 * namespaces has a valid template (so a mutation of one field reaches past the others), and the
 * maps below are typed against the protocol's event maps: a new event fails typecheck here until
 * it is fuzzed too.
 */
import type { AgentClientEvents, VisitorClientEvents } from '@support-chat/shared';
import { LIMITS } from '@support-chat/shared';
import type { Random } from './seeded.js';

/** Ids the fuzzer aims at: real ones (other visitors', other agents') among made-up ones. */
export interface Targets {
  conversationIds: string[];
  messageIds: string[];
  agentIds: string[];
}

type Template = (r: Random, t: Targets) => Record<string, unknown>;

const UNICODE = [
  '\ud800', // lone high surrogate
  '\udfff', // lone low surrogate
  'a\ud83dz', // half an emoji
  '\u202egnp.exe', // right-to-left override
  '\u200f\u200e', // RTL / LTR marks
  '\u200b\u200c\u200d\u2060\ufeff', // zero-width characters
  '\u0000', // NUL
  '\u0007\u001b[31m', // bell, terminal escape
  'e\u0301\u0301\u0301\u0301\u0301\u0301', // stacked combining marks
  '👩‍👩‍👧‍👦🏳️‍🌈', // ZWJ sequences
  'ｊａｖａｓｃｒｉｐｔ：', // full-width
  '\u2028\u2029', // JS line separators
  '\ufffe\uffff', // non-characters
  '\ud834\udd1e', // a valid astral character
  'İıſK', // case-folding surprises
  '中文退货怎么办', // CJK
  'مرحبا بالعالم', // Arabic (RTL)
];

const KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'isAdmin',
  'role',
  'agentId',
  'visitorId',
  '',
  ' ',
  '$where',
  '\ud800',
];

const NUMBERS = [NaN, Infinity, -Infinity, -0, 0.5, -1, 1e308, -1e308, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE, 2 ** 31, -(2 ** 31) - 1];

const STRINGS = [
  '',
  ' ',
  '\n\t\r',
  'null',
  'undefined',
  'true',
  '0',
  '-1',
  'NaN',
  '[object Object]',
  "'; DROP TABLE messages; --",
  '" OR 1=1 --',
  '%00%0d%0a',
  '../../../../etc/passwd',
  '${7*7}{{7*7}}',
  '<script>alert(1)</script>',
  '"*" NEAR(a b) OR c*', // FTS5 query syntax
  '\\',
];

/** A string of `n` characters, built from `unit`. */
function long(unit: string, n: number): string {
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}

function nested(depth: number, leaf: unknown, asArray: boolean): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
  return value;
}

/** One hostile value of any kind. `depth` stops recursion for containers built from values. */
export function hostileValue(r: Random, depth = 0): unknown {
  switch (r.int(depth > 1 ? 8 : 13)) {
    case 0:
      return r.pick(NUMBERS);
    case 1:
      return r.pick([null, undefined, true, false, 0, 1, -1]);
    case 2:
      return r.pick(STRINGS);
    case 3:
      return r.pick(UNICODE) + (r.bool() ? r.pick(UNICODE) : '');
    case 4:
      // Just over a limit, or far over it (under the 64 KB frame limit, so the server must judge it).
      return long(r.pick(['x', 'é', '中', '😀', '\ud800', ' ']), r.pick([LIMITS.messageChars + 1, LIMITS.clientIdChars + 1, 65, 201, 301, 2049, 20_000]));
    case 5:
      return r.int(2) ? Buffer.from(long('\u00ff\u0000', r.pick([1, 16, 4096]))) : new Uint8Array(r.pick([0, 3, 1024]));
    case 6:
      return nested(r.pick([2, 50, 500, 2000]), r.pick(['deep', 1, null]), r.bool());
    case 7:
      return protoObject(r, depth);
    case 8:
      return Array.from({ length: r.pick([0, 1, 100, 5000]) }, (_, i) => (r.bool(0.1) ? hostileValue(r, depth + 1) : i));
    case 9:
      return { ...Object.fromEntries(Array.from({ length: r.pick([1, 31, 500]) }, (_, i) => [`k${i}`, 'v'])) };
    case 10:
      return [hostileValue(r, depth + 1), hostileValue(r, depth + 1)];
    case 11:
      return { [r.pick(KEYS)]: hostileValue(r, depth + 1) };
    default:
      return r.pick([{}, [], [[]], { length: 1e9 }, { toJSON: 1 }, 'a'.repeat(8)]);
  }
}

/** An object whose own keys are `__proto__` / `constructor` / `prototype` (what JSON.parse makes of them). */
function protoObject(r: Random, depth: number): unknown {
  const polluted = r.pick([
    '{"__proto__":{"isAdmin":true,"role":"admin","ok":true}}',
    '{"constructor":{"prototype":{"isAdmin":true}}}',
    '{"__proto__":null}',
    '{"prototype":{"toString":"x"}}',
    '{"__proto__":{"__proto__":{"polluted":1}}}',
  ]);
  const value = JSON.parse(polluted) as Record<string, unknown>;
  if (depth < 1 && r.bool(0.3)) value.nested = hostileValue(r, depth + 1);
  return value;
}

const clientId = (r: Random) => `fuzz-${r.int(1e9).toString(36)}-${r.int(1e9).toString(36)}`;

/** A real id (someone else's) or a made-up one. */
function anId(r: Random, real: string[]): string {
  return real.length && r.bool(0.7) ? r.pick(real) : r.pick(['c_doesnotexist', 'x', long('9', 64), '..', '%', '*']);
}

export const VISITOR_TEMPLATES = {
  'conversation:resume': (r, t) => ({
    afterSeq: r.int(5),
    ...(r.bool() ? { conversationId: anId(r, t.conversationIds) } : {}),
    ...(r.bool()
      ? {
          context: {
            pageUrl: r.pick(['https://shop.example/', 'javascript:alert(1)', '//evil.example']),
            pageTitle: r.pick(UNICODE),
            attributes: { plan: 'pro', [r.pick(KEYS) || 'k']: 'v' },
          },
        }
      : {}),
  }),
  'message:send': (r) => ({ clientId: clientId(r), text: r.pick(['hello', 'How do I return an item?', ...UNICODE]) }),
  'handoff:request': (r) => (r.bool() ? { clientId: clientId(r) } : {}),
  'typing:set': (r) => ({ typing: r.bool() }),
  'conversation:read': (r) => ({ seq: r.int(10) }),
  'message:rate': (r, t) => ({ messageId: anId(r, t.messageIds), helpful: r.bool() }),
  'conversation:rate': (r, t) => ({ conversationId: anId(r, t.conversationIds), score: 1 + r.int(5), comment: r.pick(['', 'ok', ...UNICODE]) }),
  'offline:leave': (r) => ({ clientId: clientId(r), email: r.pick(['a@b.example', 'x@y.z']), name: r.pick(UNICODE), text: 'call me' }),
  'conversation:transcript': (r, t) => ({ conversationId: anId(r, t.conversationIds), ...(r.bool() ? { email: r.pick(['a@b.example', ...UNICODE]) } : {}) }),
} satisfies Record<keyof VisitorClientEvents, Template>;

export const AGENT_TEMPLATES = {
  'inbox:list': (r) => (r.bool() ? { section: r.pick(['mine', 'team', 'closed', 'bot']), cursor: r.pick(['', 'abc', long('z', 300)]) } : {}),
  'inbox:follow': (r) => ({ team: r.bool() }),
  'conversation:watch': (r, t) => ({ conversationId: anId(r, t.conversationIds), afterSeq: r.int(5) }),
  'conversation:unwatch': (r, t) => ({ conversationId: anId(r, t.conversationIds) }),
  'conversation:claim': (r, t) => ({ conversationId: anId(r, t.conversationIds) }),
  'conversation:close': (r, t) => ({ conversationId: anId(r, t.conversationIds) }),
  'message:send': (r, t) => ({ conversationId: anId(r, t.conversationIds), clientId: clientId(r), text: r.pick(['fuzz reply', ...UNICODE]) }),
  'typing:set': (r, t) => ({ conversationId: anId(r, t.conversationIds), typing: r.bool() }),
  'inbox:search': (r) => ({ query: r.pick([...STRINGS, ...UNICODE]), ...(r.bool() ? { from: r.int(1e12), to: r.int(2e12) } : {}) }),
  'note:add': (r, t) => ({ conversationId: anId(r, t.conversationIds), clientId: clientId(r), text: r.pick(['fuzz note', ...UNICODE]) }),
  'conversation:transfer': (r, t) => ({ conversationId: anId(r, t.conversationIds), agentId: anId(r, t.agentIds) }),
  'conversation:handback': (r, t) => ({ conversationId: anId(r, t.conversationIds) }),
  'conversation:reopen': (r, t) => ({ conversationId: anId(r, t.conversationIds) }),
  'conversation:read': (r, t) => ({ conversationId: anId(r, t.conversationIds), seq: r.int(10) }),
  'draft:suggest': (r, t) => ({ conversationId: anId(r, t.conversationIds) }),
  'presence:set': (r) => ({ status: r.pick(['online', 'away']) }),
  'team:list': () => ({}),
  'canned:list': () => ({}),
  'conversation:label': (r, t) => ({
    conversationId: anId(r, t.conversationIds),
    add: r.bool() ? [r.pick([...STRINGS, ...UNICODE])] : [],
    remove: r.bool() ? [r.pick([...STRINGS, ...UNICODE])] : [],
  }),
  'labels:list': () => ({}),
  'conversation:history': (r, t) => ({ conversationId: anId(r, t.conversationIds), ...(r.bool() ? { cursor: r.pick(['', '1:abc', long('9', 200)]) } : {}) }),
  'conversation:transcript': (r, t) => ({ conversationId: anId(r, t.conversationIds) }),
} satisfies Record<keyof AgentClientEvents, Template>;

/** Event names no handler has: typos, prototype names, the other namespace's commands. */
const UNKNOWN_EVENTS = [
  'nonsense:event',
  'message:send ',
  'MESSAGE:SEND',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'conversation:delete',
  'admin:grant',
  '',
  long('e', 2000),
  '\ud800',
];

/** How the command is emitted: the ack, the arguments around it. */
export type AckStyle = 'ack' | 'no-ack' | 'only-ack' | 'extra-args' | 'non-function-ack';

export interface HostileEmit {
  event: string;
  /** What the generator did, for the failure report. */
  mutation: string;
  /** Arguments before the ack (none for `only-ack`). */
  args: unknown[];
  ack: AckStyle;
  /** Over the server's 64 KB frame limit: the server drops the connection instead of answering. */
  oversize: boolean | 'borderline';
  known: boolean;
}

const MAX_FRAME_BYTES = 64 * 1024;

/** One hostile emit for a namespace, from its templates. */
export function hostileEmit(r: Random, templates: Record<string, Template>, targets: Targets, otherNamespaceEvents: readonly string[]): HostileEmit {
  const names = Object.keys(templates);
  const roll = r.next();
  const fromTemplates = roll >= 0.08;
  const event = fromTemplates ? r.pick(names) : r.bool(0.5) ? r.pick(UNKNOWN_EVENTS) : r.pick(otherNamespaceEvents);
  // Own keys only: `templates['constructor']` is Object itself.
  const base = (Object.hasOwn(templates, event) ? templates[event]! : templates[r.pick(names)]!)(r, targets);
  let payload: unknown = base;
  let mutation: string;
  const fields = Object.keys(base);
  switch (r.int(8)) {
    case 0:
      mutation = 'valid';
      break;
    case 1:
    case 2: {
      const field = fields.length ? r.pick(fields) : r.pick(KEYS);
      const value = hostileValue(r);
      payload = { ...base, [field]: value };
      mutation = `field ${field} = ${describe(value)}`;
      break;
    }
    case 3: {
      const field = fields.length ? r.pick(fields) : 'none';
      const { [field]: _dropped, ...rest } = base;
      payload = rest;
      mutation = `missing ${field}`;
      break;
    }
    case 4: {
      const key = r.pick(KEYS);
      payload = JSON.parse(`{${JSON.stringify(key)}:${JSON.stringify(hostileValue(r, 1)) ?? 'null'},${JSON.stringify(base).slice(1)}`.replace(/,}$/, '}'));
      mutation = `extra key ${JSON.stringify(key)}`;
      break;
    }
    case 5: {
      payload = hostileValue(r);
      mutation = `payload = ${describe(payload)}`;
      break;
    }
    case 6: {
      payload = protoObject(r, 0);
      mutation = `payload = ${JSON.stringify(payload)}`;
      break;
    }
    default: {
      const field = fields.length ? r.pick(fields) : 'x';
      const value = r.pick(UNICODE) + r.pick(UNICODE);
      payload = { ...base, [field]: value };
      mutation = `field ${field} = unicode ${JSON.stringify(value)}`;
    }
  }
  const ack: AckStyle = r.pick(['ack', 'ack', 'ack', 'ack', 'no-ack', 'only-ack', 'extra-args', 'non-function-ack']);
  const args = ack === 'only-ack' ? [] : ack === 'extra-args' ? [payload, hostileValue(r, 1)] : ack === 'non-function-ack' ? [payload, r.pick([1, 'ack', { ok: true }, null])] : [payload];
  return { event, mutation, args, ack, oversize: oversize(event, args), known: Object.hasOwn(templates, event) };
}

/**
 * socket.io-parser's decoder refuses a packet with more binary attachments than this (its
 * `maxAttachments` default), and the server then closes the connection, as for a frame too big.
 */
const MAX_ATTACHMENTS = 10;

/**
 * Whether the server must drop the connection for these arguments: Socket.IO's frames exceed the
 * server's limit (the JSON text is one WebSocket message and each binary attachment another), or
 * they carry more binary attachments than the parser takes. Within a few
 * bytes of the size limit (the packet header) it is too close to call.
 */
export function oversize(event: string, args: unknown[]): boolean | 'borderline' {
  let largestBinary = 0;
  let attachments = 0;
  const encode = (dropProto: boolean) =>
    JSON.stringify([event, ...args], function (this: Record<string, unknown>, key: string, value: unknown) {
      // A packet with a binary is copied key by key before it is written (socket.io-parser's
      // deconstructPacket), and `copy['__proto__'] = …` sets the copy's prototype: an own
      // `__proto__` field is not sent, though the binaries under it still are. A 70 KB field
      // beside a binary was once judged over the limit, and the frame was 36 bytes.
      if (dropProto && key === '__proto__') return undefined;
      // The value before its toJSON (a Buffer's is `{ type: 'Buffer', data }`): only a real binary is
      // an attachment. A hostile plain object shaped `{ type: 'Buffer', data: [...] }` is sent as
      // JSON text, and was once taken for one, so a 85 KB frame was judged under the limit.
      const original = this[key];
      if (original instanceof Uint8Array) {
        if (!dropProto) {
          largestBinary = Math.max(largestBinary, original.byteLength);
          attachments++;
        }
        return { _placeholder: true, num: 0 };
      }
      return value;
    });
  let text = encode(false);
  if (attachments > 0) text = encode(true);
  if (attachments > MAX_ATTACHMENTS) return true;
  const largest = Math.max(Buffer.byteLength(text ?? ''), largestBinary + 1);
  if (Math.abs(largest - MAX_FRAME_BYTES) < 64) return 'borderline';
  return largest > MAX_FRAME_BYTES;
}

/** A short description of a value for the failure report (no 20,000-character dumps). */
export function describe(value: unknown): string {
  if (value instanceof Uint8Array) return `<${value.constructor.name} ${value.byteLength} bytes>`;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return value.length > 40 ? `<string ${value.length} × ${JSON.stringify(value.slice(0, 2))}>` : JSON.stringify(value);
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/**
 * Socket.IO packets as written on the wire (after engine.io's "4"), malformed or misaddressed:
 * bad JSON, reserved and numeric event names, binary placeholders that never arrive, other
 * namespaces, acks for nothing. The server may drop the connection for these; it must not fall.
 */
export function rawPackets(r: Random, count: number): string[] {
  const fixed = [
    '2/visitor,["message:send",',
    '2/visitor,{"text":"not an array"}',
    '2/visitor,[]',
    '2/visitor,["disconnect"]',
    '2/visitor,["connect",{}]',
    '2/visitor,["newListener","x"]',
    '2/visitor,7[12345,{}]',
    '2/visitor,8[null,{}]',
    '2/visitor,9[{"__proto__":1},{}]',
    '5-/visitor,["message:send",{"_placeholder":true,"num":0}]',
    '51-/visitor,10["message:send",{"_placeholder":true,"num":7}]',
    '3/visitor,999[{"ok":true}]',
    '0/admin,',
    '0/visitor,{"token":{"__proto__":{"x":1}}}',
    '2/agent,["inbox:list",{}]',
    '1/visitor,',
    '9/visitor,["x"]',
    '2/visitor,99999999999999999999999["message:send",{}]',
    `2/visitor,["${'x'.repeat(3000)}",{}]`,
    '2/visitor,[["message:send"],{}]',
    '2/visitor,1["conversation:resume",' + '['.repeat(3000) + ']'.repeat(3000) + ']',
  ];
  const out = fixed.slice(0, count);
  while (out.length < count) {
    const bytes = Array.from({ length: 1 + r.int(40) }, () => String.fromCharCode(r.int(r.bool(0.8) ? 128 : 0xffff)));
    out.push(r.pick(['', '2', '2/visitor,', '2/visitor,1']) + bytes.join(''));
  }
  return out;
}
