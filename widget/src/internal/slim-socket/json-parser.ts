/**
 * Stands in for `socket.io-parser` in the widget bundle (see build.mjs): the same wire format
 * (`<type>[/nsp,][id][json]`, protocol 5) without binary attachments, which the visitor
 * protocol never carries — every payload is JSON. A binary packet, were one to arrive, is a
 * parse error: the manager closes and reconnects rather than misreading it.
 *
 * Tested against the real parser in slim-socket.test.ts, and under the whole connection suite.
 */

export const protocol = 5;

export const PacketType = {
  CONNECT: 0,
  DISCONNECT: 1,
  EVENT: 2,
  ACK: 3,
  CONNECT_ERROR: 4,
  BINARY_EVENT: 5,
  BINARY_ACK: 6,
} as const;

export interface Packet {
  type: number;
  nsp: string;
  id?: number;
  data?: unknown;
}

export class Encoder {
  encode(p: Packet): string[] {
    return [
      p.type + (p.nsp && p.nsp !== '/' ? p.nsp + ',' : '') + (p.id ?? '') + (p.data == null ? '' : JSON.stringify(p.data)),
    ];
  }
}

/** The manager only calls `on('decoded')`, `off`, `add` and `destroy`. */
export class Decoder {
  private fn: ((packet: Packet) => void) | undefined;

  on(_event: 'decoded', fn: (packet: Packet) => void): this {
    this.fn = fn;
    return this;
  }

  off(): this {
    this.fn = undefined;
    return this;
  }

  add(chunk: unknown): void {
    const m = typeof chunk === 'string' ? /^([0-4])(?:(\/[^,]*),?)?(\d*)([^]*)$/.exec(chunk) : null;
    if (!m) throw new Error('unsupported packet');
    const p: Packet = { type: +m[1]!, nsp: m[2] || '/' };
    if (m[3]) p.id = +m[3];
    if (m[4]) p.data = JSON.parse(m[4]);
    // Events and acks are arrays (the client spreads them into handler arguments).
    if (p.type > 1 && p.type < 4 && !Array.isArray(p.data)) throw new Error('invalid payload');
    this.fn?.(p);
  }

  destroy(): void {}
}
