/**
 * What the database-outage tests share: ten clients calling /cti.do in a loop while the database goes
 * away and comes back, each call logged with when it was sent and answered; a privileged function
 * whose transaction stays open while it works, so an outage lands inside it; and the count of its
 * writes (work notes and their audit rows), which must grow together or not at all.
 */
import type postgres from 'postgres';
import { expect } from 'vitest';
import { ctiCall, type RunningServer } from './server-process.ts';

export const TASK = 'INC0000001';

/** A privileged function whose transaction stays open while it works: a cut lands inside it. */
export const SLOW_NOTE = `
function SlowNote(call) {
  var task = new GlideRecord('task');
  if (!task.get('number', call.number)) return false;
  task.work_notes = 'Inbound call from a slow test';
  task.update();
  var end = Date.now() + call.ms;
  while (Date.now() < end) {}
  return true;
}`;
export const CALLS_SLOW_NOTE = `SlowNote({ number: '${TASK}', ms: 600 });
answer = '/incident.do?sys_id=-1';`;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One call: when it was sent and answered (ms from the start of the load), and its status. */
export type LoggedCall = { sent: number; at: number; status: number };

/** Ten clients calling until `stop()`; `now()` is the load's clock, as the log's times are. */
export function startLoad(base: string): { log: LoggedCall[]; now(): number; stop(): Promise<void> } {
  const log: LoggedCall[] = [];
  const started = performance.now();
  const now = () => performance.now() - started;
  let stopping = false;
  const queries = [
    'sysparm_caller_phone=4155550142',
    `sysparm_task_id=${TASK}`,
    'sysparm_caller_phone=6505550144',
  ];
  const worker = async (n: number) => {
    for (let i = 0; !stopping; i++) {
      const sent = now();
      const { status } = await ctiCall(base, queries[(n + i) % queries.length]!);
      log.push({ sent, at: now(), status });
    }
  };
  const workers = Array.from({ length: 10 }, (_, n) => worker(n));
  return {
    log,
    now,
    async stop() {
      stopping = true;
      await Promise.all(workers);
    },
  };
}

/** Work notes on the task and audit rows of it: every privileged write adds one of each, or neither. */
export async function taskWrites(sql: postgres.Sql): Promise<{ notes: number; audits: number }> {
  const [row] = await sql<{ notes: number; audits: number }[]>`
    select (select count(*)::int from regexp_matches(
              (select work_notes::text from biz.task where number = ${TASK}), 'Inbound call from', 'g')) as notes,
           (select count(*)::int from write_audit
             where sys_id = (select sys_id from biz.task where number = ${TASK})) as audits`;
  return row!;
}

/**
 * Every call a moment after the first answer since the outage (`back`) is answered, and enough were:
 * the calls sent after it, or (stricter) also those still in flight then, answered after it.
 */
export function expectSteadyAfter(log: LoggedCall[], back: LoggedCall, by: 'sent' | 'at'): void {
  const afterBack = log.filter((entry) => entry[by] > back.at + 100);
  expect(afterBack.length).toBeGreaterThan(10);
  expect(afterBack.filter((entry) => entry.status !== 200)).toEqual([]);
}

/** No privileged write was half-made: as many work notes as audit rows were added, and some were. */
export function expectWritesWhole(
  before: { notes: number; audits: number },
  after: { notes: number; audits: number },
): void {
  expect(after.notes - before.notes, 'every work note audited, every audit with its note').toBe(
    after.audits - before.audits,
  );
  expect(after.audits, 'writes before the outage were made').toBeGreaterThan(before.audits);
}

/** ctihost ran through the outage (no restart), counts it, says the database is up, and stops with 0. */
export async function expectUpThenCleanStop(server: RunningServer): Promise<void> {
  expect(server.child.exitCode, 'ctihost was not restarted').toBeNull();
  const metrics = await (await fetch(`${server.base}/metrics`)).text();
  expect(metrics).toMatch(/^ctihost_database_up\{driver="postgres"\} 1$/m);
  expect(metrics).toMatch(/^ctihost_database_outages_total\{driver="postgres"\} [1-9]/m);
  const exit = await server.stop('SIGTERM');
  expect(exit.code, server.output().slice(-3000)).toBe(0);
}
