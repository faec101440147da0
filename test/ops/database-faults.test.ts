/**
 * The 503s of a lost database, without one: the hook that answers before authentication while the
 * database is down, and the fallback form rendered with no database to read. The real outage, with
 * PostgreSQL behind a proxy that is cut, is database-outage.test.ts.
 */
import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installDatabaseFaults } from '../../server/ops/database-faults.ts';
import { offlineAwareReader, renderWithoutDatabase } from '../../server/ops/offline-screens.ts';
import type { FailedCall } from '../../server/processor/process-call.ts';
import { type FallbackRenderer, sendFailedCall } from '../../server/processor/routes.ts';
import type { RecordReader } from '../../server/records/types.ts';

const unavailable = (query: string): FailedCall => ({
  kind: 'failed',
  status: 503,
  rule: 'CTIProcessing',
  error: { code: 'UNAVAILABLE', message: 'the database is not reachable; try again shortly' },
  durationMs: 0,
  callId: null,
  prefillQuery: query.includes('priority') ? 'priority=1' : null,
  view: null,
});

describe('while the database is down', () => {
  let app: FastifyInstance;
  afterEach(() => app.close());

  async function build(up: boolean) {
    const health = { up, report: vi.fn(() => false) };
    const rendered: Parameters<FallbackRenderer>[1][] = [];
    const reached = vi.fn();
    app = Fastify();
    await app.register(cookie);
    installDatabaseFaults(app, {
      health,
      processor: { unavailable },
      renderFallback: (reply, failure) => {
        rendered.push(failure);
        return reply.type('text/html').send('<form>the fallback</form>');
      },
    });
    // Stands for authentication and every route behind it: none may be reached while down.
    app.addHook('onRequest', async () => reached());
    for (const url of ['/cti.do', '/api/rules', '/healthz', '/readyz', '/metrics'])
      app.get(url, async () => ({ reached: url }));
    return { health, rendered, reached };
  }

  it('lets every request through while the database is up', async () => {
    const { reached } = await build(true);
    const response = await app.inject({
      url: '/cti.do?sysparm_caller_phone=1',
      headers: { accept: 'application/json' },
    });
    expect(response.json()).toEqual({ reached: '/cti.do' });
    expect(reached).toHaveBeenCalledOnce();
  });

  it('answers a telephony client 503 JSON at once, before authentication', async () => {
    const { reached } = await build(false);
    const response = await app.inject({
      url: '/cti.do?sysparm_caller_phone=1',
      headers: { accept: 'application/json', authorization: 'Bearer cti_whatever' },
    });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      error: { code: 'UNAVAILABLE', message: 'the database is not reachable; try again shortly' },
      rule: 'CTIProcessing',
      outcome: 'error',
      durationMs: 0,
      callId: null,
    });
    expect(response.headers['retry-after']).toBe('1');
    expect(reached).not.toHaveBeenCalled();
  });

  it("gives an agent's browser the fallback form, pre-filled from the call, with status 503", async () => {
    const { rendered, reached } = await build(false);
    const response = await app.inject({
      url: '/cti.do?sysparm_priority=1',
      headers: { accept: 'text/html', cookie: 'ctihost_session=cts_unchecked' },
    });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.body).toBe('<form>the fallback</form>');
    expect(rendered).toEqual([
      {
        rule: 'CTIProcessing',
        error: { code: 'UNAVAILABLE', message: 'the database is not reachable; try again shortly' },
        prefillQuery: 'priority=1',
        view: null,
        callId: null,
      },
    ]);
    expect(reached).not.toHaveBeenCalled();
  });

  it('shows no form to a browser that brings no credentials', async () => {
    const { rendered } = await build(false);
    const response = await app.inject({
      url: '/cti.do?sysparm_priority=1',
      headers: { accept: 'text/html' },
    });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      error: { code: 'UNAVAILABLE', message: 'the database is not reachable; try again shortly' },
    });
    expect(rendered).toEqual([]);
  });

  it('answers every other route 503 JSON', async () => {
    await build(false);
    const response = await app.inject({ url: '/api/rules', headers: { cookie: 'ctihost_session=cts_x' } });
    expect(response.statusCode).toBe(503);
    expect(response.json().error.code).toBe('UNAVAILABLE');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['retry-after']).toBe('1');
  });

  it.each(['/healthz', '/readyz', '/metrics'])('still serves %s', async (url) => {
    await build(false);
    expect((await app.inject({ url })).json()).toEqual({ reached: url });
  });

  it('tells the health about every failure, whoever answers it', async () => {
    const { health } = await build(true);
    app.get('/fails', async () => {
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    });
    expect((await app.inject({ url: '/fails' })).statusCode).toBe(500);
    expect(health.report).toHaveBeenCalledOnce();
    expect((health.report.mock.calls[0] as unknown[])[0]).toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('the fallback without a database', () => {
  const reader: RecordReader = {
    describe: () => undefined,
    select: vi.fn(async () => {
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    }),
    count: vi.fn(async () => 7),
  };
  const screens = offlineAwareReader(reader);
  const render: FallbackRenderer = async (reply) => {
    const rows = await screens.select({ table: 'sys_ui_view', query: '', limit: 10 });
    return reply.send({ rows, count: await screens.count({ table: 'incident', query: '' }) });
  };
  const fake = () => {
    const sent: unknown[] = [];
    const reply = {
      send(body: unknown) {
        sent.push(body);
        return reply;
      },
    };
    return { reply: reply as unknown as Parameters<FallbackRenderer>[0], sent };
  };
  const failure = (code: string) => ({
    rule: 'R',
    error: { code, message: '' },
    prefillQuery: null,
    view: null,
    callId: null,
  });

  it('reads no rows, so the form falls back to every field of the table', async () => {
    const { reply, sent } = fake();
    await renderWithoutDatabase(render)(reply, failure('UNAVAILABLE'));
    expect(sent).toEqual([{ rows: [], count: 0 }]);
    expect(reader.select).not.toHaveBeenCalled();
  });

  it("reads as usual for a rule's failure, and outside the fallback", async () => {
    const { reply } = fake();
    await expect(renderWithoutDatabase(render)(reply, failure('RULE_ERROR'))).rejects.toThrow('ECONNREFUSED');
    expect(await screens.count({ table: 'incident', query: '' })).toBe(7);
  });
});

describe('a call refused because every isolate is busy', () => {
  const busy: FailedCall = {
    kind: 'failed',
    status: 503,
    rule: 'CTIProcessing',
    error: { code: 'SANDBOX_BUSY', message: 'every sandbox isolate is busy; try again shortly' },
    durationMs: 2000,
    callId: 'c0ffee00-0000-4000-8000-000000000001',
    prefillQuery: null,
    view: null,
  };
  const answer = async (accept: string) => {
    const app = Fastify();
    app.get('/cti.do', (_request, reply) =>
      sendFailedCall(reply, busy, accept === 'application/json', (fallback) =>
        fallback.type('text/html').send('<form>the fallback</form>'),
      ),
    );
    try {
      return await app.inject({ url: '/cti.do', headers: { accept } });
    } finally {
      await app.close();
    }
  };

  it('tells a telephony client 503 and when to try again', async () => {
    const response = await answer('application/json');
    expect(response.statusCode).toBe(503);
    expect(response.json().error.code).toBe('SANDBOX_BUSY');
    expect(response.headers['retry-after']).toBe('1');
  });

  it("gives an agent's browser the fallback form at once, with nothing to retry", async () => {
    const response = await answer('text/html');
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('<form>the fallback</form>');
    expect(response.headers['retry-after']).toBeUndefined();
  });
});
