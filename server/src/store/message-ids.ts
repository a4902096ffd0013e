import { randomUUID } from 'node:crypto';

/** The last id's millisecond and its counter (RFC 9562 §6.2, method 1: a 12-bit counter in rand_a). */
let lastMs = 0;
let counter = 0;

/**
 * A new message's id: a UUIDv7 (RFC 9562), which starts with its creation time in milliseconds.
 * Random (v4) ids put each new message at a random place in the id index, so every commit of a
 * busy store rewrote one more index page per message (SQLite's WAL, PostgreSQL's WAL and buffer
 * cache alike); time-ordered ids land together at the end of the index (issue 9: 13 µs of the
 * writer's ~90 µs per message). The ids stay opaque to clients: nothing reads the time back.
 *
 * The random bits come from `randomUUID`, which draws on Node's cache of random bytes (one
 * CSPRNG call per 128 ids). The `uuid` package's v7 asked the CSPRNG for every id, and each call
 * (OpenSSL checking its process id on the way) was 9% of the writer thread's time in the relay
 * bench. Ids made in the same millisecond count up, so they still sort in the order they were made.
 */
export function newMessageId(now = Date.now()): string {
  const random = randomUUID();
  if (now > lastMs) {
    lastMs = now;
    // A random start in the lower half leaves room to count 2,048 more in this millisecond.
    counter = Number.parseInt(random.slice(15, 18), 16) & 0x7ff;
  } else if (++counter > 0xfff) {
    // 4,096 ids in one millisecond (or the clock went back): borrow the next one, still in order.
    lastMs++;
    counter = 0;
  }
  const ms = lastMs.toString(16).padStart(12, '0');
  // randomUUID is "xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx": its variant and last 62 bits stay.
  return `${ms.slice(0, 8)}-${ms.slice(8)}-7${counter.toString(16).padStart(3, '0')}${random.slice(18)}`;
}

/**
 * The least id `newMessageId` makes at `ms` or later, as a string bound: every id made before `ms`
 * sorts below it, so a time range of messages is a range of their primary key (no index on
 * `created_at` that every message would write to). Ids made before UUIDv7 (random ones) are
 * scattered: bound `created_at` too.
 */
export function messageIdFloor(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8)}`;
}

/**
 * How far a message's id time may stray from its `created_at`: both are read from the same
 * process's clock, the id up to the writer's queue later (SQLite) or at once (PostgreSQL).
 */
export const ID_TIME_MARGIN_MS = 15_000;
