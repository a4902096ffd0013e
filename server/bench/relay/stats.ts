import { percentile } from '../../src/knowledge/eval/evaluate.js';

/** Latency percentiles (ms) of a set of samples, rounded for printing and JSON. */
export interface Latency {
  p50_ms: number;
  p99_ms: number;
  samples: number;
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export function latency(samples: readonly number[]): Latency {
  return { p50_ms: round(percentile(samples, 50)), p99_ms: round(percentile(samples, 99)), samples: samples.length };
}

/**
 * How many sends an open-loop sender at `ratePerSecond` owes by `elapsedMs` since it started
 * (the first at 0 ms). The sender catches up in bursts when its timer fires late, so the load
 * holds at the rate over the run instead of sinking with every late timer.
 */
export function sendsDue(elapsedMs: number, ratePerSecond: number): number {
  if (elapsedMs < 0) return 0;
  return Math.floor((elapsedMs * ratePerSecond) / 1000) + 1;
}

/** When send number `index` (0-based) was due, in ms after the start. */
export function dueAt(index: number, ratePerSecond: number): number {
  return (index * 1000) / ratePerSecond;
}

export function ratio(product: number, raw: number): number | null {
  return raw > 0 && Number.isFinite(product / raw) ? round(product / raw, 3) : null;
}
