/**
 * The process as `npm start` runs it: a real server on a real port, on a fresh PGlite directory
 * and (with TEST_DATABASE_URL) on a fresh PostgreSQL database.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { withDatabase } from '../helpers/global-setup.ts';

const NODE = join(process.cwd(), 'node_modules/.bin/node');

function start(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(NODE, ['--no-node-snapshot', 'server/main.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForPort(output: () => string, timeoutMs = 40_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(output());
    if (match) return Number(match[1]);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the server did not start:\n${output()}`);
}

describe('the server process', () => {
  it('stops at once with one line naming a bad variable', async () => {
    const run = start({ PORT: 'abc' });
    expect(await run.exited).toBe(1);
    expect(run.output().trim()).toBe(
      'ctihost: invalid configuration: PORT: expected a whole number from 0 to 65535 (got "abc")',
    );
  });

  const targets: [string, () => Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }>][] = [
    [
      'pglite',
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'ctihost-start-'));
        return { env: { DATA_DIR: dir }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
      },
    ],
  ];
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    targets.push([
      'postgres',
      async () => {
        const name = `ctihost_start_${process.pid}`;
        const admin = postgres(url, { max: 1, onnotice: () => {} });
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.unsafe(`create database ${name}`);
        await admin.end();
        return {
          env: { DATABASE_URL: withDatabase(url, name) },
          cleanup: async () => {
            const dropper = postgres(url, { max: 1, onnotice: () => {} });
            await dropper.unsafe(`drop database if exists ${name} with (force)`);
            await dropper.end();
          },
        };
      },
    ]);
  }

  describe.each(targets)('on %s', (_kind, prepare) => {
    let cleanup: (() => Promise<void>) | undefined;
    afterAll(async () => cleanup?.());

    it('starts on an empty database, answers health and readiness, prints the first-start secrets once, and stops on SIGTERM', async () => {
      const prepared = await prepare();
      cleanup = prepared.cleanup;
      const run = start({ ...prepared.env, PORT: '0', LOG_LEVEL: 'info' });
      try {
        const port = await waitForPort(run.output);
        const health = await fetch(`http://127.0.0.1:${port}/healthz`);
        expect(health.status).toBe(200);
        const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
        expect(ready.status).toBe(200);
        expect(run.output()).toMatch(/created account \\"admin\\" with password \S+/);
        expect(run.output()).toMatch(/issued the telephony API token cti_\S+/);
        const password = /with password (\S+?)"/.exec(run.output())![1]!;
        const login = await fetch(`http://127.0.0.1:${port}/api/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'admin', password }),
        });
        expect(login.status).toBe(200);
      } finally {
        run.child.kill('SIGTERM');
      }
      const code = await run.exited;
      expect(code, run.output()).toBe(0);
    }, 60_000);
  });
});
