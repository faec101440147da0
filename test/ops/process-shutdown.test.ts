/**
 * Graceful shutdown under load, with a real process on PGlite: SIGTERM while 50 /cti.do calls are in
 * flight (two running, the rest queued for an isolate); every one is answered, and the process exits 0
 * within 10 s, every call in the call log (whose rows follow the answers).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/database.ts';
import { sample } from './helpers/prometheus.ts';
import {
  createRule,
  ctiCall,
  killLeftovers,
  loginCookie,
  type RunningServer,
  startServer,
} from './helpers/server-process.ts';

const CALLS = 50;
/** Each run waits for a moment given in the call (so all 50 are in flight at once), then works 40 ms. */
const BARRIER = `
var until = Number(sysparm_caller_name);
while (Date.now() < until) {}
var end = Date.now() + 40;
while (Date.now() < end) {}
answer = '/incident.do?sys_id=-1&sysparm_query=short_description=answered';
`;

describe('SIGTERM under load [real process, pglite]', () => {
  let dir: string;
  let server: RunningServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctihost-shutdown-'));
    server = await startServer({
      DATA_DIR: dir,
      SANDBOX_CPU_MS: '10000',
      SANDBOX_WALL_MS: '20000',
    });
    await createRule(server.base, await loginCookie(server.base), {
      name: 'Barrier',
      script: BARRIER,
      clientCallable: true,
    });
  }, 60_000);
  afterAll(() => {
    killLeftovers();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`answers all ${CALLS} calls in flight and exits 0 within 10 s`, async () => {
    const until = Date.now() + 4000;
    const calls = Array.from({ length: CALLS }, (_, i) =>
      ctiCall(server.base, `sysparm_cti_rule=Barrier&sysparm_caller_name=${until}&sysparm_call_id=c${i}`),
    );
    let inFlight = 0;
    while (inFlight < CALLS && Date.now() < until - 500) {
      const metrics = await (await fetch(`${server.base}/metrics`)).text();
      inFlight = sample(metrics, 'ctihost_cti_calls_in_flight') ?? 0;
      if (inFlight < CALLS) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(inFlight, `all ${CALLS} calls in flight before the signal`).toBe(CALLS);

    const exit = server.stop('SIGTERM');
    const answers = await Promise.all(calls);
    const { code, ms } = await exit;

    const statuses = answers.map((answer) => answer.status);
    expect(statuses, JSON.stringify(answers.filter((a) => a.status !== 200).slice(0, 3))).toEqual(
      Array(CALLS).fill(200),
    );
    for (const answer of answers)
      expect(JSON.parse(answer.body).answer).toBe(
        '/incident.do?sys_id=-1&sysparm_query=short_description=answered',
      );
    expect(code, server.output().slice(-2000)).toBe(0);
    expect(ms).toBeLessThan(10_000);
    expect(server.output()).toContain('"msg":"shut down"');
    expect(server.output()).not.toContain('shutdown took too long');

    // The process is gone: its data directory is free to open.
    const database = await openDatabase({ kind: 'pglite', dataDir: dir });
    try {
      const [logged] = await database.rows<{ n: number }>(
        sql`select count(distinct call_id)::int as n from call_log where rule = 'Barrier' and outcome = 'answer'`,
      );
      expect(logged?.n).toBe(CALLS);
    } finally {
      await database.close();
    }
  }, 60_000);
});
