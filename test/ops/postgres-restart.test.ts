/**
 * The PostgreSQL server itself restarted during a load (issue #10's acceptance as written): ctihost
 * runs on a PostgreSQL of this test's own (helpers/private-postgres.ts), which the test stops and
 * starts again while ten clients call. Calls answer 503 while it is down and 200 again within 5 s
 * after it is back, with no restart of ctihost, and a privileged write whose transaction was open when
 * the server went is not half-made. (process-outage.test.ts cuts the connection with a proxy instead.)
 * Only with TEST_DATABASE_URL, as every PostgreSQL suite, and PostgreSQL's server binaries.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDatabase } from '../helpers/global-setup.ts';
import { type PrivatePostgres, postgresBin, startPrivatePostgres } from './helpers/private-postgres.ts';
import {
  createRule,
  ctiCall,
  killLeftovers,
  loginCookie,
  type RunningServer,
  startServer,
} from './helpers/server-process.ts';

const TASK = 'INC0000001';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const SLOW_NOTE = `
function SlowNote(call) {
  var task = new GlideRecord('task');
  if (!task.get('number', call.number)) return false;
  task.work_notes = 'Inbound call from a slow test';
  task.update();
  var end = Date.now() + call.ms;
  while (Date.now() < end) {}
  return true;
}`;
const CALLS_SLOW_NOTE = `SlowNote({ number: '${TASK}', ms: 600 });
answer = '/incident.do?sys_id=-1';`;

describe.runIf(process.env.TEST_DATABASE_URL && postgresBin())(
  'PostgreSQL restarted during a load [real process, a PostgreSQL of its own]',
  () => {
    let pg: PrivatePostgres;
    let server: RunningServer;
    let url: string;

    beforeAll(async () => {
      pg = await startPrivatePostgres();
      const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
      await admin.unsafe('create database ctihost');
      await admin.end();
      url = withDatabase(pg.url, 'ctihost');
      // An empty database: the process's first start migrates it and loads the demo data.
      server = await startServer({ DATABASE_URL: url, SANDBOX_CPU_MS: '2000', SANDBOX_WALL_MS: '5000' });
      const cookie = await loginCookie(server.base);
      await createRule(server.base, cookie, { name: 'SlowNote', script: SLOW_NOTE, clientCallable: false });
      await createRule(server.base, cookie, {
        name: 'CallsSlowNote',
        script: CALLS_SLOW_NOTE,
        clientCallable: true,
      });
    }, 90_000);

    afterAll(() => {
      killLeftovers();
      pg?.destroy();
    });

    /** Work notes on the task and audit rows of it: every privileged write adds one of each, or neither. */
    const writes = async () => {
      const direct = postgres(url, { max: 1, onnotice: () => {} });
      try {
        const [row] = await direct<{ notes: number; audits: number }[]>`
          select (select count(*)::int from regexp_matches(
                    (select work_notes::text from biz.task where number = ${TASK}), 'Inbound call from', 'g')) as notes,
                 (select count(*)::int from write_audit
                   where sys_id = (select sys_id from biz.task where number = ${TASK})) as audits`;
        return row!;
      } finally {
        await direct.end();
      }
    };

    it('answers 503 while it is down and 200 within 5 s after it is back, with no half-made write and no restart', async () => {
      const before = await writes();
      const log: { sent: number; at: number; status: number }[] = [];
      const started = performance.now();
      let stop = false;
      const queries = [
        'sysparm_caller_phone=4155550142',
        `sysparm_task_id=${TASK}`,
        'sysparm_caller_phone=6505550144',
      ];
      const worker = async (n: number) => {
        for (let i = 0; !stop; i++) {
          const sent = performance.now() - started;
          const { status } = await ctiCall(server.base, queries[(n + i) % queries.length]!);
          log.push({ sent, at: performance.now() - started, status });
        }
      };
      const workers = Array.from({ length: 10 }, (_, n) => worker(n));
      await sleep(700);
      // A privileged write whose transaction is open (its function still working) when the server stops.
      const cutInside = ctiCall(server.base, 'sysparm_cti_rule=CallsSlowNote');
      await sleep(250);
      const downAt = performance.now() - started;
      pg.stop(); // a fast shutdown: sessions are ended, open transactions rolled back
      await sleep(1500);
      pg.start(); // returns once the server accepts connections
      const backAt = performance.now() - started;
      await sleep(5000);
      stop = true;
      await Promise.all(workers);

      expect((await cutInside).status, 'the call whose write was cut').toBe(503);
      const down = log.filter((entry) => entry.sent > downAt + 300 && entry.at < backAt);
      expect(down.length, 'calls made while it was down').toBeGreaterThan(10);
      expect(down.filter((entry) => entry.status !== 503)).toEqual([]);
      const back = log.find((entry) => entry.sent > backAt && entry.status === 200);
      expect(back, 'a call answered after the restart').toBeDefined();
      expect(back!.at - backAt).toBeLessThan(5000);
      const afterBack = log.filter((entry) => entry.sent > back!.at + 100);
      expect(afterBack.length).toBeGreaterThan(10);
      expect(afterBack.filter((entry) => entry.status !== 200)).toEqual([]);

      const after = await writes();
      expect(after.notes - before.notes, 'every work note audited, every audit with its note').toBe(
        after.audits - before.audits,
      );
      expect(after.audits, 'writes before the stop were made').toBeGreaterThan(before.audits);

      expect(server.child.exitCode, 'ctihost was not restarted').toBeNull();
      const metrics = await (await fetch(`${server.base}/metrics`)).text();
      expect(metrics).toMatch(/^ctihost_database_up\{driver="postgres"\} 1$/m);
      expect(metrics).toMatch(/^ctihost_database_outages_total\{driver="postgres"\} [1-9]/m);
      const exit = await server.stop('SIGTERM');
      expect(exit.code, server.output().slice(-3000)).toBe(0);
    }, 90_000);
  },
);
