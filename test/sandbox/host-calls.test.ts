/**
 * The host side of `$host(op, payloadJson)` on its own: what it refuses before anything is read,
 * how it counts, and what of a failure reaches the rule.
 */
import { describe, expect, it, vi } from 'vitest';
import { handleHostCall } from '../../server/sandbox/host-calls.ts';
import { createRunTrace } from '../../server/sandbox/run-trace.ts';
import { fakeReader, TEST_LIMITS } from './fixtures.ts';

const deps = { limits: { ...TEST_LIMITS, hostCalls: 5, maxRows: 10 }, reader: fakeReader };
const call = async (op: unknown, payload: unknown, trace = createRunTrace('T')) =>
  JSON.parse(await handleHostCall(op, payload, trace, deps));

describe('host calls refused before use', () => {
  it.each([
    ['an unknown op', 'drop', '{}', 'unknown host call'],
    ['an op from the prototype', 'constructor', '{}', 'unknown host call'],
    ['a non-string op', 42, '{}', 'unknown host call'],
    [
      'a non-string payload',
      'describe',
      { table: 'sys_user' },
      'host call payload must be a JSON string under 64 KB',
    ],
    [
      'a payload too long',
      'log',
      JSON.stringify({ level: 'info', message: 'x'.repeat(70_000) }),
      'under 64 KB',
    ],
    ['a payload that is not JSON', 'describe', '{table:', 'host call payload is not JSON'],
    ['a table that is not a string', 'describe', '{"table": 5}', 'bad describe call: table'],
    [
      'a table name too long',
      'select',
      JSON.stringify({ table: 't'.repeat(200), query: '' }),
      'bad select call: table',
    ],
    [
      'a negative limit',
      'select',
      '{"table": "sys_user", "query": "", "limit": -1}',
      'bad select call: limit',
    ],
    [
      'a fractional offset',
      'select',
      '{"table": "sys_user", "query": "", "limit": 1, "offset": 0.5}',
      'bad select call: offset',
    ],
    ['an unknown log level', 'log', '{"level": "fatal", "message": "x"}', 'bad log call: level'],
  ])('%s', async (_title, op, payload, message) => {
    const reply = await call(op, payload);
    expect(reply.ok).toBe(false);
    expect(reply.error.code).toBe('BAD_CALL');
    expect(reply.error.message).toContain(message);
  });
});

describe('host calls answered', () => {
  it('describes a table, null for any other name', async () => {
    expect((await call('describe', '{"table":"sys_user"}')).value.name).toBe('sys_user');
    expect(await call('describe', '{"table":"accounts"}')).toEqual({ ok: true, value: null });
  });

  it('selects, counts, and records the read', async () => {
    const trace = createRunTrace('T');
    const reply = await call('select', '{"table":"sys_user","query":"name=User 3"}', trace);
    expect(reply.value).toEqual([{ sys_id: 'u3', name: 'User 3', active: false }]);
    expect((await call('count', '{"table":"sys_user","query":"active=true"}', trace)).value).toBe(750);
    expect(trace.reads).toEqual([{ table: 'sys_user', query: 'name=User 3', rows: 1 }]);
  });

  it('cuts long log messages rather than failing the rule', async () => {
    const trace = createRunTrace('T');
    await call('log', JSON.stringify({ level: 'warn', message: 'x'.repeat(5000) }), trace);
    expect(trace.logs[0]?.level).toBe('warn');
    expect(trace.logs[0]?.message).toHaveLength(4001);
  });

  it('refuses writes and unknown functions until the privileged service handles them', async () => {
    const write = await call('write', '{"table":"sys_user","operation":"insert","fields":{}}');
    expect(write.error).toEqual({
      message: 'writes belong in a non-client-callable function',
      code: 'WRITE_REFUSED',
    });
    const fn = await call('call', '{"name":"ctiRecordTaskCall","args":[]}');
    expect(fn.error).toEqual({ message: 'unknown function', code: 'UNKNOWN_FUNCTION' });
  });
});

describe('limits and failures', () => {
  it('breaks the host call limit for good: every later call gets the same error', async () => {
    const trace = createRunTrace('T');
    for (let i = 0; i < 5; i++)
      expect((await call('log', '{"level":"info","message":"x"}', trace)).ok).toBe(true);
    const over = await call('describe', '{"table":"sys_user"}', trace);
    expect(over.error.code).toBe('RULE_HOST_CALLS');
    expect(trace.breach?.code).toBe('RULE_HOST_CALLS');
    expect((await call('describe', '{"table":"sys_user"}', trace)).error.code).toBe('RULE_HOST_CALLS');
  });

  it('fetches one row more than allowed to tell the rule to narrow its query', async () => {
    const trace = createRunTrace('T');
    const reply = await call('select', '{"table":"sys_user","query":""}', trace);
    expect(reply.error).toEqual({
      code: 'RULE_ROWS',
      message: 'a query on sys_user would return more than 10 rows: add conditions or call setLimit()',
    });
    expect(trace.breach?.details).toEqual({ limit: 10, table: 'sys_user' });
    const limited = await call('select', '{"table":"sys_user","query":"","limit":10}', createRunTrace('T'));
    expect(limited.value).toHaveLength(10);
  });

  it("passes a record error's message on, and hides any other failure", async () => {
    expect((await call('select', '{"table":"nope","query":""}')).error).toEqual({
      message: 'unknown table nope',
      code: 'RECORD_ERROR',
    });
    const logger = { warn: vi.fn(), error: vi.fn() };
    const reply = JSON.parse(
      await handleHostCall(
        'select',
        '{"table":"broken","query":""}',
        createRunTrace('T', { callId: 'call-1' }),
        {
          ...deps,
          logger,
        },
      ),
    );
    expect(reply.error).toEqual({
      message: 'the select call failed on the server; the detail is in the server log',
      code: 'HOST_ERROR',
    });
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ rule: 'T', callId: 'call-1', op: 'select', err: expect.any(Error) }),
      'sandbox host call failed',
    );
  });

  it('answers nothing for a context no run owns', async () => {
    const ended = createRunTrace('T');
    ended.ended = true;
    for (const trace of [null, ended])
      expect(JSON.parse(await handleHostCall('describe', '{"table":"sys_user"}', trace, deps)).ok).toBe(
        false,
      );
  });
});
