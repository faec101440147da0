/**
 * PostgreSQL lost and back during a load, with a real process behind a TCP proxy the test cuts and
 * restores: calls answer 503 while it is down and 200 again within 5 s after, with no restart; a
 * privileged write cut in the middle of its transaction is not half-made, and the process survives
 * the driver's defect that such a cut sets off (server/ops/driver-defects.ts). Only with TEST_DATABASE_URL.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
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
import {
  createRule,
  ctiCall,
  killLeftovers,
  loginCookie,
  type RunningServer,
  startServer,
} from './helpers/server-process.ts';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.ts';

const url = process.env.TEST_DATABASE_URL;

describe.skipIf(!url)('PostgreSQL lost during a load [real process, postgres through a proxy]', () => {
  const name = `ctihost_poutage_${process.pid}`;
  let proxy: TcpProxy;
  let server: RunningServer;
  let direct: ReturnType<typeof postgres>;

  beforeAll(async () => {
    const admin = postgres(url!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name} template ${inject('postgresTemplate')!}`);
    await admin.end();
    direct = postgres(withDatabase(url!, name), { max: 1, onnotice: () => {} });
    const target = new URL(url!);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const proxied = new URL(withDatabase(url!, name));
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    server = await startServer({
      DATABASE_URL: proxied.toString(),
      SANDBOX_CPU_MS: '2000',
      SANDBOX_WALL_MS: '5000',
    });
    const cookie = await loginCookie(server.base);
    await createRule(server.base, cookie, { name: 'SlowNote', script: SLOW_NOTE, clientCallable: false });
    await createRule(server.base, cookie, {
      name: 'CallsSlowNote',
      script: CALLS_SLOW_NOTE,
      clientCallable: true,
    });
  }, 60_000);

  afterAll(async () => {
    killLeftovers();
    await direct?.end();
    await proxy?.close();
    const admin = postgres(url!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  const writes = () => taskWrites(direct);

  it('answers 503 while it is down and 200 within 5 s after, with no half-made write and no restart', async () => {
    const before = await writes();
    const load = startLoad(server.base);
    const { log } = load;
    await sleep(700);
    // A privileged write whose transaction is open (its function still working) when the database goes.
    const cutInside = ctiCall(server.base, 'sysparm_cti_rule=CallsSlowNote');
    await sleep(250);
    const cutAt = load.now();
    await proxy.cut();
    await sleep(1500);
    const restoredAt = load.now();
    await proxy.restore();
    await sleep(3000);
    await load.stop();

    expect((await cutInside).status, 'the call whose write was cut').toBe(503);
    const statuses = [...new Set(log.map((entry) => entry.status))].sort();
    expect(statuses).toEqual([200, 503]);
    const down = log.filter((entry) => entry.at > cutAt + 200 && entry.at < restoredAt);
    expect(down.length).toBeGreaterThan(10);
    expect(down.every((entry) => entry.status === 503)).toBe(true);
    const back = log.find((entry) => entry.at > restoredAt && entry.status === 200);
    expect(back, 'a call answered after the restore').toBeDefined();
    expect(back!.at - restoredAt).toBeLessThan(5000);
    expectSteadyAfter(log, back!, 'at');
    // Nor does a call sent once it is back wait on the driver's reconnect backoff.
    const slow = log.filter((entry) => entry.sent > restoredAt && entry.at - entry.sent > 1000);
    expect(slow, 'calls sent after the restore that took over 1 s').toEqual([]);

    expectWritesWhole(before, await writes());

    // The cut write set off the driver's defect; the process stayed up and renewed its pool.
    expect(server.output()).toContain('renewing the pool');
    await expectUpThenCleanStop(server);
  }, 60_000);
});
