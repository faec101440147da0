/**
 * PostgreSQL going away and coming back, played by a TCP proxy the test cuts and restores (the
 * machine's server is never touched): /readyz turns 503, calls fail fast with 503, a browser gets the
 * plain new-incident form with a banner, and ctihost recovers by itself. Only with TEST_DATABASE_URL.
 * The same under load, with a real process and privileged writes cut mid-transaction, is
 * process-outage.test.ts.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Database, openDatabase } from '../../server/db/database.ts';
import { loadDictionary } from '../../server/dictionary/repository.ts';
import type { Services } from '../../server/services.ts';
import { buildTestApp, login } from '../helpers/app.ts';
import { withDatabase } from '../helpers/global-setup.ts';
import { sample } from './helpers/prometheus.ts';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.ts';

const url = process.env.TEST_DATABASE_URL;
const UNAVAILABLE = { code: 'UNAVAILABLE', message: 'the database is not reachable; try again shortly' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!url)('PostgreSQL going away and coming back [postgres, through a proxy]', () => {
  const name = `ctihost_outage_${process.pid}`;
  let proxy: TcpProxy;
  let database: Database;
  let app: FastifyInstance;
  let services: Services;
  let token: string;
  let session: string;

  beforeAll(async () => {
    const admin = postgres(url!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name} template ${inject('postgresTemplate')!}`);
    await admin.end();
    const direct = new URL(url!);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const proxied = new URL(withDatabase(url!, name));
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    database = await openDatabase({ kind: 'postgres', url: proxied.toString(), max: 4 });
    const dictionary = await loadDictionary(database.db);
    ({ app, services } = await buildTestApp({
      kind: 'postgres',
      database,
      dictionary,
      close: async () => {},
    }));
    token = (await services.accounts.issueToken('softphone', 'admin')).token;
    session = await login(app);
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
    await proxy?.close();
    const admin = postgres(url!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  const call = (query = 'sysparm_caller_phone=4155550142') =>
    app.inject({
      url: `/cti.do?${query}`,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
  const timed = async (request: () => Promise<LightMyRequestResponse>) => {
    const started = performance.now();
    const response = await request();
    return { response, ms: performance.now() - started };
  };
  const metrics = async () => (await app.inject({ url: '/metrics' })).body;
  /** Calls until one is answered 200; how long that took. */
  const untilAnswered = async (limitMs: number) => {
    const started = performance.now();
    while (performance.now() - started < limitMs) {
      if ((await call()).statusCode === 200) return performance.now() - started;
      await sleep(20);
    }
    throw new Error(`no call answered within ${limitMs} ms`);
  };

  it('answers through the proxy', async () => {
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
    const response = await call();
    expect(response.statusCode, response.body).toBe(200);
  });

  describe('when the server stops (connections refused)', () => {
    beforeAll(() => proxy.cut());

    it('fails calls fast with 503 JSON, the first one too', async () => {
      for (let i = 0; i < 5; i++) {
        const { response, ms } = await timed(() => call());
        expect(response.statusCode, response.body).toBe(503);
        expect(response.json().error).toEqual(UNAVAILABLE);
        expect(ms, `call ${i} took ${ms} ms`).toBeLessThan(500);
      }
    });

    it('turns /readyz 503 and keeps /healthz 200', async () => {
      const ready = await app.inject({ url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().error.code).toBe('UNAVAILABLE');
      expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    });

    it("gives an agent's browser the plain new-incident form, pre-filled from the call, under a banner", async () => {
      const response = await app.inject({
        url: '/cti.do?sysparm_caller_phone=4155550142&sysparm_short_description=Printer%20on%20fire',
        headers: { cookie: session, accept: 'text/html' },
      });
      expect(response.statusCode, response.body).toBe(503);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.headers['x-cti-outcome']).toBe('error');
      expect(response.body).toContain('fill in the new incident yourself');
      expect(response.body).toContain('UNAVAILABLE: the database is not reachable; try again shortly');
      expect(response.body).toContain('action="/incident.do"');
      expect(response.body).toContain('Printer on fire');
    });

    it('answers the API 503 JSON, and a browser without a session no form', async () => {
      const api = await app.inject({ url: '/api/rules', headers: { cookie: session } });
      expect(api.statusCode).toBe(503);
      expect(api.json()).toEqual({ error: UNAVAILABLE });
      const stranger = await app.inject({
        url: '/cti.do?sysparm_caller_phone=1',
        headers: { accept: 'text/html' },
      });
      expect(stranger.statusCode).toBe(503);
      expect(stranger.json()).toEqual({ error: UNAVAILABLE });
    });

    it('says so in the metrics', async () => {
      const text = await metrics();
      expect(sample(text, 'ctihost_database_up', { driver: 'postgres' })).toBe(0);
      expect(sample(text, 'ctihost_database_outages_total', { driver: 'postgres' })).toBe(1);
      expect(sample(text, 'ctihost_cti_calls_total', { outcome: 'unavailable' })).toBeGreaterThanOrEqual(1);
      expect(
        sample(text, 'ctihost_database_connections_closed_total', { driver: 'postgres' }),
      ).toBeGreaterThan(0);
    });

    it('recovers by itself when the server is back, with no restart', async () => {
      await proxy.restore();
      const ms = await untilAnswered(5000);
      expect(ms).toBeLessThan(5000);
      expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
      expect(sample(await metrics(), 'ctihost_database_up', { driver: 'postgres' })).toBe(1);
    });
  });

  describe('when the network swallows every packet (a black hole)', () => {
    it("fails the first call after the driver's connect timeout, then every call at once, and recovers", async () => {
      proxy.blackHole();
      const first = await timed(() => call());
      expect(first.response.statusCode, first.response.body).toBe(503);
      expect(first.ms).toBeLessThan(7000);
      for (let i = 0; i < 5; i++) {
        const { response, ms } = await timed(() => call());
        expect(response.statusCode).toBe(503);
        expect(ms, `call ${i} after the first took ${ms} ms`).toBeLessThan(100);
      }
      await proxy.restore();
      expect(await untilAnswered(5000)).toBeLessThan(5000);
    }, 20_000);
  });
});
