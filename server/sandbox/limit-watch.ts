/**
 * Watches one run's CPU time. isolated-vm's `timeout` is wall time (#108), so the CPU limit is
 * checked on `isolate.cpuTime`: a run cannot spend more CPU than wall time, so the first check is
 * due when the limit could first have been reached, and re-armed for what is left after that. Only
 * disposing the isolate stops a script that is over; `onBreach` does that. A wall-time backstop
 * does the same if isolated-vm's own timeout failed to stop the run.
 */
export type LimitWatch = { stop(): void };

export type WatchOptions = {
  cpuMs: number;
  wallMs: number;
  /** Read the isolate's CPU time used since the run began, in ms (null once the isolate is gone). */
  cpuUsed(): number | null;
  onBreach(limit: 'cpu' | 'wall', usedMs: number): void;
  /** The isolate was disposed under the run by something else (isolated-vm, at the memory limit). */
  onGone(): void;
};

/** Extra wall time granted before the backstop fires: isolated-vm's timeout normally ends the run first. */
const WALL_GRACE_MS = 250;
const MIN_RECHECK_MS = 2;

export function watchLimits(options: WatchOptions): LimitWatch {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const check = () => {
    if (stopped) return;
    const cpu = options.cpuUsed();
    if (cpu === null) {
      stopped = true;
      options.onGone();
      return;
    }
    if (cpu > options.cpuMs) {
      stopped = true;
      options.onBreach('cpu', cpu);
      return;
    }
    const wall = performance.now() - start;
    const wallLeft = options.wallMs + WALL_GRACE_MS - wall;
    if (wallLeft <= 0) {
      stopped = true;
      options.onBreach('wall', wall);
      return;
    }
    timer = setTimeout(check, Math.max(MIN_RECHECK_MS, Math.min(options.cpuMs - cpu, wallLeft)));
  };
  timer = setTimeout(check, options.cpuMs);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
