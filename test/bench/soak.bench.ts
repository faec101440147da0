/**
 * The soak (issue 10; `npm run bench soak`, never in `npm test`): one real process, SOAK_SECONDS
 * (default 300) of mixed load after a warm-up, from SOAK_CONCURRENCY (default 8) clients at once.
 * One call in ten runs a hostile rule, made through the API as an admin would: an endless loop, a
 * memory bomb, a flood of host calls; the rest are benign: the default rule popping a demo caller by
 * phone, and a rule echoing its parameter. The report says whether the process survived (alive,
 * /healthz 200 at the end), whether every benign call got its expected answer (the echo's is known; a
 * phone's is the one it got in the warm-up), and how resident memory (VmRSS) after the soak compares
 * with after the warm-up (at most 1.5×). A failed check sets a non-zero exit code.
 *
 * On PostgreSQL (a fresh database) with BENCH_DATABASE_URL or TEST_DATABASE_URL, else PGlite in a
 * temporary directory. Rate limits are off in the measured process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase } from '../../server/db/database.ts';
import { prepareDatabase } from '../../server/db/prepare.ts';
import { type BenchResult, type BenchRow, summarize } from './harness.ts';
import { residentMb, startBenchServer } from './helpers/processes.ts';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 300);
const WARM_UP_SECONDS = Math.min(30, Math.max(5, Math.round(SECONDS / 10)));
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 8);
const MAX_RSS_GROWTH = 1.5;
const ADMIN_PASSWORD = 'soak admin password';
const TOKEN = `cti_soak_${'s'.repeat(36)}`;

const HOSTILE: Record<string, string> = {
  SoakLoop: 'while (true) {}',
  // 800 kB of doubles a step: past the 32 MB heap limit, mostly inside the CPU limit (RULE_MEMORY); V8's
  // collections at the limit make about one in seventeen a RULE_TIMEOUT (README, "The sandbox").
  SoakMemory: 'var hoard = []; while (true) hoard.push(new Array(100000).fill(Math.random()));',
  SoakHostFlood: "for (;;) { var user = new GlideRecord('sys_user'); user.get('user_name', 'nobody'); }",
};
const ECHO = `answer = '/incident.do?sys_id=-1&sysparm_query=short_description=' + sysparm_caller_name;`;

type Kind = 'pop' | 'echo' | keyof typeof HOSTILE;
type Tally = { times: number[]; answered: number; wrong: string[]; codes: Map<string, number> };

async function openTarget(): Promise<{ env: Record<string, string>; where: string; drop(): Promise<void> }> {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (url) {
    const name = `ctihost_soak_${process.pid}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const target = new URL(url);
    target.pathname = `/${name}`;
    return {
      env: { DATABASE_URL: target.toString() },
      where: `PostgreSQL ${name} (fresh, demo data)`,
      drop: async () => {
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'ctihost-soak-'));
  return {
    env: { DATA_DIR: dir },
    where: `PGlite ${dir}`,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function admin(base: string): Promise<Record<string, string>> {
  const login = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return {
    'content-type': 'application/json',
    cookie: login.headers.get('set-cookie')!.split(';')[0]!,
    'x-csrf-token': csrfToken,
  };
}

/** Demo data in, before the server starts (PGlite is one process's), and the phones of its active callers. */
async function prepare(env: Record<string, string>): Promise<string[]> {
  const database = await openDatabase(
    env.DATABASE_URL
      ? { kind: 'postgres', url: env.DATABASE_URL }
      : { kind: 'pglite', dataDir: env.DATA_DIR! },
  );
  try {
    await prepareDatabase(database, { defaultRegion: 'US', demoData: true });
    const rows = await database.rows<{ phone: string }>(
      sql`select phone from biz.sys_user where active and phone is not null order by sys_id limit 200`,
    );
    return rows.map((row) => row.phone);
  } finally {
    await database.close();
  }
}

export default async function bench(): Promise<BenchResult> {
  const target = await openTarget();
  const phones = await prepare(target.env);
  const server = await startBenchServer({
    ...target.env,
    WORKERS: '1',
    ADMIN_PASSWORD,
    CTI_TOKEN: TOKEN,
    RATE_LIMIT_TOKEN_PER_MINUTE: '0',
  });
  const pid = server.child.pid!;
  const notes = [target.where];
  try {
    const headers = await admin(server.base);
    for (const [name, script] of Object.entries({ ...HOSTILE, SoakEcho: ECHO })) {
      const created = await fetch(`${server.base}/api/rules`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name, script, clientCallable: true, active: true }),
      });
      if (created.status !== 201) throw new Error(`rule ${name}: ${created.status} ${await created.text()}`);
    }
    if (phones.length === 0) throw new Error('no demo user with a phone to pop');

    const expected = new Map<string, string>();
    const call = async (query: string) => {
      const started = performance.now();
      try {
        const response = await fetch(`${server.base}/cti.do?${query}`, {
          headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/json' },
        });
        const body = (await response.json()) as { answer?: string; error?: { code: string } };
        return { status: response.status, body, ms: performance.now() - started };
      } catch (error) {
        return { status: 0, body: { error: { code: String(error) } }, ms: performance.now() - started };
      }
    };
    const tallies = new Map<Kind, Tally>();
    const tally = (kind: Kind) => {
      let found = tallies.get(kind);
      if (!found) {
        found = { times: [], answered: 0, wrong: [], codes: new Map() };
        tallies.set(kind, found);
      }
      return found;
    };

    let sequence = 0;
    const one = async (measure: boolean) => {
      const i = sequence++;
      const hostileNames = Object.keys(HOSTILE);
      let kind: Kind;
      let query: string;
      let want: string | undefined;
      if (i % 10 === 9) {
        kind = hostileNames[Math.floor(i / 10) % hostileNames.length]!;
        query = `sysparm_cti_rule=${kind}`;
      } else if (i % 2 === 0) {
        kind = 'echo';
        query = `sysparm_cti_rule=SoakEcho&sysparm_caller_name=n${i}`;
        want = `/incident.do?sys_id=-1&sysparm_query=short_description=n${i}`;
      } else {
        kind = 'pop';
        const phone = phones[i % phones.length]!;
        query = `sysparm_caller_phone=${encodeURIComponent(phone)}`;
        want = expected.get(phone);
      }
      const result = await call(query);
      if (!measure) {
        if (kind === 'pop' && result.status === 200 && result.body.answer)
          expected.set(phones[i % phones.length]!, result.body.answer);
        return;
      }
      const t = tally(kind);
      t.times.push(result.ms * 1000);
      const code = result.status === 200 ? 'answer' : `${result.status} ${result.body.error?.code ?? '?'}`;
      t.codes.set(code, (t.codes.get(code) ?? 0) + 1);
      if (result.status !== 0) t.answered++;
      if (want === undefined && kind === 'pop') t.wrong.push(`${query}: no answer in the warm-up`);
      else if (want !== undefined && (result.status !== 200 || result.body.answer !== want))
        t.wrong.push(`${query}: ${result.status} ${JSON.stringify(result.body).slice(0, 200)}`);
    };
    const load = async (seconds: number, measure: boolean) => {
      const until = performance.now() + seconds * 1000;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (performance.now() < until) await one(measure);
        }),
      );
    };

    // Warm-up: every phone once (their answers are what is expected later), then the mix.
    for (let i = 0; i < phones.length; i++) {
      sequence = 2 * i + 1;
      await one(false);
    }
    await load(WARM_UP_SECONDS, false);
    const rssWarm = residentMb(pid);
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(residentMb(pid)), 5000);
    const started = performance.now();
    await load(SECONDS, true);
    clearInterval(sampler);
    const elapsed = (performance.now() - started) / 1000;
    const alive = server.alive();
    const health = alive ? (await fetch(`${server.base}/healthz`)).status : 0;
    const rssEnd = alive ? residentMb(pid) : Number.NaN;

    const benign = (['pop', 'echo'] as Kind[]).map((kind) => tally(kind));
    const calls = [...tallies.values()].reduce((sum, t) => sum + t.times.length, 0);
    const wrong = benign.flatMap((t) => t.wrong);
    const checks: [string, boolean][] = [
      [`no crash: process alive, /healthz ${health}`, alive && health === 200],
      [
        `every benign call answered as expected: ${benign.reduce((s, t) => s + t.times.length, 0) - wrong.length} of ${benign.reduce((s, t) => s + t.times.length, 0)}`,
        wrong.length === 0,
      ],
      [
        `resident memory ${rssWarm.toFixed(0)} MB after warm-up, ${rssEnd.toFixed(0)} MB after the soak (${(rssEnd / rssWarm).toFixed(2)}×, at most ${MAX_RSS_GROWTH}×; highest seen ${Math.max(...samples, rssEnd).toFixed(0)} MB)`,
        rssEnd <= rssWarm * MAX_RSS_GROWTH,
      ],
    ];
    for (const [text, ok] of checks) notes.push(`${ok ? 'PASS' : 'FAIL'} ${text}`);
    if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
    for (const line of wrong.slice(0, 5)) notes.push(`  wrong: ${line}`);
    notes.push(
      `${calls} calls in ${elapsed.toFixed(0)} s (${(calls / elapsed).toFixed(0)}/s) from ${CONCURRENCY} clients after a ${WARM_UP_SECONDS} s warm-up; one in ten hostile`,
    );
    for (const [kind, t] of tallies)
      notes.push(`${kind}: ${[...t.codes].map(([code, n]) => `${code} ×${n}`).join(', ')}`);

    const echo = summarize(tally('echo').times);
    const rows: BenchRow[] = [...tallies].map(([kind, t]) => {
      const sample = summarize(t.times);
      return {
        label: `${kind} (${t.times.length} calls)`,
        ...sample,
        ratio: sample.medianUs / echo.medianUs,
      };
    });
    return { title: `soak: ${SECONDS} s of mixed load with 10 % hostile rules, one process`, rows, notes };
  } finally {
    await server.stop();
    await target.drop();
  }
}
