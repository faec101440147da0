/**
 * A shift change: many agents' pops at once, far more than there are isolates. They wait for an
 * isolate (each at most the wall limit) and are all answered; only past SANDBOX_QUEUE waiting calls
 * is a call refused at once, 503 SANDBOX_BUSY with Retry-After.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../server/services.ts';
import { buildTestApp, login, withCsrf } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';

const BURST = 300;
/**
 * Five milliseconds of work (the whole burst is then 0.75 s of isolate time, inside the 2 s a call
 * may wait), so the burst really queues behind the two isolates even when a busy
 * machine spreads its arrival (with 2 ms, a loaded test run once saw half the burst answered with
 * a queue of 20).
 */
const SCRIPT =
  "var end = Date.now() + 5; while (Date.now() < end) {} answer = '/incident.do?sys_id=-1&sysparm_query=' + sysparm_caller_name;";

async function burstOf(app: FastifyInstance, token: string, rule: string, calls: number) {
  return Promise.all(
    Array.from({ length: calls }, (_, i) =>
      app.inject({
        method: 'GET',
        url: `/cti.do?sysparm_cti_rule=${rule}&sysparm_caller_name=agent${i}`,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      }),
    ),
  );
}

describeEachDatabase('a burst of pops at once', (db) => {
  describe.each([
    // Everything waits its turn.
    ['the default queue', {}, BURST, 'Shift'],
    // Two run and twenty wait; the rest of the burst arrives while they do (a few may find a free
    // place as the first finish, hence "at least" and "most").
    ['a queue of 20', { SANDBOX_QUEUE: '20' }, 22, 'ShortQueue'],
  ])('with %s', (_, env, answered, rule) => {
    let app: FastifyInstance;
    let services: Services;
    let token: string;
    beforeAll(async () => {
      ({ app, services } = await buildTestApp(db(), { ...env, RATE_LIMIT_TOKEN_PER_MINUTE: '0' }));
      token = (await services.accounts.issueToken('softphones', 'admin')).token;
      const response = await app.inject({
        method: 'POST',
        url: '/api/rules',
        headers: withCsrf(await login(app)),
        payload: { name: rule, script: SCRIPT },
      });
      expect(response.statusCode, response.body).toBe(201);
    });
    afterAll(() => app.close());

    it(`answers at least ${answered} of ${BURST} calls made at once, each with its own screen`, async () => {
      const responses = await burstOf(app, token, rule, BURST);
      const ok = responses.filter((response) => response.statusCode === 200);
      const refused = responses.filter((response) => response.statusCode !== 200);
      expect(ok.length).toBeGreaterThanOrEqual(answered);
      if (answered < BURST) expect(refused.length).toBeGreaterThan(BURST / 2);
      for (const response of ok)
        expect(response.json().answer).toMatch(/^\/incident\.do\?sys_id=-1&sysparm_query=agent\d+$/);
      for (const response of refused) {
        expect(response.statusCode).toBe(503);
        expect(response.json().error.code).toBe('SANDBOX_BUSY');
        expect(response.headers['retry-after']).toBe('1');
      }
    }, 30_000);
  });
});
