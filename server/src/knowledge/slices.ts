/**
 * Long builds written once, as generators that `yield` wherever they may pause, and run either in
 * one go (the CLI, the eval, tests) or in time slices with the event loop in between (the server,
 * which re-indexes a changed knowledge folder while it keeps chatting).
 */
export type Steps<T> = Generator<void, T, void>;

/** Runs the steps to the end without pausing. */
export function runToEnd<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Runs the steps in slices of at most about `sliceMs` each, letting other callbacks run between. */
export async function runInSlices<T>(steps: Steps<T>, sliceMs = 10): Promise<T> {
  let sliceEnds = performance.now() + sliceMs;
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() < sliceEnds) continue;
    await new Promise<void>((resolve) => setImmediate(resolve));
    sliceEnds = performance.now() + sliceMs;
  }
}
