/**
 * The call log under load: 50 calls answered at once, again and again, each leaving its row. The
 * baseline writes every row in its own statement, 50 in flight (the writer before group commit); the
 * writer (server/processor/call-log-writer.ts) sends one statement at a time, with every row that
 * came meanwhile. Reported: time per row and PostgreSQL's own CPU per row (its processes' CPU time,
 * read from /proc), which is what several ctihost processes on one PostgreSQL server share.
 * PostgreSQL only (BENCH_DATABASE_URL or TEST_DATABASE_URL), in a fresh database dropped after.
 */
import postgres from 'postgres';
import { openDatabase } from '../../server/db/database.ts';
import { prepareDatabase } from '../../server/db/prepare.ts';
import { writeCalls } from '../../server/processor/call-log.ts';
import { createCallLogWriter } from '../../server/processor/call-log-writer.ts';
import type { BenchResult } from './harness.ts';
import { benchServerUrl } from './helpers/bench-database.ts';
import { postgresCpuSeconds } from './helpers/processes.ts';

const ROWS = 10_000;
const AT_ONCE = 50;
const ROUNDS = 3;

/** A pop's row as the processor writes it: masked phone, an answer, two reads. */
const row = (i: number) => ({
  rule: 'CTIProcessing',
  ruleVersion: 1,
  params: { sysparm_caller_phone: '***0142', sysparm_caller_name: `Caller ${i}` },
  outcome: 'answer',
  answer: '/sys_user.do?sys_id=6816f79cc0a8016401c5a33be04be441&sysparm_view=cti',
  durationMs: 3,
  reads: [
    { table: 'sys_user', query: 'active=true^phone=***0142^ORmobile_phone=***0142', rows: 1 },
    { table: 'incident', query: 'caller_id=6816f79cc0a8016401c5a33be04be441^active=true', rows: 1 },
  ],
});

export default async function bench(): Promise<BenchResult> {
  const url = benchServerUrl();
  const name = `ctihost_calllog_${process.pid}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: target.toString(), max: 10 });
  try {
    await prepareDatabase(database, { defaultRegion: 'US', demoData: false });
    const oneByOne = async () => {
      for (let i = 0; i < ROWS; i += AT_ONCE)
        await Promise.all(
          Array.from({ length: AT_ONCE }, (_, j) =>
            writeCalls(database, [{ ...row(i + j), id: crypto.randomUUID() }]),
          ),
        );
    };
    let statements = 0;
    const grouped = async () => {
      const writer = createCallLogWriter(database);
      for (let i = 0; i < ROWS; i += AT_ONCE) {
        for (let j = 0; j < AT_ONCE; j++) writer.write(row(i + j));
        // The next 50 calls come after this turn of the event loop, as answered calls do.
        await new Promise((resolve) => setImmediate(resolve));
        if (writer.backlogged()) await writer.settled();
      }
      await writer.settled();
      statements += writer.stats().batches;
    };
    const measured = {
      oneByOne: { us: [] as number[], cpu: [] as number[] },
      grouped: { us: [] as number[], cpu: [] as number[] },
    };
    // In turns, so that both see the same machine; the first round of each warms up.
    for (let round = 0; round <= ROUNDS; round++)
      for (const [key, fn] of [
        ['oneByOne', oneByOne],
        ['grouped', grouped],
      ] as const) {
        const cpu = postgresCpuSeconds();
        const started = performance.now();
        await fn();
        if (round === 0) continue;
        measured[key].us.push(((performance.now() - started) * 1000) / ROWS);
        measured[key].cpu.push(((postgresCpuSeconds() - cpu) * 1e6) / ROWS);
      }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
    const base = median(measured.oneByOne.us);
    const rowOf = (label: string, key: keyof typeof measured) => ({
      label: `${label}: PostgreSQL CPU ${median(measured[key].cpu).toFixed(0)} µs per row`,
      medianUs: median(measured[key].us),
      p99Us: Math.max(...measured[key].us),
      ratio: median(measured[key].us) / base,
    });
    return {
      title: `call log: ${ROWS} rows, ${AT_ONCE} calls at a time (µs per row; p99 column: slowest round)`,
      rows: [
        rowOf('one statement per row, 50 in flight (baseline)', 'oneByOne'),
        rowOf('the writer: one statement at a time, the rows that came meanwhile together', 'grouped'),
      ],
      notes: [
        `PostgreSQL ${name} (fresh, dropped after); ${ROUNDS} rounds each after one warm-up, in turns`,
        `the writer used ${(statements / (ROUNDS + 1) / (ROWS / 100)).toFixed(1)} statements per 100 rows`,
      ],
    };
  } finally {
    await database.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
