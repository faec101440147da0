/** The database's health: down at the first lost connection, up again at the first answered ping. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDatabaseHealth, type DatabaseHealth } from '../../server/ops/database-health.ts';

const lost = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('the database health', () => {
  let health: DatabaseHealth | undefined;
  afterEach(() => {
    health?.close();
    vi.useRealTimers();
  });

  it('starts up, and ignores errors that are not a lost connection', () => {
    health = createDatabaseHealth(async () => true);
    expect(health.up).toBe(true);
    expect(health.report(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(health.up).toBe(true);
    expect(health.outages).toBe(0);
  });

  it('goes down at once on a lost connection and comes back when a ping answers', async () => {
    vi.useFakeTimers();
    let answers = false;
    const ping = vi.fn(async () => answers);
    health = createDatabaseHealth(ping, { retryMs: 100 });
    expect(health.report(lost)).toBe(true);
    expect(health.up).toBe(false);
    expect(health.outages).toBe(1);
    await vi.advanceTimersByTimeAsync(350);
    expect(health.up).toBe(false);
    expect(ping.mock.calls.length).toBeGreaterThanOrEqual(3);
    answers = true;
    await vi.advanceTimersByTimeAsync(100);
    expect(health.up).toBe(true);
    const pings = ping.mock.calls.length;
    await vi.advanceTimersByTimeAsync(1000);
    expect(ping.mock.calls.length, 'no pings while up').toBe(pings);
  });

  it('counts one outage however many failures it sees while down', () => {
    health = createDatabaseHealth(async () => false);
    health.report(lost);
    health.report(lost);
    health.lost('/cti.do');
    expect(health.outages).toBe(1);
  });

  it('is a false alarm for one ping when the database answers at once', async () => {
    health = createDatabaseHealth(async () => true);
    health.report(lost);
    expect(health.up).toBe(false);
    await vi.waitFor(() => expect(health!.up).toBe(true));
  });

  it('takes a ping that hangs (a black-holed server) as down, and never runs two pings at once', async () => {
    vi.useFakeTimers();
    let pending = 0;
    let most = 0;
    const ping = vi.fn(() => {
      pending += 1;
      most = Math.max(most, pending);
      // Answers, too late, after 5 s: the driver's connect timeout.
      return new Promise<boolean>((resolve) =>
        setTimeout(() => {
          pending -= 1;
          resolve(true);
        }, 5000),
      );
    });
    health = createDatabaseHealth(ping, { retryMs: 100, pingTimeoutMs: 200 });
    health.report(lost);
    await vi.advanceTimersByTimeAsync(1000);
    expect(health.up).toBe(false);
    expect(most).toBe(1);
  });

  it('stops probing when closed', async () => {
    vi.useFakeTimers();
    const ping = vi.fn(async () => false);
    health = createDatabaseHealth(ping, { retryMs: 100 });
    health.report(lost);
    await vi.advanceTimersByTimeAsync(250);
    health.close();
    const pings = ping.mock.calls.length;
    await vi.advanceTimersByTimeAsync(1000);
    expect(ping.mock.calls.length).toBe(pings);
  });
});
