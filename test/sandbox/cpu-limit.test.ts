/**
 * The CPU limit, exactly: isolated-vm shows a run in progress as wall time, so the watch only stops a
 * run at twice the limit, and the limit itself is checked on the true CPU time once the run is out.
 */
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CPU_WATCH_FACTOR,
  cpuUpperBound,
  OTHERS_SAMPLE_MS,
  otherThreadsCpuMs,
  processCpuMs,
  recentOtherThreadsCpuMs,
  watchLimits,
} from '../../server/sandbox/limit-watch.ts';
import { rule, show, testHost } from './fixtures.ts';

describe('the CPU limit', () => {
  const host = testHost();
  afterAll(() => host.close());

  it('fails a run that used more CPU than its limit even when it finished by itself', async () => {
    const result = await host.run(
      rule('var t = Date.now(); while (Date.now() - t < 75) {} answer = "x";'),
      {},
    );
    expect(result.error?.code, show(result)).toBe('RULE_TIMEOUT');
    expect(result.error?.details).toMatchObject({ limit: 'cpu' });
  });

  it("bounds a run's CPU by the process's own CPU time, which an overloaded machine does not advance", async () => {
    // Descheduled for 150 ms: the isolate's figure (wall time) says 150, the process used 3.
    expect(cpuUpperBound(150, 3)).toBe(3);
    // A runaway on a machine with cores to spare: both figures grow with its true CPU.
    expect(cpuUpperBound(150, 180)).toBe(150);
    const before = processCpuMs();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(processCpuMs() - before).toBeLessThan(40); // sleeping costs no CPU
    const spinStart = processCpuMs();
    const until = performance.now() + 30;
    while (performance.now() < until) {}
    expect(processCpuMs() - spinStart).toBeGreaterThan(20);
  });

  it("leaves the main thread's CPU out of that bound (isolates never run there), not another thread's", async () => {
    const before = otherThreadsCpuMs();
    const until = performance.now() + 60;
    while (performance.now() < until) {} // the main thread, busy as under load
    expect(otherThreadsCpuMs() - before).toBeLessThan(30);
    const spinning = otherThreadsCpuMs();
    const worker = new Worker('const end = Date.now() + 60; while (Date.now() < end) {}', { eval: true });
    await new Promise((resolve) => worker.once('exit', resolve));
    expect(otherThreadsCpuMs() - spinning).toBeGreaterThan(40);
  });

  it('reads the other threads again only once its last reading is a few ms old', async () => {
    const first = recentOtherThreadsCpuMs();
    const worker = new Worker('const end = Date.now() + 40; while (Date.now() < end) {}', { eval: true });
    await new Promise((resolve) => worker.once('exit', resolve));
    // The worker's 40 ms are not seen by a reading taken within OTHERS_SAMPLE_MS of the last one...
    const within = performance.now();
    const cached = recentOtherThreadsCpuMs();
    if (performance.now() - within < OTHERS_SAMPLE_MS) expect(cached).toBe(recentOtherThreadsCpuMs());
    // ...and are once it is older.
    await new Promise((resolve) => setTimeout(resolve, OTHERS_SAMPLE_MS + 5));
    expect(recentOtherThreadsCpuMs() - first).toBeGreaterThan(25);
  });

  it('stops a runaway loop by the watch, and the next rule runs', async () => {
    const result = await host.run(rule('for (;;) {}'), {});
    expect(result.error?.code, show(result)).toBe('RULE_TIMEOUT');
    expect((await host.run(rule("answer = 'ok';"), {})).answer).toBe('ok');
  });

  it('lets a run that looks busy while in progress (wall time) go on to the real check', async () => {
    let breached = false;
    const samples = [70, 90];
    const watch = watchLimits({
      cpuMs: 50,
      wallMs: 2000,
      cpuUsed: () => samples.shift() ?? 70,
      onBreach: () => {
        breached = true;
      },
      onGone: () => {},
    });
    await new Promise((resolve) => setTimeout(resolve, 50 * CPU_WATCH_FACTOR + 30));
    watch.stop();
    expect(breached).toBe(false);
  });
});
