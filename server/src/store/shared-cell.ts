/**
 * One 32-bit cell of memory shared between the store's threads: what one thread tells another
 * without a message through either's event loop (`CheckpointHandoff`, `SearchGeneration`).
 */
export class SharedCell {
  protected readonly cell: Int32Array;

  /** A new cell (`buffer` goes to the threads in their `workerData`), or the one of `buffer`. */
  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)) {
    this.cell = new Int32Array(buffer);
  }
}
