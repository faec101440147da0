/** The PGlite directory's lock: one owner, a clear refusal, stale locks of dead processes taken over. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  acquireDataDirLock,
  DataDirLockedError,
  LOCK_FILE,
  pidIsAlive,
} from '../../server/ops/data-dir-lock.ts';

describe('the data directory lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctihost-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const lockFile = () => join(dir, LOCK_FILE);
  const writeLock = (content: unknown) =>
    writeFileSync(lockFile(), typeof content === 'string' ? content : JSON.stringify(content));
  /** Every pid but the listed ones is dead. */
  const alive =
    (...pids: number[]) =>
    (pid: number) =>
      pids.includes(pid);

  it('is created with the owner pid and host, and removed on release', () => {
    const lock = acquireDataDirLock(dir, { pid: 4242, isAlive: alive(4242) });
    expect(JSON.parse(readFileSync(lockFile(), 'utf8'))).toEqual({ pid: 4242, host: hostname() });
    lock.release();
    expect(existsSync(lockFile())).toBe(false);
    expect(readdirSync(dir), 'no temporary files left').toEqual([]);
  });

  it('creates a directory that does not exist yet', () => {
    const nested = join(dir, 'a', 'b');
    acquireDataDirLock(nested).release();
    expect(existsSync(nested)).toBe(true);
  });

  it('refuses a second owner while the first runs, naming the directory, the owner and what to do', () => {
    const first = acquireDataDirLock(dir, { pid: 100, isAlive: alive(100, 200) });
    let refusal: unknown;
    try {
      acquireDataDirLock(dir, { pid: 200, isAlive: alive(100, 200) });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(DataDirLockedError);
    const message = (refusal as Error).message;
    expect(message).toBe(
      `the data directory ${dir} is in use by another ctihost process (pid 100): stop that process first, ` +
        'or give this one another DATA_DIR (or a DATABASE_URL for processes that share a database); ' +
        `if no such process runs, delete ${lockFile()}`,
    );
    expect(message).not.toContain('\n');
    expect(JSON.parse(readFileSync(lockFile(), 'utf8')).pid, 'the owner keeps its lock').toBe(100);
    first.release();
    acquireDataDirLock(dir, { pid: 200, isAlive: alive(200) }).release();
  });

  it.each([
    ['a dead process', { pid: 999_999, host: hostname() }],
    ['this very pid (a restarted container is pid 1 again)', { pid: 300, host: hostname() }],
    ['a file that is not JSON', 'garbage'],
    ['an empty file', ''],
    ['JSON without a pid', { host: hostname() }],
  ])('takes over a stale lock of %s', (_name, content) => {
    writeLock(content);
    const lock = acquireDataDirLock(dir, { pid: 300, isAlive: alive(300) });
    expect(JSON.parse(readFileSync(lockFile(), 'utf8')).pid).toBe(300);
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("counts another host's lock as held: its pid cannot be checked from here", () => {
    writeLock({ pid: 999_999, host: 'elsewhere' });
    expect(() => acquireDataDirLock(dir, { pid: 300, isAlive: alive(300) })).toThrow(
      /in use by another ctihost process \(pid 999999 on elsewhere\)/,
    );
  });

  it('releases only its own lock, never one taken over after it was thought dead', () => {
    const lock = acquireDataDirLock(dir, { pid: 100, isAlive: alive(100) });
    writeLock({ pid: 200, host: hostname() });
    lock.release();
    expect(JSON.parse(readFileSync(lockFile(), 'utf8')).pid).toBe(200);
  });

  it('tells a live pid from a dead one', () => {
    expect(pidIsAlive(process.pid)).toBe(true);
    // Linux pids stop at 2^22; this one cannot exist.
    expect(pidIsAlive(2 ** 22 + 1)).toBe(false);
  });
});
