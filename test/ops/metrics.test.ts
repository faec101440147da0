/** GET /metrics: calls per rule and outcome, latency, the sandbox and database pools, the process. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Services } from '../../server/services.ts';
import { buildTestApp } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';
import { parseSamples, sample } from './helpers/prometheus.ts';

describeEachDatabase('GET /metrics', (db) => {
  let app: FastifyInstance;
  let services: Services;
  let token: string;
  beforeAll(async () => {
    ({ app, services } = await buildTestApp(db()));
    token = (await services.accounts.issueToken('softphone', 'admin')).token;
    await services.rules.create(
      { name: 'MetricsThrows', script: "throw new Error('no');", clientCallable: true, active: true },
      'admin',
    );
  });
  afterAll(() => app.close());

  const call = (query: string) =>
    app.inject({
      method: 'GET',
      url: `/cti.do?${query}`,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
  const scrape = async (on = app) => {
    const response = await on.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode, response.body).toBe(200);
    return response;
  };

  it('needs no credentials and answers in the Prometheus text format', async () => {
    const response = await scrape();
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(() => parseSamples(response.body)).not.toThrow();
  });

  it('counts calls per rule and outcome, naming only rules that ran', async () => {
    for (const query of ['sysparm_caller_phone=4155550142', 'sysparm_caller_phone=4155550143'])
      expect((await call(query)).statusCode).toBe(200);
    expect((await call('sysparm_cti_rule=MetricsThrows')).statusCode).toBe(502);
    expect((await call('sysparm_cti_rule=NoSuchRuleAnywhere')).statusCode).toBe(404);

    const text = (await scrape()).body;
    expect(sample(text, 'ctihost_cti_calls_total', { rule: 'CTIProcessing', outcome: 'answer' })).toBe(2);
    expect(
      sample(text, 'ctihost_cti_calls_total', {
        rule: 'MetricsThrows',
        outcome: 'error',
        code: 'RULE_ERROR',
      }),
    ).toBe(1);
    expect(sample(text, 'ctihost_cti_calls_total', { rule: '', outcome: 'refused', code: 'NOT_FOUND' })).toBe(
      1,
    );
    expect(text).not.toContain('NoSuchRuleAnywhere');
    expect(
      sample(text, 'ctihost_cti_call_duration_seconds_count', { rule: 'CTIProcessing', outcome: 'answer' }),
    ).toBe(2);
    expect(
      sample(text, 'ctihost_cti_call_duration_seconds_bucket', {
        rule: 'CTIProcessing',
        outcome: 'answer',
        le: '+Inf',
      }),
    ).toBe(2);
    expect(sample(text, 'ctihost_cti_calls_in_flight')).toBe(0);
  });

  it('times every route by its registered path, not its URL', async () => {
    const text = (await scrape()).body;
    expect(
      sample(text, 'ctihost_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/cti.do',
        status: '200',
      }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      sample(text, 'ctihost_http_request_duration_seconds_count', { route: '/cti.do', status: '404' }),
    ).toBe(1);
    expect(text).not.toContain('sysparm_caller_phone');
  });

  it('shows both sandbox pools: isolates, busy, queued, ready contexts, runs and recycles by reason', async () => {
    const text = (await scrape()).body;
    for (const pool of ['client', 'privileged']) {
      const stats = (pool === 'client' ? services.sandbox : services.privileged).stats();
      expect(sample(text, 'ctihost_sandbox_isolates', { pool })).toBe(stats.isolates);
      expect(sample(text, 'ctihost_sandbox_busy_isolates', { pool })).toBe(0);
      expect(sample(text, 'ctihost_sandbox_queued_runs', { pool })).toBe(0);
      expect(sample(text, 'ctihost_sandbox_ready_contexts', { pool })).toBe(stats.readyContexts);
      expect(sample(text, 'ctihost_sandbox_runs_total', { pool })).toBe(stats.runs);
      for (const reason of ['contexts', 'heap', 'memory', 'cpu', 'wall', 'catastrophic'])
        expect(sample(text, 'ctihost_sandbox_isolate_recycles_total', { pool, reason })).toBe(0);
    }
    expect(sample(text, 'ctihost_sandbox_runs_total', { pool: 'client' })).toBeGreaterThanOrEqual(3);
  });

  it('counts an isolate recycled for its CPU limit', async () => {
    await services.rules.create(
      { name: 'MetricsSpins', script: 'while (true) {}', clientCallable: true, active: true },
      'admin',
    );
    expect((await call('sysparm_cti_rule=MetricsSpins')).statusCode).toBe(502);
    // The isolate is replaced after the run, off the caller's path.
    await vi.waitFor(() => expect(services.sandbox.stats().recycles.cpu).toBeGreaterThanOrEqual(1));
    const text = (await scrape()).body;
    expect(sample(text, 'ctihost_sandbox_isolate_recycles_total', { pool: 'client', reason: 'cpu' })).toBe(
      services.sandbox.stats().recycles.cpu,
    );
  });

  it('shows the call log: rows waiting to be written, and rows that failed', async () => {
    expect((await call('sysparm_caller_phone=4155550142')).statusCode).toBe(200);
    await services.processor.callLog.settled();
    let text = (await scrape()).body;
    expect(sample(text, 'ctihost_call_log_writes_pending', {})).toBe(0);
    expect(sample(text, 'ctihost_call_log_write_failures_total', {})).toBe(0);
    expect(sample(text, 'ctihost_call_log_batches_total', {})).toBeGreaterThanOrEqual(1);
    const stats = vi
      .spyOn(services.processor.callLog, 'stats')
      .mockReturnValue({ pending: 2, failed: 3, batches: 7 });
    try {
      text = (await scrape()).body;
      expect(sample(text, 'ctihost_call_log_writes_pending', {})).toBe(2);
      expect(sample(text, 'ctihost_call_log_write_failures_total', {})).toBe(3);
      expect(sample(text, 'ctihost_call_log_batches_total', {})).toBe(7);
    } finally {
      stats.mockRestore();
    }
  });

  it('shows the database: driver, pool size, up', async () => {
    const text = (await scrape()).body;
    const driver = services.database.kind;
    expect(sample(text, 'ctihost_database_up', { driver })).toBe(1);
    expect(sample(text, 'ctihost_database_pool_max_connections', { driver })).toBe(
      services.database.stats().maxConnections,
    );
    expect(sample(text, 'ctihost_database_outages_total', { driver })).toBe(0);
    expect(sample(text, 'ctihost_database_connections_closed_total', { driver })).toBe(0);
  });

  it('shows the process: event-loop lag, resident memory, CPU', async () => {
    const text = (await scrape()).body;
    expect(sample(text, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);
  });

  describe('two apps in one process', () => {
    let other: FastifyInstance;
    beforeAll(async () => {
      ({ app: other } = await buildTestApp(db()));
    });
    afterAll(() => other.close());

    it('keep their own counts, and share the one set of process metrics', async () => {
      const before = sample((await scrape()).body, 'ctihost_cti_calls_total', {
        rule: 'CTIProcessing',
        outcome: 'answer',
      });
      const response = await other.inject({
        method: 'GET',
        url: '/cti.do?sysparm_caller_phone=4155550142',
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      });
      expect(response.statusCode, response.body).toBe(200);
      const mine = (await scrape()).body;
      const theirs = (await scrape(other)).body;
      expect(sample(theirs, 'ctihost_cti_calls_total', { rule: 'CTIProcessing', outcome: 'answer' })).toBe(1);
      expect(sample(mine, 'ctihost_cti_calls_total', { rule: 'CTIProcessing', outcome: 'answer' })).toBe(
        before,
      );
      expect(sample(theirs, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    });
  });
});
