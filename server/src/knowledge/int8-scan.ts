/**
 * The first stage of dense search: the dot product of one int8 query against every int8 row of a
 * matrix, as exact 32-bit integers.
 *
 * Why WebAssembly: plain JavaScript has no SIMD, and a scalar loop costs about the same per element
 * whether the elements are float32 or int8 (≈13 ms for 10,000 × 1,536 on our 2-core machine). The
 * 128-bit SIMD kernel below does 16 elements per step and reads a quarter of the bytes (≈0.7 ms).
 * It is a few dozen hand-assembled bytes rather than a build step or a dependency; where
 * WebAssembly SIMD is missing, the scalar loop gives the same integers (integer sums are exact in
 * any order), only slower.
 *
 * Memory layout (one WebAssembly.Memory per index): the query as int16 (pre-widened once per
 * search so the loop widens only the row), then the rows as int8, each padded with zeros to a
 * multiple of 16, then one int32 result per row.
 */

// The server compiles without the DOM library, which is where TypeScript keeps WebAssembly's types
// (@types/node 20 has none): the few parts used here, as Node provides them.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Memory {
    constructor(descriptor: { initial: number });
    readonly buffer: ArrayBuffer;
  }
  class Instance {
    constructor(module: Module, imports: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  function validate(bytes: Uint8Array): boolean;
}

export interface Int8Scanner {
  /** Row length in elements: the dimensions rounded up to a multiple of 16 (the padding is zeros). */
  readonly stride: number;
  /** The query, widened to int16: write it here before `scan()`. */
  readonly query: Int16Array;
  /** The rows: row i at `i * stride`. */
  readonly rows: Int8Array;
  /** `query · row i` for every row, filled by `scan()`. */
  readonly dots: Int32Array;
  readonly simd: boolean;
  scan(): void;
}

export function createInt8Scanner(count: number, dimensions: number, { simd = simdAvailable() } = {}): Int8Scanner {
  const stride = Math.ceil(dimensions / 16) * 16;
  const queryBytes = stride * 2;
  const rowBytes = count * stride;
  const bytes = queryBytes + rowBytes + count * 4;
  if (!simd) {
    const buffer = new ArrayBuffer(bytes);
    const query = new Int16Array(buffer, 0, stride);
    const rows = new Int8Array(buffer, queryBytes, rowBytes);
    const dots = new Int32Array(buffer, queryBytes + rowBytes, count);
    return { stride, query, rows, dots, simd, scan: () => scalarScan(query, rows, dots, stride) };
  }
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65_536)) });
  const instance = new WebAssembly.Instance(module(), { env: { memory } });
  const scan = instance.exports.scan as (query: number, rows: number, count: number, stride: number, out: number) => void;
  const query = new Int16Array(memory.buffer, 0, stride);
  const rows = new Int8Array(memory.buffer, queryBytes, rowBytes);
  const dots = new Int32Array(memory.buffer, queryBytes + rowBytes, count);
  return { stride, query, rows, dots, simd, scan: () => scan(0, queryBytes, count, stride, queryBytes + rowBytes) };
}

function scalarScan(query: Int16Array, rows: Int8Array, dots: Int32Array, stride: number): void {
  for (let row = 0; row < dots.length; row++) {
    const base = row * stride;
    let dot = 0;
    for (let j = 0; j < stride; j++) dot += rows[base + j]! * query[j]!;
    dots[row] = dot;
  }
}

let simdSupport: boolean | undefined;
export function simdAvailable(): boolean {
  simdSupport ??= typeof WebAssembly === 'object' && WebAssembly.validate(moduleBytes());
  return simdSupport!;
}

let compiled: WebAssembly.Module | undefined;
function module(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(moduleBytes());
  return compiled;
}

/**
 * The module, equivalent to this text format (memory imported as env.memory):
 *
 *   (func (export "scan") (param $q i32) (param $m i32) (param $n i32) (param $stride i32) (param $out i32)
 *     (local $rowEnd i32) (local $j i32) (local $acc v128) (local $a v128)
 *     (block (br_if 0 (i32.eqz (local.get $n)))
 *       (loop $rows
 *         (local.set $rowEnd (i32.add (local.get $m) (local.get $stride)))
 *         (local.set $j (local.get $q))
 *         (local.set $acc (v128.const i32x4 0 0 0 0))
 *         (loop $cols                                    ;; 16 int8 of the row per step
 *           (local.set $a (v128.load (local.get $m)))
 *           (local.set $acc (i32x4.add (i32x4.add (local.get $acc)
 *             (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $a)) (v128.load offset=0 (local.get $j))))
 *             (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $a)) (v128.load offset=16 (local.get $j)))))
 *           (local.set $j (i32.add (local.get $j) (i32.const 32)))
 *           (br_if $cols (i32.lt_u (local.tee $m (i32.add (local.get $m) (i32.const 16))) (local.get $rowEnd))))
 *         (i32.store (local.get $out) (sum of the four lanes of $acc))
 *         (local.set $out (i32.add (local.get $out) (i32.const 4)))
 *         (br_if $rows (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))
 *
 * No overflow: |q|, |row| ≤ 127, so a row's dot is at most 127² × dimensions (2.5e7 at 1,536).
 */
function moduleBytes(): Uint8Array {
  const leb = (n: number) => {
    const out: number[] = [];
    do {
      let byte = n & 0x7f;
      n >>>= 7;
      if (n) byte |= 0x80;
      out.push(byte);
    } while (n);
    return out;
  };
  const simd = (op: number) => [0xfd, ...leb(op)];
  const load = (offset: number) => [...simd(0x00), 4, ...leb(offset)]; // v128.load align=16 offset
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const tee = (i: number) => [0x22, i];
  const lane = (i: number) => [...get(7), ...simd(0x1b), i]; // i32x4.extract_lane
  const [q, m, n, stride, out, rowEnd, j, acc, a] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const body = [
    2, 2, 0x7f, 2, 0x7b, // locals: 2 × i32, 2 × v128
    0x02, 0x40, ...get(n), 0x45, 0x0d, 0, // block; br_if n == 0
    0x03, 0x40, // loop $rows
    ...get(m), ...get(stride), 0x6a, ...set(rowEnd),
    ...get(q), ...set(j),
    ...simd(0x0c), ...new Array<number>(16).fill(0), ...set(acc),
    0x03, 0x40, // loop $cols
    ...get(m), ...load(0), ...set(a),
    ...get(acc), ...get(a), ...simd(0x87), ...get(j), ...load(0), ...simd(0xba), ...simd(0xae), // extend_low, dot, add
    ...get(a), ...simd(0x88), ...get(j), ...load(16), ...simd(0xba), ...simd(0xae), ...set(acc), // extend_high, dot, add
    ...get(j), 0x41, 32, 0x6a, ...set(j),
    ...get(m), 0x41, 16, 0x6a, ...tee(m), ...get(rowEnd), 0x49, 0x0d, 0, // br_if $cols m < rowEnd
    0x0b,
    ...get(out), ...lane(0), ...lane(1), 0x6a, ...lane(2), 0x6a, ...lane(3), 0x6a, 0x36, 2, 0, // i32.store
    ...get(out), 0x41, 4, 0x6a, ...set(out),
    ...get(n), 0x41, 1, 0x6b, ...tee(n), 0x0d, 0, // br_if $rows --n
    0x0b, 0x0b, 0x0b, // end loop, block, func
  ];
  const section = (id: number, bytes: number[]) => [id, ...leb(bytes.length), ...bytes];
  const name = (text: string) => [text.length, ...Array.from(text, (c) => c.charCodeAt(0))];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, // \0asm, version 1
    ...section(1, [1, 0x60, 5, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]), // type: (i32 × 5) → ()
    ...section(2, [1, ...name('env'), ...name('memory'), 2, 0, 1]), // import env.memory, min 1 page
    ...section(3, [1, 0]), // one function of type 0
    ...section(7, [1, ...name('scan'), 0, 0]), // export it as "scan"
    ...section(10, [1, ...leb(body.length), ...body]),
  ]);
}
