/**
 * Test doubles for the host's own suites: a minimal runtime honouring the prelude contract (so the
 * host is tested apart from GlideRecord's details) and an in-memory record reader.
 */
import type { SandboxLimits } from '../../server/config/env.ts';
import { RecordError, type RecordReader, type RecordRow } from '../../server/records/types.ts';
import { type CreateSandboxHostOptions, createSandboxHost } from '../../server/sandbox/host.ts';
import type { RunResult, SandboxHost, SandboxRuntime } from '../../server/sandbox/types.ts';

export const MINIMAL_PRELUDE = `(() => {
  'use strict';
  const host = globalThis.$host;
  delete globalThis.$host;
  const parse = JSON.parse, stringify = JSON.stringify, toStr = String, hasOwn = Object.hasOwn;
  const call = (op, payload) => {
    const reply = parse(host(op, stringify(payload)));
    if (!reply.ok) throw new Error(reply.error.message);
    return reply.value;
  };
  function GlideRecord(table) { this.table = toStr(table); this.conditions = []; this.rows = []; this.at = -1; this.limit = null; }
  GlideRecord.prototype.addQuery = function (field, value) { this.conditions.push(toStr(field) + '=' + toStr(value)); };
  GlideRecord.prototype.addEncodedQuery = function (query) { this.conditions.push(toStr(query)); };
  GlideRecord.prototype.setLimit = function (n) { this.limit = n; };
  GlideRecord.prototype.query = function () {
    this.rows = call('select', { table: this.table, query: this.conditions.join('^'), limit: this.limit });
    this.at = -1;
  };
  GlideRecord.prototype.next = function () { this.at += 1; return this.at < this.rows.length; };
  GlideRecord.prototype.getValue = function (field) { return this.rows[this.at][field]; };
  GlideRecord.prototype.getRowCount = function () { return call('count', { table: this.table, query: this.conditions.join('^') }); };
  GlideRecord.prototype.get = function (id) { this.addQuery('sys_id', id); this.setLimit(1); this.query(); return this.next(); };
  GlideRecord.prototype.insert = function () { return call('write', { table: this.table, operation: 'insert', fields: {} }); };
  globalThis.GlideRecord = GlideRecord;
  globalThis.gs = {
    log: (message) => call('log', { level: 'info', message: toStr(message) }),
    describe: (table) => call('describe', { table: toStr(table) }),
    // Straight to the host, for the tests of what it refuses.
    raw: (op, payload) => host(op, payload),
  };
  let ruleName = '';
  Object.defineProperty(globalThis, '$runtime', { configurable: true, value: {
    begin(json) {
      const config = parse(json);
      ruleName = config.ruleName;
      for (const name of config.standardParams) globalThis[name] = null;
      for (const name in config.params) globalThis[name] = config.params[name];
      globalThis.answer = null;
    },
    finish() {
      let answer = globalThis.answer;
      if (answer == null && typeof globalThis[ruleName] === 'function') answer = globalThis[ruleName]();
      const type = answer === null ? 'null' : typeof answer;
      if (type === 'string') return stringify({ answer, answerType: type });
      if (type === 'number' || type === 'boolean') return stringify({ answer: toStr(answer), answerType: type });
      if (type === 'object' && hasOwn(answer, 'toString')) return stringify({ answer: toStr(answer), answerType: type });
      return stringify({ answer: null, answerType: type });
    },
  } });
})();`;

export const MINIMAL_RUNTIME: SandboxRuntime = {
  prelude: MINIMAL_PRELUDE,
  standardParams: ['sysparm_caller_name', 'sysparm_caller_phone', 'sysparm_caller_id', 'sysparm_query'],
};

export const TEST_LIMITS: SandboxLimits = {
  cpuMs: 50,
  wallMs: 2000,
  memoryMb: 32,
  hostCalls: 500,
  maxRows: 1000,
  maxAnswer: 2048,
};

const users: RecordRow[] = Array.from({ length: 1500 }, (_, i) => ({
  sys_id: `u${i}`,
  name: `User ${i}`,
  active: i % 2 === 0,
}));

/**
 * sys_user with 1500 rows, `field=value` conditions joined by ^; `slow` is the same table 20 ms
 * later; `broken` fails like a database whose error names host paths.
 */
export const fakeReader: RecordReader = {
  describe: (table) =>
    table === 'sys_user' || table === 'broken' || table === 'slow'
      ? {
          name: table,
          label: 'User',
          displayField: 'name',
          columns: ['sys_id', 'name', 'active'].map((name) => ({ name, type: 'string', label: name })),
        }
      : undefined,
  async select({ table, query, limit, offset = 0 }) {
    return (await match(table, query)).slice(offset, offset + limit);
  },
  async count({ table, query }) {
    return (await match(table, query)).length;
  },
};

async function match(table: string, query: string): Promise<RecordRow[]> {
  if (table === 'slow') await new Promise((resolve) => setTimeout(resolve, 20));
  if (table === 'broken')
    throw new Error('connect ECONNREFUSED 127.0.0.1:5432 at /work/main/node_modules/postgres');
  if (table !== 'sys_user' && table !== 'slow') throw new RecordError(`unknown table ${table}`);
  const conditions = query
    .split('^')
    .filter(Boolean)
    .map((c) => c.split('='));
  for (const [field] of conditions)
    if (!['sys_id', 'name', 'active'].includes(field ?? ''))
      throw new RecordError(`unknown field ${field} on sys_user`);
  return users.filter((row) => conditions.every(([field, value]) => String(row[field!]) === value));
}

export const rule = (script: string, name = 'TestRule', version: number | string = 1) => ({
  name,
  version,
  script,
  clientCallable: true,
});

/** A host on the fake reader with the real runtime (or `runtime: MINIMAL_RUNTIME`). */
export function testHost(options: Partial<CreateSandboxHostOptions> = {}): SandboxHost {
  return createSandboxHost({ limits: TEST_LIMITS, reader: fakeReader, ...options });
}

/** The whole result in the assertion message, so a failure says what the run did. */
export const show = (result: RunResult) => JSON.stringify(result, null, 1);
