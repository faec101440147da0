/**
 * Shutdown and calls whose client hung up. The HTTP server's close waits for open connections only:
 * a call whose client went away (a softphone timing out, a load balancer giving up) is still being
 * decided when it returns. `closeServices` waits for such calls, so each is answered by its rule and
 * is in the call log before the isolates and the database close.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../server/accounts/accounts.ts';
import { loadConfig } from '../../server/config/env.ts';
import { closeServices, createServices } from '../../server/create-services.ts';
import { describeEachDatabase } from '../helpers/database.ts';

/** Long enough that the services are told to close while it runs. */
const SLOW = "var end = Date.now() + 150; while (Date.now() < end) {} answer = '/incident.do?sys_id=-1';";

describeEachDatabase('closing the services while a call is decided', (db) => {
  describe('a call whose client hung up', () => {
    it('is answered by its rule and in the call log before the services have closed', async () => {
      const { database, dictionary } = db();
      const services = createServices(
        loadConfig({ LOG_LEVEL: 'silent', SANDBOX_CPU_MS: '1000' }),
        database,
        dictionary,
      );
      await services.rules.create({ name: 'Slow', script: SLOW, clientCallable: true }, 'admin');
      const actor: Actor = { kind: 'token', id: 'softphone', username: 'softphone', role: 'agent' };

      const deciding = services.processor.processCall(
        'sysparm_cti_rule=Slow&sysparm_call_id=hung-up-1',
        actor,
      );
      // As main.ts does once the HTTP server has closed, which no longer waits for this call.
      await new Promise((resolve) => setTimeout(resolve, 20));
      await closeServices(services);

      // Everything the call does is done by now: its row is there before anything else is awaited.
      const rows = await database.rows<{ outcome: string; answer: string }>(
        sql`select outcome, answer from call_log where call_id = 'hung-up-1'`,
      );
      expect(rows).toEqual([{ outcome: 'answer', answer: '/incident.do?sys_id=-1' }]);
      const outcome = await deciding;
      expect(outcome).toMatchObject({ kind: 'answer', location: '/incident.do?sys_id=-1' });
    });
  });
});
