import { Decoder, Encoder } from 'socket.io-parser';

/**
 * A socket.io-client parser that skips, unparsed, the frames of events the bench never reads
 * (each agent's inbox updates). One bench process plays hundreds of browsers: parsing 200 copies
 * of every inbox update would make the client the bottleneck of the product's run and not of the
 * raw relay's. The server still builds and sends every frame; `skipped` counts them.
 */
export function skippingParser(
  namespace: string,
  events: readonly string[],
): { parser: { Encoder: typeof Encoder; Decoder: typeof Decoder }; counter: { skipped: number } } {
  const prefixes = events.map((event) => `2${namespace},["${event}"`);
  const counter = { skipped: 0 };
  class SkippingDecoder extends Decoder {
    override add(packet: unknown): void {
      if (typeof packet === 'string' && prefixes.some((prefix) => packet.startsWith(prefix))) {
        counter.skipped++;
        return;
      }
      super.add(packet);
    }
  }
  return { parser: { Encoder, Decoder: SkippingDecoder }, counter };
}
