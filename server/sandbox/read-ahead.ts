/**
 * Reads made ahead. A rule's first queries usually depend on the call alone (the default rule looks
 * its caller up by phone in sys_user, in cmn_notif_device and in the remembered picks), yet each
 * waits for the one before: the rule asks, the host queries, the rule asks again. So the host keeps,
 * per rule version, the selects of its last run whose query holds one of the call's parameter values,
 * and starts them for the next call of that version, with that call's values, all at once, as the call
 * arrives, before it waits for an isolate (host.ts: an isolate would idle through the round trip). A
 * select of the rule takes a result made ahead only when it is the very same request (table, query,
 * limit, offset), and is counted, limited and traced like any other. Nothing is taken once the
 * run has called a privileged function, which may have written. Only client-callable runs on the
 * host's own reader read ahead.
 *
 * HANDED IN WITH THE RUN'S START. Each select that leaves the isolate costs two thread hops, and on
 * this project's machines a hop between two cores costs tens of microseconds (a woken core), more
 * than the query's own work. So the host waits briefly for the reads made ahead (handOut) and sends
 * the settled ones with the run's config; the runtime answers a select of the very same request from
 * them without a host call, and once only (prelude.js `given`). It reports what it took when the run
 * ends (`taken`): the host checks each against what it handed out, puts it in the trace's reads where
 * it was made, counts it as a host call, and learns from it. A read that failed, or returned more rows
 * than a rule may read, or past MAX_GIVEN_JSON, is not handed in: the rule's select takes it from the
 * host as before, with its error. A run stopped by a limit (CPU, wall time, memory) reports no taken read.
 *
 * READS THAT FOLLOW FROM A READ MADE AHEAD. A rule's next query often holds a value of the row its
 * first one found, not of the call: the default rule looks up the open incidents of the caller it found
 * by phone (`caller_id=<that user's sys_id>`). Such a select is kept as a template of a field of the
 * first row of a read made ahead of the same run, and made with that read, in the same statement,
 * when the reader can (reader.selectWithFollowing: no round trip of its own), else as soon as that read
 * is in, with the new row's value: the run then gets both with its start, and its isolate never waits
 * on the database. One level deep only: a template follows a read of a call's value.
 *
 * A read the rule then does not make is wasted database work: a template is kept only while the runs
 * that follow make its read (one miss is forgiven, for rules whose path alternates).
 */
import { z } from 'zod';
import type { RecordReader, RecordRow, SelectRequest } from '../records/types.ts';
import { settledWithin } from '../settled-within.ts';
import type { RunRead } from './types.ts';

/**
 * Where the value goes in a following read made in one statement with its source (startWithFollowers): a
 * sys_id as the query builder writes one, so the reader finds it where a sys_id is bound.
 */
const FOLLOWING_PLACEHOLDER = 'f0110000-0000-4000-8000-00000000f011';

/** Shorter values (`true`, a digit) are too likely to appear in a query by chance. */
const MIN_VALUE_LENGTH = 4;
const MAX_AHEAD = 4;
const MAX_RULES = 1000;
const MAX_SCORE = 2;

/** Where a template's value comes from: a parameter of the call, or a field of the first row of another template's read. */
type ValueSource = { param: string } | { template: string; field: string };

type Template = {
  id: string;
  table: string;
  /** The query cut where the value was. */
  parts: string[];
  source: ValueSource;
  limit: number;
  offset: number | undefined;
  score: number;
};

const requestOf = (template: Omit<Template, 'score'>, value: string): SelectRequest => ({
  table: template.table,
  query: template.parts.join(value),
  limit: template.limit,
  ...(template.offset !== undefined ? { offset: template.offset } : {}),
});

/** The request as the runtime computes it too (prelude.js givenKey): keep both the same. */
export const requestKey = (request: SelectRequest): string =>
  `${request.table}\u0000${request.query}\u0000${request.limit}\u0000${request.offset ?? 0}`;

/** A read made ahead as the run's config carries it to the runtime: its key and its rows' JSON. */
export type GivenRead = { key: string; rowsJson: string };

/**
 * The JSON of the reads handed in with one run, at most: the runtime parses them all as the run
 * begins, under the run's memory limit, where through the host each would come when asked for. A
 * read past this stays pending and is taken through the host as before.
 */
export const MAX_GIVEN_JSON = 256 * 1024;

/** The run's config JSON with the reads handed in, and the row limit the runtime keys them with. */
export function withGivenReads(configJson: string, given: GivenRead[], maxRows: number): string {
  if (given.length === 0) return configJson;
  const reads = given.map((read) => `{"key":${JSON.stringify(read.key)},"rows":${read.rowsJson}}`);
  return `${configJson.slice(0, -1)},"maxRows":${maxRows},"given":[${reads.join(',')}]}`;
}

type Pending = { request: SelectRequest; rows: Promise<RecordRow[]> };

/** A read that follows from the first row of another, by the template it comes from. */
type Follower = { field: string; requestFor: (value: string) => SelectRequest; template: string };

/** Rows as the reader's JSON of them (following-select.ts): an array of rows, or the read is made again. */
function parseRows(json: string): RecordRow[] {
  const rows: unknown = JSON.parse(json);
  if (!Array.isArray(rows)) throw new Error('the rows of a following read are not a list');
  return rows as RecordRow[];
}

/** What the runtime reports it took (prelude.js `taken()`): the read's key, and how many reads the run had made before it. */
const takenSchema = z.array(z.object({ at: z.number().int().min(0), key: z.string() })).max(MAX_AHEAD);

/** One run's reads made ahead, and the selects it made (to learn from). */
export class RunReadAhead {
  readonly #pending = new Map<string, Pending>();
  /** Handed in with the run's start: the runtime may take each once. */
  readonly #handed = new Map<string, { request: SelectRequest; rows: number }>();
  readonly made: SelectRequest[] = [];
  /** The rows of every read made ahead that is in, by request key: what handOut hands in and learn learns from. */
  readonly #rows = new Map<string, RecordRow[]>();
  /** The JSON of rows that came as JSON (a following read made with its source): handed in as it came. */
  readonly #json = new Map<string, string>();
  /** Following reads (startWithFollowers), each settled once its read is in, or once it is known none is made. */
  readonly #following: Promise<unknown>[] = [];
  /** The template each read made ahead came from, by request key: learn reuses it as it is. */
  readonly #templates = new Map<string, string>();
  #stopped = false;
  #ended = false;

  /** `made`: the rows, when they were read already (a following read made with its source). */
  start(
    request: SelectRequest,
    reader: RecordReader,
    template?: string,
    made?: Promise<RecordRow[]>,
  ): Pending {
    const key = requestKey(request);
    const known = this.#pending.get(key);
    if (known) return known;
    if (template !== undefined) this.#templates.set(key, template);
    const pending: Pending = { request, rows: made ?? reader.select(request) };
    pending.rows.then(
      (rows) => {
        this.#rows.set(key, rows);
      },
      () => {}, // reported only if the rule makes this read (take)
    );
    this.#pending.set(key, pending);
    return pending;
  }

  /**
   * Starts `request`, and each read of `followers` with the value of its field of `request`'s first
   * row once that row is in (none when it has no such value). When the reader can make them in one
   * statement (reader.selectWithFollowing), the followers ride along with their source and need no
   * round trip of their own; when that statement cannot be made or fails, each read is made alone.
   * A following read is not started once the run has ended or called a privileged function: no one
   * would take it.
   */
  startWithFollowers(
    request: SelectRequest,
    followers: readonly Follower[],
    reader: RecordReader,
    template?: string,
  ): Pending {
    const together =
      followers.length === 0
        ? null
        : (reader.selectWithFollowing?.(
            request,
            followers.map((follower) => ({
              field: follower.field,
              request: follower.requestFor(FOLLOWING_PLACEHOLDER),
              placeholder: FOLLOWING_PLACEHOLDER,
            })),
          ) ?? null);
    const source = this.start(
      request,
      reader,
      template,
      together?.then(
        ({ rows }) => rows,
        () => reader.select(request),
      ),
    );
    for (const [index, follower] of followers.entries()) {
      const made = together?.then(
        ({ following }) => following[index] ?? null,
        () => null,
      );
      const following = source.rows.then(async (sourceRows) => {
        const value = sourceRows[0]?.[follower.field];
        if (typeof value !== 'string' || value.length < MIN_VALUE_LENGTH) return;
        const json = made ? await made : null;
        if (this.#stopped || this.#ended) return;
        const followingRequest = follower.requestFor(value);
        if (json === null) return this.start(followingRequest, reader, follower.template).rows;
        const rows = parseRows(json);
        const key = requestKey(followingRequest);
        // Only for the rows it came with: the same request already out (from another template) keeps its own.
        if (!this.#pending.has(key)) this.#json.set(key, json);
        return this.start(followingRequest, reader, follower.template, Promise.resolve(rows)).rows;
      });
      following.catch(() => {}); // a failed read is reported only if the rule makes it (take)
      this.#following.push(following);
    }
    return source;
  }

  /** The rows of this request's read made ahead, once in (what learn looks for a following read's value in). */
  rowsOf(request: SelectRequest): RecordRow[] | undefined {
    return this.#rows.get(requestKey(request));
  }

  /** The id of the template this request was made ahead from, if it was. */
  templateOf(request: SelectRequest): string | undefined {
    return this.#templates.get(requestKey(request));
  }

  /** The run is over: a following read not started yet never will be. */
  end(): void {
    this.#ended = true;
  }

  /**
   * The reads made ahead that are done within `waitMs` and hold at most `maxRows` rows, as much of
   * them as MAX_GIVEN_JSON allows, no longer pending: the run's start carries them into the isolate.
   */
  async handOut(maxRows: number, waitMs: number): Promise<GivenRead[]> {
    if (this.#pending.size === 0) return [];
    await settledWithin(
      Promise.allSettled([...[...this.#pending.values()].map((pending) => pending.rows), ...this.#following]),
      waitMs,
    );
    const given: GivenRead[] = [];
    let size = 0;
    for (const [key, pending] of this.#pending) {
      const rows = this.#rows.get(key);
      if (!rows || rows.length > maxRows) continue;
      const rowsJson = this.#json.get(key) ?? JSON.stringify(rows);
      if (size + rowsJson.length > MAX_GIVEN_JSON) continue;
      size += rowsJson.length;
      this.#pending.delete(key);
      this.#handed.set(key, { request: pending.request, rows: rows.length });
      given.push({ key, rowsJson });
    }
    return given;
  }

  /**
   * The reads the runtime reports it took, checked against those handed out (each once), put in
   * `reads` where the run made them and noted as made; the number accepted. A report that is not
   * what the runtime writes is the sandbox's own bug: it throws.
   */
  acceptTaken(json: string, reads: RunRead[]): number {
    const taken = takenSchema.parse(JSON.parse(json));
    for (const { at, key } of taken) {
      const handed = this.#handed.get(key);
      if (!handed) throw new Error('the runtime reported a read it was not handed');
      this.#handed.delete(key);
      const { request } = handed;
      reads.splice(Math.min(at, reads.length), 0, {
        table: request.table,
        query: request.query,
        rows: handed.rows,
      });
      if (this.made.length < MAX_AHEAD * 4) this.made.splice(Math.min(at, this.made.length), 0, request);
    }
    return taken.length;
  }

  /** The rows of this very request made ahead, once; undefined when there are none to take. */
  take(request: SelectRequest): Promise<RecordRow[]> | undefined {
    // A select after a privileged call could never take a read made ahead: not one to learn.
    if (this.#stopped) return undefined;
    if (this.made.length < MAX_AHEAD * 4) this.made.push(request);
    const key = requestKey(request);
    const pending = this.#pending.get(key);
    this.#pending.delete(key);
    return pending?.rows;
  }

  /** After a privileged call: what was read ahead may predate its writes. */
  stop(): void {
    this.#stopped = true;
    this.#pending.clear();
  }
}

export class ReadAhead {
  readonly #byRule = new Map<string, Template[]>();

  /**
   * Starts the reads the last runs of this rule version made with their own values, with this call's;
   * a read that followed from another's row, once that read is in (a template comes after its source).
   */
  start(key: string, params: Record<string, string>, reader: RecordReader): RunReadAhead {
    const run = new RunReadAhead();
    const templates = this.#byRule.get(key) ?? [];
    for (const template of templates) {
      const { source } = template;
      if (!('param' in source)) continue;
      const value = params[source.param];
      if (value === undefined || value.length < MIN_VALUE_LENGTH) continue;
      // The templates of reads that follow from this one's first row (one level deep).
      const followers: Follower[] = [];
      for (const other of templates)
        if ('template' in other.source && other.source.template === template.id)
          followers.push({
            field: other.source.field,
            requestFor: (followed) => requestOf(other, followed),
            template: other.id,
          });
      run.startWithFollowers(requestOf(template, value), followers, reader, template.id);
    }
    return run;
  }

  /** What the run's selects teach about the next run of its rule version. */
  learn(key: string, params: Record<string, string>, run: RunReadAhead): void {
    run.end();
    const before = new Map((this.#byRule.get(key) ?? []).map((template) => [template.id, template]));
    const next = new Map<string, Template>();
    /** Reads of a call's value made ahead in this run, with their rows: what a later read may follow from. */
    const sources: { id: string; rows: RecordRow[] }[] = [];
    for (const request of run.made) {
      // A read made ahead from a template is that template's, whatever else its query holds.
      const template =
        before.get(run.templateOf(request) ?? '') ??
        templateOf(request, params) ??
        followingTemplateOf(request, sources);
      if (!template || next.has(template.id)) continue;
      const known = before.get(template.id);
      next.set(template.id, { ...template, score: Math.min(MAX_SCORE, (known?.score ?? 0) + 1) });
      const rows = 'param' in template.source ? run.rowsOf(request) : undefined;
      if (rows && rows.length > 0) sources.push({ id: template.id, rows });
    }
    // A template this run did not need stays for one more run only if it had been needed twice.
    for (const [id, template] of before)
      if (!next.has(id) && template.score > 1) next.set(id, { ...template, score: template.score - 1 });
    const templates = [...next.values()].slice(0, MAX_AHEAD);
    if (templates.length === 0) {
      this.#byRule.delete(key);
      return;
    }
    if (!this.#byRule.has(key) && this.#byRule.size >= MAX_RULES) this.#byRule.clear();
    this.#byRule.set(key, templates);
  }
}

/** The request as a template of one parameter's value, when its query holds one. */
function templateOf(request: SelectRequest, params: Record<string, string>): Omit<Template, 'score'> | null {
  for (const [param, value] of Object.entries(params)) {
    if (value.length < MIN_VALUE_LENGTH || !request.query.includes(value)) continue;
    return cutAt(request, value, { param }, param);
  }
  return null;
}

/**
 * The request as a template of a field of the first row of an earlier read of the run, when its
 * query holds one (the longest, were there several): `caller_id=<the user found>`.
 */
function followingTemplateOf(
  request: SelectRequest,
  sources: { id: string; rows: RecordRow[] }[],
): Omit<Template, 'score'> | null {
  let best: { id: string; field: string; value: string } | null = null;
  for (const { id, rows } of sources)
    for (const [field, value] of Object.entries(rows[0] ?? {}))
      if (
        typeof value === 'string' &&
        value.length >= MIN_VALUE_LENGTH &&
        value.length > (best?.value.length ?? 0) &&
        request.query.includes(value)
      )
        best = { id, field, value };
  if (!best) return null;
  return cutAt(
    request,
    best.value,
    { template: best.id, field: best.field },
    `${best.id}\u0001${best.field}`,
  );
}

function cutAt(
  request: SelectRequest,
  value: string,
  source: ValueSource,
  sourceId: string,
): Omit<Template, 'score'> {
  const parts = request.query.split(value);
  const offset = request.offset;
  return {
    id: [request.table, sourceId, request.limit, offset ?? 0, ...parts].join('\u0000'),
    table: request.table,
    parts,
    source,
    limit: request.limit,
    offset,
  };
}
