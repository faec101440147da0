/**
 * What every run of the sandbox's property tests must hold to, whatever the rule did: one of the
 * documented outcomes, an error message a rule author can read, and nothing of the host in what
 * the run returns unless the rule wrote it itself.
 */
import type { SandboxErrorCode } from '../../server/sandbox/errors.ts';
import { PRELUDE_SOURCE } from '../../server/sandbox/runtime/index.ts';
import type { RunResult } from '../../server/sandbox/types.ts';
import { SYSTEM_COLUMNS, SYSTEM_TABLES } from './property-values.ts';

/** Host paths, host frames, node internals, isolated-vm, database internals. */
const HOST_TRACES = [
  '/work/',
  'node_modules',
  'server/',
  'node:',
  'isolated-vm',
  'file://',
  '.ts:',
  'ECONNREFUSED',
  '<isolated-vm boundary>',
  'syntax error at',
  'relation "',
];

/** System table names and columns, as whole words in any case, and the catalogs of PostgreSQL. */
const SYSTEM_NAME = new RegExp(
  `\\b(${[...SYSTEM_TABLES.filter((name) => !name.includes('.')), ...SYSTEM_COLUMNS].join('|')}|pg_\\w+|information_schema)\\b`,
  'gi',
);

/**
 * The runtime's own source, which a rule can print (`String(GlideRecord)`, or an error message that
 * shows the value it was given): its comments use words like "rules". Lines of it are taken out of
 * a result before looking for system names there; the runtime is no secret, the database is.
 */
const RUNTIME_LINES = PRELUDE_SOURCE.split('\n')
  .map((line) => line.trim())
  .filter((line) => line.length >= 12)
  // As printed, and upper-cased as an operator in the message that refuses it.
  .flatMap((line) => [line, line.toUpperCase()])
  .sort((a, b) => b.length - a.length);

function withoutRuntimeSource(text: string): string {
  if (!text.includes('\n')) return text;
  // A message cut short (rule-errors.ts, the log limit) ends in part of a line.
  let out = text.endsWith('…') ? text.slice(0, text.lastIndexOf('\n')) : text;
  for (const line of RUNTIME_LINES) if (out.includes(line)) out = out.replaceAll(line, '');
  return out;
}

/** The first line of each error message a run may end with, by code (errors.ts, run-failure.ts, answer.ts). */
const MESSAGES: Partial<Record<SandboxErrorCode, (rule: string) => RegExp>> = {
  // The rule's own error at its own line when known; its name is a word (TypeError, Uncaught, …).
  RULE_ERROR: (rule) => new RegExp(`^rule ${rule}( line \\d+:\\d+)?: [A-Za-z_$][\\w$]*: `),
  RULE_TIMEOUT: (rule) => new RegExp(`^rule ${rule} ran past its (CPU|wall) time limit of \\d+ ms$`),
  RULE_MEMORY: (rule) => new RegExp(`^rule ${rule} ran out of memory \\(limit \\d+ MB\\)$`),
  RULE_HOST_CALLS: () => /^more than \d+ host calls \(queries, logs\) in one run$/,
  RULE_ROWS: () => /^a query on \S+ would return more than \d+ rows: add conditions or call setLimit\(\)$/,
  BAD_ANSWER: (rule) =>
    new RegExp(
      `^rule ${rule} (answered (a value of type \\w+, not a string|\\d+ characters, more than the \\d+ allowed|more than \\d+ characters)|gave an answer that could not be read)`,
    ),
  NO_ANSWER: (rule) => new RegExp(`^rule ${rule} gave (no|an empty) answer$`),
};

/** Failures of the sandbox itself rather than of the rule: never the end of a rule's run. */
const SANDBOX_FAULTS = /the sandbox (could not start|failed while running)|ctihost: |sandbox driver/;

/**
 * Everything wrong with `result` for a run of `script` that may end in one of `codes`; empty when
 * it is as promised. Each problem is one line, for the assertion message.
 */
export function problemsOf(
  result: RunResult,
  script: string,
  codes: readonly SandboxErrorCode[],
  rule = 'TestRule',
): string[] {
  const problems: string[] = [];
  if (result.outcome === 'answer') {
    if (typeof result.answer !== 'string') problems.push('an answer outcome without a string answer');
  } else if (!result.error) problems.push(`outcome ${result.outcome} without an error`);
  else {
    const { code, message } = result.error;
    if (!codes.includes(code)) problems.push(`error code ${code}, not one of ${codes.join(', ')}`);
    if (result.outcome !== (code === 'NO_ANSWER' ? 'no_answer' : 'error'))
      problems.push(`outcome ${result.outcome} with code ${code}`);
    const expected = MESSAGES[code]?.(rule);
    if (typeof message !== 'string' || !expected?.test(message))
      problems.push(`an unclear ${code} message: ${JSON.stringify(message)}`);
    if (SANDBOX_FAULTS.test(message)) problems.push(`a fault of the sandbox: ${message}`);
  }
  const shown = JSON.stringify(result);
  for (const trace of HOST_TRACES)
    if (shown.includes(trace) && !script.includes(trace)) problems.push(`shows "${trace}" of the host`);
  const lower = script.toLowerCase();
  const searched = JSON.stringify(result, (_key, value: unknown) =>
    typeof value === 'string' ? withoutRuntimeSource(value) : value,
  );
  for (const [name] of searched.matchAll(SYSTEM_NAME))
    if (!lower.includes(name.toLowerCase())) problems.push(`names the system table or column "${name}"`);
  if (result.writes.length > 0) problems.push('a client-callable run wrote');
  return problems;
}
