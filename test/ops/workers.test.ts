/**
 * `serve --workers N` with real processes (server/ops/cluster.ts). On PostgreSQL: two workers answer
 * behind one port, a killed worker is replaced while the port keeps answering, and SIGTERM on the
 * primary exits 0 with every call in flight answered. On both: PGlite stays one process however many
 * are asked for, and a cluster that cannot start (its port taken) exits instead of retrying forever.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { DATABASE_KINDS } from '../helpers/database.ts';
import { withDatabase } from '../helpers/global-setup.ts';
import { onFreshConnection } from './helpers/fresh-connection.ts';
import { sample } from './helpers/prometheus.ts';
import {
  CTI_TOKEN,
  createRule,
  killLeftovers,
  loginCookie,
  type RunningServer,
  spawnServer,
  startServer,
} from './helpers/server-process.ts';

const url = process.env.TEST_DATABASE_URL;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CALL_HEADERS = { authorization: `Bearer ${CTI_TOKEN}`, accept: 'application/json' };

/** The parent pid of a process, from /proc. */
const parentOf = (pid: string) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
};

/** The workers seen answering `count` requests, each on a connection of its own. */
async function workersAnswering(base: string, count = 12): Promise<Set<string>> {
  const answers = await Promise.all(
    Array.from({ length: count }, () => onFreshConnection(`${base}/healthz`)),
  );
  for (const answer of answers) expect(answer.status, answer.body).toBe(200);
  return new Set(answers.map((answer) => answer.worker ?? 'none'));
}

/** Waits until `count` workers answer: the primary's log says the first listened, not every one. */
async function untilWorkers(base: string, count: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await workersAnswering(base)).size < count) {
    if (Date.now() > deadline) throw new Error(`${count} workers did not answer within 30 s`);
    await sleep(100);
  }
}

const CALLS = 50;
/** Each run waits for a moment given in the call (so all 50 are in flight at once), then works 40 ms. */
const BARRIER = `
var until = Number(sysparm_caller_name);
while (Date.now() < until) {}
var end = Date.now() + 40;
while (Date.now() < end) {}
answer = '/incident.do?sys_id=-1&sysparm_query=short_description=answered';
`;

describe.runIf(DATABASE_KINDS.includes('postgres'))('serve --workers 2 [real processes, postgres]', () => {
  const name = `ctihost_workers_${process.pid}`;
  let server: RunningServer;

  beforeAll(async () => {
    const admin = postgres(url!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name} template ${inject('postgresTemplate')!}`);
    await admin.end();
    server = await startServer({
      DATABASE_URL: withDatabase(url!, name),
      WORKERS: '2',
      SANDBOX_CPU_MS: '10000',
      SANDBOX_WALL_MS: '20000',
    });
    await untilWorkers(server.base, 2);
    await createRule(server.base, await loginCookie(server.base), {
      name: 'Barrier',
      script: BARRIER,
      clientCallable: true,
    });
  }, 60_000);

  afterAll(async () => {
    killLeftovers();
    const admin = postgres(url!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  it('answers from two worker processes, children of the primary, behind one port', async () => {
    const workers = await workersAnswering(server.base);
    expect([...workers].sort(), server.output().slice(-2000)).toHaveLength(2);
    for (const pid of workers) {
      expect(pid).toMatch(/^\d+$/);
      expect(pid).not.toBe(String(server.child.pid));
      expect(parentOf(pid)).toBe(String(server.child.pid));
    }
    // The first start's work is done once, by the primary: one "starting workers", two listening.
    expect(server.output().match(/"msg":"starting workers"/g)).toHaveLength(1);
    expect(server.output().match(/Server listening at/g)).toHaveLength(2);
  });

  it('replaces a killed worker, and the port keeps answering meanwhile', async () => {
    const before = await workersAnswering(server.base);
    const victim = [...before][0]!;
    process.kill(Number(victim), 'SIGKILL');
    // Connections handed to the worker as it was killed die with it; from the moment the primary
    // knows, every new connection goes to a live worker.
    const died = `"pid":${victim},"code":null,"signal":"SIGKILL"`;
    while (!server.output().includes(died)) await sleep(5);
    const statuses: number[] = [];
    let workers = new Set<string>();
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => onFreshConnection(`${server.base}/healthz`)),
      );
      statuses.push(...answers.map((answer) => answer.status));
      workers = new Set(answers.map((answer) => answer.worker ?? 'none'));
      if (workers.size === 2 && !workers.has(victim)) break;
      await sleep(50);
    }
    expect(
      statuses.filter((status) => status !== 200),
      server.output().slice(-2000),
    ).toEqual([]);
    expect(workers.size, server.output().slice(-2000)).toBe(2);
    expect(workers.has(victim)).toBe(false);
    for (const pid of workers) expect(parentOf(pid)).toBe(String(server.child.pid));
    expect(server.output()).toContain('"msg":"worker died: starting a replacement"');
  }, 30_000);

  it(`on SIGTERM answers all ${CALLS} calls in flight on both workers and exits 0`, async () => {
    const until = Date.now() + 4000;
    const calls = Array.from({ length: CALLS }, (_, i) =>
      onFreshConnection(
        `${server.base}/cti.do?sysparm_cti_rule=Barrier&sysparm_caller_name=${until}&sysparm_call_id=w${i}`,
        CALL_HEADERS,
      ),
    );
    // Each worker counts its own calls in flight; a fresh connection's /metrics says whose they are.
    const inFlight = new Map<string, number>();
    const total = () => [...inFlight.values()].reduce((sum, n) => sum + n, 0);
    while (total() < CALLS && Date.now() < until - 500) {
      const metrics = await onFreshConnection(`${server.base}/metrics`);
      if (metrics.worker)
        inFlight.set(metrics.worker, sample(metrics.body, 'ctihost_cti_calls_in_flight') ?? 0);
      if (total() < CALLS) await sleep(20);
    }
    expect(total(), `all ${CALLS} calls in flight before the signal`).toBe(CALLS);
    expect(inFlight.size).toBe(2);

    const exit = server.stop('SIGTERM');
    const answers = await Promise.all(calls);
    const { code, ms } = await exit;
    expect(
      answers.map((answer) => answer.status),
      JSON.stringify(answers.filter((a) => a.status !== 200).slice(0, 3)),
    ).toEqual(Array(CALLS).fill(200));
    for (const answer of answers)
      expect(JSON.parse(answer.body).answer).toBe(
        '/incident.do?sys_id=-1&sysparm_query=short_description=answered',
      );
    expect(new Set(answers.map((answer) => answer.worker)).size).toBe(2);
    expect(code, server.output().slice(-2000)).toBe(0);
    expect(ms).toBeLessThan(12_000);
    expect(server.output().match(/"msg":"shut down"/g)).toHaveLength(2);
    expect(server.output()).toContain('"msg":"every worker has exited: shut down"');
  }, 60_000);
});

describe('serve --workers on the embedded database, and a cluster that cannot start', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctihost-workers-'));
  });
  afterEach(() => killLeftovers());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stays one process on PGlite, and says why', async () => {
    const server = await startServer({ DATA_DIR: dir, WORKERS: '4' });
    const answer = await onFreshConnection(`${server.base}/healthz`);
    expect(answer.status).toBe(200);
    // No cluster: the process itself answers, with no worker named.
    expect(answer.worker).toBeUndefined();
    expect(server.output()).toContain(
      'the embedded database (PGlite) is owned by one process: serving with one worker',
    );
    expect(server.output().match(/Server listening at/g)).toHaveLength(1);
    expect((await server.stop()).code).toBe(0);
  }, 60_000);

  it('refuses a bad WORKERS with a message naming it', async () => {
    const server = spawnServer({ DATA_DIR: dir, WORKERS: 'many' });
    const exit = await server.exited;
    expect(exit.code).toBe(1);
    expect(server.output()).toContain(
      'ctihost: invalid configuration: WORKERS: expected auto or a whole number from 1 to 256 (got "many")',
    );
  }, 30_000);

  it.each(['0', 'zero', '257'])(
    'refuses ctihost serve --workers %s with exit 2 and a message',
    async (value) => {
      const child = spawn(
        join(process.cwd(), 'node_modules/.bin/node'),
        ['--no-node-snapshot', 'server/cli/ctihost.ts', 'serve', '--workers', value, '--data-dir', dir],
        {
          env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stderr.on('data', (chunk) => (output += chunk));
      const code = await new Promise((resolve) => child.on('exit', resolve));
      expect(code).toBe(2);
      expect(output).toContain(
        `error: option '--workers <n|auto>' argument '${value}' is invalid. expected auto or a number from 1 to 256`,
      );
    },
  );

  it.runIf(DATABASE_KINDS.includes('postgres'))(
    'exits 1 when its workers cannot listen (the port is taken), instead of restarting them forever',
    async () => {
      const name = `ctihost_workers_port_${process.pid}`;
      const admin = postgres(url!, { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.unsafe(`create database ${name} template ${inject('postgresTemplate')!}`);
      const taken = createServer();
      await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
      try {
        const port = String((taken.address() as { port: number }).port);
        const server = spawnServer({ DATABASE_URL: withDatabase(url!, name), WORKERS: '2', PORT: port });
        const exit = await server.exited;
        expect(exit.code, server.output().slice(-2000)).toBe(1);
        expect(server.output()).toContain('a worker died before any worker listened: stopping');
        expect(server.output()).not.toContain('worker died: starting a replacement');
      } finally {
        await new Promise((resolve) => taken.close(resolve));
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      }
    },
    60_000,
  );
});
