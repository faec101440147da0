/**
 * The in-isolate runtime of the sandbox: the prelude evaluated in every fresh context before a rule
 * (GlideRecord, gs, …; its contract with the host is written at the top of prelude.js) and the
 * `.d.ts` of that API, which the console's editor shows as completions and hover docs.
 */
import { readFileSync } from 'node:fs';

/** The parameters of SPEC §5 every rule sees as globals, `null` when the call did not give them. */
export const STANDARD_PARAMS = [
  'sysparm_caller_name',
  'sysparm_caller_phone',
  'sysparm_caller_email',
  'sysparm_caller_id',
  'sysparm_query',
  'sysparm_call_id',
  'sysparm_task_id',
  'sysparm_view',
  'sysparm_cti_rule',
] as const;

/** What `$runtime.begin(json)` reads. */
export type RuntimeConfig = {
  ruleName: string;
  clientCallable: boolean;
  /** `sysparm_*` names only; other names are ignored. */
  params: Record<string, string | null>;
  /** ISO time of the call: what gs.nowDateTime() and new GlideDateTime() report. */
  now: string;
  standardParams: readonly string[];
  /** Rows per select (offset paging); absent, a query is one select and the host applies its row limit. */
  pageSize?: number;
  /** Non-client-callable rules to define as global functions (each call is the `call` host op). */
  functions?: readonly string[];
};

export const ANSWER_TYPES = [
  'string',
  'null',
  'undefined',
  'number',
  'boolean',
  'object',
  'function',
] as const;
export type AnswerType = (typeof ANSWER_TYPES)[number];

/** What `$runtime.finish()` returns, as JSON. */
export type RuntimeAnswer = { answer: string | null; answerType: AnswerType };

const read = (file: string) => readFileSync(new URL(file, import.meta.url), 'utf8');

/** Plain JavaScript: `(function () { 'use strict'; … })();`, defining the globals and `$runtime`. */
export const PRELUDE_SOURCE: string = read('./prelude.js');

/** The typings of the sandbox API, as the editor loads them (global declarations, no module). */
export const SANDBOX_DTS: string = read('./sandbox.d.ts');
