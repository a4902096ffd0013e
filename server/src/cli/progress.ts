/**
 * A progress bar on stderr for long CLI steps. On a terminal it redraws one line; in a pipe or a
 * CI log it prints a plain line at each tenth instead, so logs stay readable.
 */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const WIDTH = 30;

export function createProgress(stream: ProgressStream, label: string, { minTotal = 200 } = {}) {
  let lastTenth = -1;
  let drawn = false;
  return {
    update(done: number, total: number) {
      if (total < minTotal) return; // small sets finish before a bar would be seen
      const share = total ? Math.min(1, done / total) : 1;
      if (stream.isTTY) {
        const filled = Math.round(share * WIDTH);
        stream.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${Math.round(share * 100)}% ${done}/${total}`);
        drawn = true;
        return;
      }
      const tenth = Math.floor(share * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      stream.write(`${label}: ${tenth * 10}% (${done}/${total})\n`);
    },
    done() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
