/**
 * A command owns a PGlite data directory while it works, as the server does: one that finds the
 * directory held by a running process stops at once, naming the directory and what to do, and
 * touches nothing; one that runs leaves no lock behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../server/ops/data-dir-lock.ts';
import { type CliDatabase, ctihost, openCliDatabase } from './helpers.ts';

describe('ctihost commands on a PGlite data directory', () => {
  let db: CliDatabase;
  let dir: string;
  let owner: ChildProcess;
  beforeAll(async () => {
    db = await openCliDatabase('pglite');
    dir = db.args[1]!;
    // A live process that is not this one stands for the server holding the directory.
    owner = spawn('sleep', ['60'], { stdio: 'ignore' });
  }, 60_000);
  afterAll(async () => {
    owner?.kill('SIGKILL');
    await db?.close();
  });

  it('runs, and leaves no lock behind', async () => {
    const result = await ctihost(['rules', 'list', '--json', ...db.args]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).map((rule: { name: string }) => rule.name)).toContain('CTIProcessing');
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('stops at once when a running process holds the directory, naming it and what to do', async () => {
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: owner.pid, host: hostname() }));
    const before = readdirSync(dir).sort();
    for (const args of [
      ['rules', 'list'],
      ['rules', 'push', 'rules'],
      ['dictionary', 'pull', join(dir, 'nowhere')],
    ]) {
      const result = await ctihost([...args, ...db.args]);
      expect(result.code, args.join(' ')).not.toBe(0);
      expect(result.stderr).toContain(`the data directory ${dir} is in use by another ctihost process`);
      expect(result.stderr).toContain(`pid ${owner.pid}`);
      expect(result.stderr).toContain('through its API');
      expect(result.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    }
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('takes over the lock of a process that is gone', async () => {
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname() }));
    const result = await ctihost(['rules', 'list', ...db.args]);
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});
