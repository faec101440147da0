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

/**
 * While a run is inside the isolate, isolated-vm reports its current stretch in `cpuTime` as wall
 * time (it cannot read another thread's CPU clock; src/isolate/executor.cc), so on a loaded machine
 * a short rule can look busier than it is. The watch stops a run only at this multiple of the limit;
 * the exact check of the limit is made when the run is out (run-execution.ts).
 */
export const CPU_WATCH_FACTOR = 2;

/**
 * An upper bound of the CPU a run in progress has used: the isolate's own figure (wall time while
 * inside, see above) and the CPU time of the process's other threads than the main one over the same
 * stretch (otherThreadsCpuMs) both bound it, so the smaller is the tighter. On a machine so loaded
 * that the isolate's thread is not scheduled, that CPU stays low while the wall clock runs, and a
 * benign rule is no longer taken for a runaway; a real runaway still is, as both figures pass the
 * limit once its true CPU does.
 */
export function cpuUpperBound(isolateMs: number, processMs: number): number {
  return Math.min(isolateMs, processMs);
}

/** CPU time of this whole process (every thread) in ms. */
export function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * CPU time of every thread of the process but the calling (main) one, in ms. Isolates never run on
 * the main thread, and under load it is the main thread (HTTP, queries) that uses most of the
 * process's CPU: counting it let a busy server take a benign rule whose thread waited for a core
 * for a runaway.
 */
export function otherThreadsCpuMs(): number {
  const own = process.threadCpuUsage();
  return processCpuMs() - (own.user + own.system) / 1000;
}

/** How old the reading a run starts from may be (recentOtherThreadsCpuMs). */
export const OTHERS_SAMPLE_MS = 5;
let othersSample = { at: Number.NEGATIVE_INFINITY, ms: 0 };

/**
 * otherThreadsCpuMs as read at most OTHERS_SAMPLE_MS ago: the baseline a run's watch starts from.
 * The two readings are syscalls costing the main thread 0.5 to 13 µs on this project's machines (by
 * day), while almost no run lasts long enough for the watch to look; under load runs start far more often
 * than every 5 ms. An older baseline can only make the bound larger, by the other threads' CPU of
 * those few milliseconds, against a watch that stops a run at twice its limit.
 */
export function recentOtherThreadsCpuMs(): number {
  const now = performance.now();
  if (now - othersSample.at > OTHERS_SAMPLE_MS) othersSample = { at: now, ms: otherThreadsCpuMs() };
  return othersSample.ms;
}

/** Extra wall time granted before the backstop fires: isolated-vm's timeout normally ends the run first. */
const WALL_GRACE_MS = 250;

/**
 * How long one statement of a run may take on the database (create-services.ts): past the wall limit
 * and the backstop's grace no run is left to use its rows.
 */
export const ruleStatementTimeoutMs = (limits: { wallMs: number }): number => limits.wallMs + WALL_GRACE_MS;
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
    const stopAt = options.cpuMs * CPU_WATCH_FACTOR;
    if (cpu > stopAt) {
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
    timer = setTimeout(check, Math.max(MIN_RECHECK_MS, Math.min(stopAt - cpu, wallLeft)));
  };
  timer = setTimeout(check, options.cpuMs * CPU_WATCH_FACTOR);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
