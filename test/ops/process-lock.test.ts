/**
 * One process per PGlite data directory (SPEC §12), with real processes: a second one on the same
 * directory stops at once with one line naming it and what to do, and the first keeps serving.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ctiCall,
  killLeftovers,
  type RunningServer,
  spawnServer,
  startServer,
} from './helpers/server-process.ts';

describe('the PGlite data directory [real processes]', () => {
  let dir: string;
  let first: RunningServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctihost-owner-'));
    first = await startServer({ DATA_DIR: dir });
  }, 60_000);
  afterAll(() => {
    killLeftovers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is locked by the process that serves it', () => {
    expect(JSON.parse(readFileSync(join(dir, 'ctihost.lock'), 'utf8'))).toEqual({
      pid: first.child.pid,
      host: hostname(),
    });
  });

  it('stops a second process at once, non-zero, with one line naming the directory and what to do', async () => {
    const started = Date.now();
    const second = spawnServer({ DATA_DIR: dir });
    const exit = await second.exited;
    expect(exit.code).toBe(1);
    expect(Date.now() - started, 'before it opens the database').toBeLessThan(5000);
    expect(second.output()).toBe(
      `ctihost: the data directory ${dir} is in use by another ctihost process (pid ${first.child.pid}): ` +
        'stop that process first, or give this one another DATA_DIR (or a DATABASE_URL for processes that ' +
        `share a database); if no such process runs, delete ${join(dir, 'ctihost.lock')}\n`,
    );
  }, 30_000);

  it('keeps the first one serving', async () => {
    expect((await fetch(`${first.base}/readyz`)).status).toBe(200);
    const call = await ctiCall(first.base, 'sysparm_caller_phone=4155550142');
    expect(call.status, call.body).toBe(200);
  });

  it('is removed when the owner stops cleanly', async () => {
    const exit = await first.stop();
    expect(exit.code).toBe(0);
    expect(existsSync(join(dir, 'ctihost.lock'))).toBe(false);
  }, 30_000);

  it('is taken over from a process that died without removing it (a crash, SIGKILL)', async () => {
    const crashed = await startServer({ DATA_DIR: dir });
    const exit = await crashed.stop('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    expect(JSON.parse(readFileSync(join(dir, 'ctihost.lock'), 'utf8')).pid, 'a stale lock').toBe(
      crashed.child.pid,
    );
    const next = await startServer({ DATA_DIR: dir });
    expect(JSON.parse(readFileSync(join(dir, 'ctihost.lock'), 'utf8')).pid).toBe(next.child.pid);
    const call = await ctiCall(next.base, 'sysparm_caller_phone=4155550142');
    expect(call.status, call.body).toBe(200);
    expect((await next.stop()).code).toBe(0);
  }, 90_000);

  it('is taken over from a file left by a process of an earlier boot', async () => {
    writeFileSync(join(dir, 'ctihost.lock'), JSON.stringify({ pid: 2 ** 22 + 7, host: hostname() }));
    const next = await startServer({ DATA_DIR: dir });
    expect((await next.stop()).code).toBe(0);
  }, 60_000);
});
