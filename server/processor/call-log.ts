/**
 * The call log (SPEC §5): every call with its rule, version, parameters, outcome, answer, time,
 * reads and writes. Phone numbers never reach it in full: every form of the call's phones (as given,
 * digits only, E.164, or written any other way with the same digits) is masked to its last four
 * digits wherever it appears in the trace.
 */
import { and, desc, eq, gte, lte, type SQL, sql } from 'drizzle-orm';
import type { Database, Db } from '../db/database.ts';
import { callLog } from '../db/schema.ts';
import { maskPhone, nationalNumber, toE164 } from '../records/phone.ts';

export type CallRecord = typeof callLog.$inferInsert;
export type CallOutcome = 'answer' | 'no_answer' | 'error' | 'repeat' | 'refused';

type PhoneForms = {
  /** The call's phones as they may appear verbatim: as given, digits only, E.164, URL-encoded. */
  forms: string[];
  /** The digits of each number, whole and without its country code (at least 7). */
  numbers: Set<string>;
};

function phoneForms(params: Record<string, string>, region: string): PhoneForms {
  const forms = new Set<string>();
  const numbers = new Set<string>();
  for (const [name, value] of Object.entries(params)) {
    if (!name.includes('phone') || !/\d{5}/.test(value.replace(/\D/g, ''))) continue;
    forms.add(value);
    forms.add(value.trim());
    forms.add(value.replace(/\D/g, ''));
    numbers.add(value.replace(/\D/g, ''));
    const e164 = toE164(value, region);
    if (e164) {
      forms.add(e164);
      forms.add(e164.slice(1));
      forms.add(encodeURIComponent(e164));
      numbers.add(e164.slice(1));
      const national = nationalNumber(e164);
      if (national) numbers.add(national);
    }
    forms.add(encodeURIComponent(value));
  }
  return {
    // Longest first, so "+14155550142" is masked before its own "14155550142".
    forms: [...forms].filter((f) => f.replace(/\D/g, '').length >= 5).sort((a, b) => b.length - a.length),
    numbers: new Set([...numbers].filter((n) => n.length >= 7)),
  };
}

/** A run of digits written as people write phone numbers: "+1 (415) 555-0142", "415.555.0142". */
const WRITTEN_NUMBER = /\+?\(?\d[\d\s()./-]*\d/g;

/**
 * Returns a function that masks the call's phones in any JSON-able value: every verbatim form, and
 * any other way of writing the same number (a rule that logs "415.555.0142" for a call from
 * "+14155550142"), recognised by its digits.
 */
export function phoneMasker(params: Record<string, string>, region: string) {
  const { forms, numbers } = phoneForms(params, region);
  // The forms, longest first, each replaced wherever it occurs: a form has at least five digits and
  // a masked one keeps four, so no shorter form is found inside it. Plain string search rather than
  // a RegExp of the forms built and compiled for every call (a pop's row: 13 → 10 µs, hot loop).
  const masks = forms.map(maskPhone);
  const maskForms = (text: string) => {
    let out = text;
    for (let i = 0; i < forms.length; i++) {
      const form = forms[i]!;
      if (out.includes(form)) out = out.split(form).join(masks[i]);
    }
    return out;
  };
  const isTheCallers = (written: string) => {
    const digits = written.replace(/\D/g, '');
    for (const number of numbers) if (digits.endsWith(number)) return true;
    return false;
  };
  const maskText = (text: string) =>
    /\d/.test(text)
      ? maskForms(text).replace(WRITTEN_NUMBER, (written) =>
          isTheCallers(written) ? maskPhone(written) : written,
        )
      : text;
  const mask = <T>(value: T): T => {
    if (forms.length === 0) return value;
    if (typeof value === 'string') return maskText(value) as T;
    if (Array.isArray(value)) return value.map(mask) as T;
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v)])) as T;
    }
    return value;
  };
  return mask;
}

export type RecordMasking = (record: Omit<CallRecord, 'id'>) => Omit<CallRecord, 'id'>;

/**
 * The masking of a call's row: every field that can hold what the call or its rule wrote (its
 * parameters, answer, error, logs, reads and writes) with the call's phones masked. The masker is made
 * when the row is (after the reply), not with the call.
 */
export function maskedRecord(params: Record<string, string>, region: string): RecordMasking {
  return (record) => {
    const mask = phoneMasker(params, region);
    return {
      ...record,
      params: mask(record.params),
      answer: record.answer == null ? record.answer : mask(record.answer),
      error: record.error == null ? record.error : mask(record.error),
      logs: mask(record.logs),
      reads: mask(record.reads),
      writes: mask(record.writes),
    };
  };
}

/** The columns of a call-log row as the batch's JSON carries them (jsonb_to_recordset). */
const ROW_TYPE = `id uuid, at timestamptz, call_id text, rule text, rule_version int, params jsonb, outcome text,
  answer text, error jsonb, duration_ms int, logs jsonb, reads jsonb, writes jsonb, actor text`;

/** A call-log row as the JSON of a batch carries it; throws for a record JSON cannot hold. */
export function callRowJson(record: CallRecord): string {
  return JSON.stringify({
    id: record.id ?? null,
    at: record.at ?? null,
    call_id: record.callId ?? null,
    rule: record.rule,
    rule_version: record.ruleVersion ?? null,
    params: record.params,
    outcome: record.outcome,
    answer: record.answer ?? null,
    error: record.error ?? null,
    duration_ms: record.durationMs,
    logs: record.logs ?? [],
    reads: record.reads ?? [],
    writes: record.writes ?? [],
    actor: record.actor ?? null,
  });
}

/**
 * Call-log rows (each from callRowJson), written just after their calls are answered
 * (call-log-writer.ts), any number in one statement: the rows travel as one JSON array, so the
 * statement's text is the same for one row or a hundred and is prepared once. It commits without
 * waiting for the WAL flush (`synchronous_commit` off for this statement's own transaction only, set
 * by set_config(…, true) before the rows are inserted). That takes the disk's fsync (0.2–2 ms) out of
 * every pop; the price is that a crash of the PostgreSQL server itself may lose the call rows of its
 * last fraction of a second. Privileged writes and everything else keep synchronous commits.
 */
export async function writeCallRows(database: Pick<Database, 'rows'>, rows: string[]): Promise<void> {
  await database.rows(sql`insert into call_log
      (id, at, call_id, rule, rule_version, params, outcome, answer, error, duration_ms, logs, reads, writes, actor)
    select coalesce(r.id, gen_random_uuid()), coalesce(r.at, now()), r.call_id, r.rule, r.rule_version, r.params,
      r.outcome, r.answer, r.error, r.duration_ms, r.logs, r.reads, r.writes, r.actor
    from (select set_config('synchronous_commit', 'off', true)) as async_commit,
      jsonb_to_recordset(${`[${rows.join(',')}]`}::jsonb) as r(${sql.raw(ROW_TYPE)})`);
}

/** The same for records. */
export const writeCalls = (database: Pick<Database, 'rows'>, records: CallRecord[]): Promise<void> =>
  writeCallRows(database, records.map(callRowJson));

/** The answer of the same telephony call within the last minute, if it was answered. */
export async function recentAnswer(
  db: Db,
  callId: string,
  withinMs = 60_000,
): Promise<{ answer: string; rule: string } | null> {
  const [row] = await db
    .select({ answer: callLog.answer, rule: callLog.rule })
    .from(callLog)
    .where(
      and(
        eq(callLog.callId, callId),
        gte(callLog.at, new Date(Date.now() - withinMs)),
        sql`${callLog.outcome} in ('answer', 'repeat')`,
      ),
    )
    .orderBy(desc(callLog.at))
    .limit(1);
  return row?.answer ? { answer: row.answer, rule: row.rule } : null;
}

export type CallFilter = {
  rule?: string;
  outcome?: string;
  from?: Date;
  to?: Date;
  callId?: string;
  limit: number;
  offset: number;
};

export async function listCalls(db: Db, filter: CallFilter) {
  const conditions: SQL[] = [];
  if (filter.rule) conditions.push(eq(callLog.rule, filter.rule));
  if (filter.outcome) conditions.push(eq(callLog.outcome, filter.outcome));
  if (filter.callId) conditions.push(eq(callLog.callId, filter.callId));
  if (filter.from) conditions.push(gte(callLog.at, filter.from));
  if (filter.to) conditions.push(lte(callLog.at, filter.to));
  const where = conditions.length ? and(...conditions) : undefined;
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(callLog)
      .where(where)
      .orderBy(desc(callLog.at))
      .limit(filter.limit)
      .offset(filter.offset),
    db.select({ n: sql<number>`count(*)::int` }).from(callLog).where(where),
  ]);
  return { calls: rows.map((r) => ({ ...r, at: r.at.toISOString() })), total: total?.n ?? 0 };
}

export async function getCall(db: Db, id: string) {
  const [row] = await db.select().from(callLog).where(eq(callLog.id, id)).limit(1);
  return row ? { ...row, at: row.at.toISOString() } : null;
}
