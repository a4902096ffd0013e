import { v7 } from 'uuid';

/**
 * A new message's id: a UUIDv7 (RFC 9562), which starts with its creation time in milliseconds.
 * Random (v4) ids put each new message at a random place in the id index, so every commit of a
 * busy store rewrote one more index page per message (SQLite's WAL, PostgreSQL's WAL and buffer
 * cache alike); time-ordered ids land together at the end of the index (issue 9: 13 µs of the
 * writer's ~90 µs per message). The ids stay opaque to clients: nothing reads the time back.
 */
export function newMessageId(): string {
  return v7();
}
