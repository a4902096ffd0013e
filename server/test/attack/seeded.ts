/**
 * A small seeded generator (mulberry32) for the attack suites: the same seed gives the same
 * sequence of hostile inputs, so a failure printed with its seed reproduces with
 * `ATTACK_SEED=<seed> npm run test:attack`. No property-testing library: nothing here needs
 * shrinking, only a reproducible stream of choices.
 */
export interface Random {
  readonly seed: number;
  /** [0, 1) */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  bool(p?: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** An independent stream, derived from this seed and `salt` (one per worker, reproducible). */
  fork(salt: number): Random;
}

export function seeded(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const random: Random = {
    seed,
    next,
    int: (n) => Math.floor(next() * n),
    bool: (p = 0.5) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    fork: (salt) => seeded((Math.imul(seed ^ 0x9e3779b9, 31) + Math.imul(salt, 0x85ebca6b)) >>> 0),
  };
  return random;
}

/** `ATTACK_SEED` when given (to replay a failure), else a fresh one. */
export function attackSeed(): number {
  const given = process.env.ATTACK_SEED;
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isInteger(seed) || seed < 0) throw new Error(`ATTACK_SEED must be a non-negative integer, got ${given}`);
    return seed >>> 0;
  }
  return Math.floor(Math.random() * 2 ** 32) >>> 0;
}
