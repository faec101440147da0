/**
 * `serve --workers N` exits 0 after SIGTERM when every worker stopped cleanly (server/ops/cluster.ts).
 * A worker still starting (opening the database) when the signal comes is ended by it before its own
 * handler exists: on a busy machine that made a clean stop exit 1 (test/process/start.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { stopFailed } from '../../server/ops/cluster.ts';

describe('stopFailed', () => {
  it('is false for a worker that exited 0, listening or not', () => {
    expect(stopFailed(0, null, true)).toBe(false);
    expect(stopFailed(0, null, false)).toBe(false);
  });

  it('is false for a worker ended by the SIGTERM before it listened: it had no call to answer', () => {
    expect(stopFailed(null, 'SIGTERM', false)).toBe(false);
  });

  it('is true for a serving worker that did not exit 0, and for any other death', () => {
    expect(stopFailed(null, 'SIGTERM', true)).toBe(true);
    expect(stopFailed(1, null, true)).toBe(true);
    expect(stopFailed(1, null, false)).toBe(true);
    expect(stopFailed(null, 'SIGKILL', false)).toBe(true);
    expect(stopFailed(null, 'SIGSEGV', true)).toBe(true);
  });
});
