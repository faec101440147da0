/**
 * What every benchmark of test/bench/ returns, and the few helpers they share. Timings are for
 * reading, never for gating: machines differ, and a benchmark says so by reporting ratios against
 * a baseline measured in the same run.
 */
export type BenchRow = {
  label: string;
  medianUs: number;
  p99Us: number;
  /** Median over the benchmark's baseline median (1 for the baseline itself). */
  ratio: number;
};

export type BenchResult = { title: string; rows: BenchRow[]; notes: string[] };

/** A benchmark file's default export. */
export type Bench = () => Promise<BenchResult>;

export type Sample = { medianUs: number; p99Us: number };

export function summarize(timesUs: number[]): Sample {
  const sorted = [...timesUs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { medianUs: at(0.5), p99Us: at(0.99) };
}

/** Times `iterations` calls of `fn` one after the other, each on its own, in microseconds. */
export async function timeEach(
  iterations: number,
  fn: (i: number) => unknown,
  between?: () => Promise<void>,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    const result = fn(i);
    if (result instanceof Promise) await result;
    times.push(Number(process.hrtime.bigint() - start) / 1000);
    if (between) await between();
  }
  return times;
}

/**
 * Times several functions in turns: call i of each, then call i + 1 of each, and so on, so a slow
 * stretch of a noisy machine lands on all of them alike instead of on whichever block ran then.
 * `between` runs after each call, untimed.
 */
export async function timeInTurns(
  iterations: number,
  fns: readonly ((i: number) => unknown)[],
  between?: () => Promise<void>,
): Promise<number[][]> {
  const times = fns.map(() => [] as number[]);
  for (let i = 0; i < iterations; i++) {
    for (const [at, fn] of fns.entries()) {
      const start = process.hrtime.bigint();
      const result = fn(i);
      if (result instanceof Promise) await result;
      times[at]!.push(Number(process.hrtime.bigint() - start) / 1000);
      if (between) await between();
    }
  }
  return times;
}

export const rowsAgainst = (baseline: Sample, samples: [label: string, sample: Sample][]): BenchRow[] =>
  samples.map(([label, sample]) => ({ label, ...sample, ratio: sample.medianUs / baseline.medianUs }));
