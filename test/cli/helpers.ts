/**
 * Running the command line in tests: in-process through runCli (fast; output captured) or as the
 * real executable in a child process (exit codes and usage as a shell sees them), against a copy
 * of the suite's prepared database: a PGlite data directory loaded from the image, or a PostgreSQL
 * database created from the template.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, inject, vi } from 'vitest';
import { runCli } from '../../server/cli/program.ts';
import { type Database, openDatabase } from '../../server/db/database.ts';
import { DATABASE_KINDS, type DatabaseKind } from '../helpers/database.ts';
import { withDatabase } from '../helpers/global-setup.ts';

export type CliResult = { code: number; stdout: string; stderr: string };

const NODE = join(process.cwd(), 'node_modules/.bin/node');
export const CTIHOST = join(process.cwd(), 'server/cli/ctihost.ts');

/** The command in this process, its output captured. */
export async function ctihost(args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const capture = (sink: 'out' | 'err') => (chunk: string | Uint8Array) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    if (sink === 'out') stdout += text;
    else stderr += text;
    return true;
  };
  const outSpy = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation(capture('out') as typeof process.stdout.write);
  const errSpy = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation(capture('err') as typeof process.stderr.write);
  try {
    const run = await runCli(args);
    return { code: run.exitCode, stdout, stderr };
  } finally {
    outSpy.mockRestore();
    errSpy.mockRestore();
  }
}

/** The real executable, as `npx ctihost` runs it. */
export function spawnCtihost(args: string[], options: { timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, ['--no-node-snapshot', CTIHOST, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `ctihost ${args.join(' ')} ran past ${options.timeoutMs ?? 120_000} ms:\n${stdout}\n${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 120_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

export type CliDatabase = { kind: DatabaseKind; args: string[]; url?: string; close(): Promise<void> };

let copies = 0;

/** A copy of the prepared test database (demo data, shipped rules) for the command line to open. */
export async function openCliDatabase(kind: DatabaseKind): Promise<CliDatabase> {
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'ctihost-cli-'));
    const image = new Blob([readFileSync(inject('pgliteImage'))]);
    const loaded = await PGlite.create({ dataDir: dir, loadDataDir: image });
    await loaded.close();
    return {
      kind,
      args: ['--data-dir', dir],
      close: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const url = process.env.TEST_DATABASE_URL!;
  const name = `ctihost_cli${copies++}_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name} template ${inject('postgresTemplate')!}`);
  await admin.end();
  const target = withDatabase(url, name);
  return {
    kind,
    args: ['--database-url', target],
    url: target,
    async close() {
      const dropper = postgres(url, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

/** Declares `body` once per database kind, each with its own copy for the command line. */
export function describeEachCliDatabase(title: string, body: (db: () => CliDatabase) => void): void {
  describe.each(DATABASE_KINDS)(`${title} [%s]`, (kind) => {
    let current: CliDatabase | undefined;
    beforeAll(async () => {
      current = await openCliDatabase(kind);
    });
    afterAll(async () => {
      await current?.close();
    });
    body(() => {
      if (!current) throw new Error('the database is not ready yet');
      return current;
    });
  });
}

/** The last non-empty line: a test runner's summary. */
export const lastLine = (text: string) => text.trimEnd().split('\n').at(-1) ?? '';

/** The copy opened directly, to look at what a command left (no command may be running on it). */
export async function inspect<T>(target: CliDatabase, look: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase(
    target.kind === 'pglite'
      ? { kind: 'pglite', dataDir: target.args[1]! }
      : { kind: 'postgres', url: target.url!, max: 1 },
  );
  try {
    return await look(database);
  } finally {
    await database.close();
  }
}
