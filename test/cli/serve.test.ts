/** `ctihost serve`: the server of `npm start`, on the database and port of the command line. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliDatabase, CTIHOST, openCliDatabase } from './helpers.ts';

describe('ctihost serve', () => {
  let db: CliDatabase;
  beforeAll(async () => {
    db = await openCliDatabase('pglite');
  });
  afterAll(async () => db?.close());

  it('listens on the port given, answers health, and stops on SIGTERM', async () => {
    const child = spawn(
      join(process.cwd(), 'node_modules/.bin/node'),
      ['--no-node-snapshot', CTIHOST, 'serve', '--port', '0', '--host', '127.0.0.1', ...db.args],
      {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const deadline = Date.now() + 40_000;
      let port: number | undefined;
      while (!port && Date.now() < deadline) {
        port = Number(/Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]) || undefined;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(port, output).toBeDefined();
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 60_000);
});
