import { describe, expect, it } from 'vitest';
import { KeyedBatches } from './keyed-batches.js';

/** A batch runner that records its batches and finishes each when told. */
function recorder() {
  const batches: string[][] = [];
  const finish: (() => void)[] = [];
  const run = (items: string[]) => {
    batches.push(items);
    return new Promise<{ ok: true; value: string }[]>((resolve) => finish.push(() => resolve(items.map((value) => ({ ok: true as const, value })))));
  };
  return { batches, finish, run };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedBatches', () => {
  it('sends what arrives while a batch runs as one batch, one item per key, keeping each key in order', async () => {
    const { batches, finish, run } = recorder();
    const group = new KeyedBatches<string, string>({ key: (item) => item.split(':')[0]!, run, maxInFlight: 1, maxBatch: 3 });
    const results = ['a:1'].map((item) => group.add(item));
    await tick();
    results.push(...['a:2', 'b:1', 'a:3', 'c:1', 'd:1', 'e:1'].map((item) => group.add(item)));
    await tick();
    expect(batches).toEqual([['a:1']]);
    for (let i = 0; i < 3; i++) {
      finish[i]!();
      await tick();
    }
    expect(batches).toEqual([['a:1'], ['a:2', 'b:1', 'c:1'], ['a:3', 'd:1', 'e:1']]);
    expect(await Promise.all(results)).toEqual(['a:1', 'a:2', 'b:1', 'a:3', 'c:1', 'd:1', 'e:1']);
    await group.drained();
    expect(group.batches).toBe(3);
  });

  it('rejects the items of a batch that failed, and runs the next', async () => {
    let calls = 0;
    const group = new KeyedBatches<string, string>({
      key: (item) => item,
      run: async (items) => {
        if (calls++ === 0) throw new Error('down');
        return items.map((value) => ({ ok: true as const, value }));
      },
      maxInFlight: 1,
      maxBatch: 10,
    });
    const first = group.add('x');
    await expect(first).rejects.toThrow('down');
    await expect(group.add('y')).resolves.toBe('y');
  });
});
