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
import {
  CALLS_SLOW_NOTE,
  expectSteadyAfter,
  expectUpThenCleanStop,
  expectWritesWhole,
  SLOW_NOTE,
  sleep,
  startLoad,
  taskWrites,
} from './helpers/outage-load.ts';
import { type PrivatePostgres, postgresBin, startPrivatePostgres } from './helpers/private-postgres.ts';
import {
  createRule,
  ctiCall,
  killLeftovers,
  loginCookie,
  type RunningServer,
  startServer,
} from './helpers/server-process.ts';

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

    const writes = async () => {
      const direct = postgres(url, { max: 1, onnotice: () => {} });
      try {
        return await taskWrites(direct);
      } finally {
        await direct.end();
      }
    };

    it('answers 503 while it is down and 200 within 5 s after it is back, with no half-made write and no restart', async () => {
      const before = await writes();
      const load = startLoad(server.base);
      const { log } = load;
      await sleep(700);
      // A privileged write whose transaction is open (its function still working) when the server stops.
      const cutInside = ctiCall(server.base, 'sysparm_cti_rule=CallsSlowNote');
      await sleep(250);
      const downAt = load.now();
      pg.stop(); // a fast shutdown: sessions are ended, open transactions rolled back
      await sleep(1500);
      pg.start(); // returns once the server accepts connections
      const backAt = load.now();
      await sleep(5000);
      await load.stop();

      expect((await cutInside).status, 'the call whose write was cut').toBe(503);
      const down = log.filter((entry) => entry.sent > downAt + 300 && entry.at < backAt);
      expect(down.length, 'calls made while it was down').toBeGreaterThan(10);
      expect(down.filter((entry) => entry.status !== 503)).toEqual([]);
      const back = log.find((entry) => entry.sent > backAt && entry.status === 200);
      expect(back, 'a call answered after the restart').toBeDefined();
      expect(back!.at - backAt).toBeLessThan(5000);
      expectSteadyAfter(log, back!, 'sent');
      expectWritesWhole(before, await writes());
      await expectUpThenCleanStop(server);
    }, 90_000);
  },
);
