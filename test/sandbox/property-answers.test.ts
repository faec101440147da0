/**
 * Property (SPEC §7, answer.ts): whatever a rule assigns to `answer` or returns from its function,
 * the run gives a string answer no longer than the configured maximum, or NO_ANSWER/BAD_ANSWER (or
 * the rule's own error, when converting the value throws), and host.run never throws. For values
 * fast-check makes, the exact outcome is also modelled: strings as they are, numbers and bigints as
 * String() gives them, objects with their own toString converted, anything else refused.
 */
import vm from 'node:vm';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import type { SandboxErrorCode } from '../../server/sandbox/errors.ts';
import type { RunResult, SandboxHost } from '../../server/sandbox/types.ts';
import { rule, show, TEST_LIMITS, testHost } from './fixtures.ts';
import { problemsOf } from './property-checks.ts';
import {
  anythingSource,
  HOSTILE_SOURCES,
  ODD_SOURCES,
  SPINNING_SOURCE,
  sourceOf,
} from './property-values.ts';

/** Small, so that strings cross it often. */
const MAX_ANSWER = 64;
const host = testHost({ isolates: 2, limits: { ...TEST_LIMITS, maxAnswer: MAX_ANSWER } });
/**
 * For the modelled values, whose rules never loop: a CPU limit they never meet, so that a collection
 * of an earlier run's garbage (property-programs.test.ts) cannot turn an expected answer into a timeout.
 */
const modelHost = testHost({ isolates: 2, limits: { ...TEST_LIMITS, maxAnswer: MAX_ANSWER, cpuMs: 1000 } });
afterAll(async () => {
  await host.close();
  await modelHost.close();
});

/** The ways a rule gives its answer (SPEC §7): the global, a top-level var or let, the function's return. */
const FORMS = [
  (value: string) => `answer = ${value};`,
  (value: string) => `var answer = ${value};`,
  (value: string) => `let answer = ${value};`,
  (value: string) => `function TestRule() { return ${value}; }`,
  (value: string) => `answer = null; function TestRule() { answer = ${value}; }`,
];
const form = fc.constantFrom(...FORMS.keys());

/** Sources whose value node evaluates to the same thing, so the model can compute the outcome. */
const modelled = fc.oneof(
  anythingSource,
  sourceOf(ODD_SOURCES),
  fc.string({ unit: 'binary', maxLength: 2 * MAX_ANSWER }).map((text) => JSON.stringify(text)),
  fc.integer({ min: MAX_ANSWER - 2, max: MAX_ANSWER + 2 }).map((n) => `'/'.padEnd(${n}, 'x')`),
  sourceOf(["'x'.repeat(100000)", "'\\n'.repeat(3)", "'/a'.padStart(70, ' ')", "new String('/boxed')"]),
  sourceOf(["({ toString: function () { return '/own'; } })", "({ toString: function () { return ''; } })"]),
);

/** Values built to break the conversion; only the weak property holds for them. */
const hostile = fc.oneof(
  { weight: 10, arbitrary: sourceOf(HOSTILE_SOURCES) },
  {
    weight: 10,
    arbitrary: sourceOf([
      "new Proxy({}, { get: function (t, k) { return k === 'toString' ? function () { return '/proxied'; } : undefined; } })",
      "({ toString: function () { answer = '/changed'; return '/first'; } })",
      "({ toString: function () { return 'x'.repeat(1e6); } })",
      '({ toString: function () { return 42; } })',
      "new GlideRecord('sys_user')",
      "(function () { var u = new GlideRecord('sys_user'); u.get('sys_id', 'u1'); return u.name; })()",
      "Object.defineProperty(globalThis, 'answer', { get: function () { throw new Error('getter'); } })",
    ]),
  },
  { weight: 1, arbitrary: fc.constant(SPINNING_SOURCE) },
);

type Expected = { answer: string } | { code: SandboxErrorCode };

/** The outcome answer.ts and the runtime's finish() promise for `value` (evaluated by node). */
function expectedOf(value: unknown, objectToString: unknown): Expected {
  let text: string;
  if (value === null || value === undefined) return { code: 'NO_ANSWER' };
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'bigint') text = String(value);
  else if (
    typeof value === 'object' &&
    !Array.isArray(value) &&
    typeof (value as { toString?: unknown }).toString === 'function' &&
    (value as { toString: unknown }).toString !== objectToString
  )
    text = String(value);
  else return { code: 'BAD_ANSWER' };
  if (text.trim() === '') return { code: 'NO_ANSWER' };
  return text.length > MAX_ANSWER ? { code: 'BAD_ANSWER' } : { answer: text };
}

/** The value of `source` as node evaluates it, in a realm of its own. */
function evaluate(source: string): Expected {
  const realm = vm.createContext({});
  const value: unknown = vm.runInContext(`(${source})`, realm);
  return expectedOf(value, vm.runInContext('Object.prototype.toString', realm));
}

const ANSWER_CODES: SandboxErrorCode[] = ['NO_ANSWER', 'BAD_ANSWER', 'RULE_ERROR', 'RULE_TIMEOUT'];

async function runAnswer(script: string, on: SandboxHost = host): Promise<RunResult> {
  const result = await on.run(rule(script), {});
  const problems = problemsOf(result, script, ANSWER_CODES);
  if (result.outcome === 'answer') {
    const answer = result.answer ?? '';
    if (answer.length > MAX_ANSWER || answer.trim() === '')
      problems.push(`answered ${answer.length} characters, blank or more than ${MAX_ANSWER}`);
  }
  expect(problems, show(result)).toEqual([]);
  return result;
}

it('any value as the answer gives a string within the limit or the documented error, as modelled', async () => {
  await fc.assert(
    fc.asyncProperty(modelled, form, async (source, at) => {
      const script = FORMS[at]!(source);
      const result = await runAnswer(script, modelHost);
      const expected = evaluate(source);
      if ('answer' in expected) expect(result.answer, show(result)).toBe(expected.answer);
      else expect(result.error?.code, show(result)).toBe(expected.code);
    }),
    { numRuns: 100 },
  );
});

it('a hostile value as the answer gives a string within the limit or the documented error', async () => {
  await fc.assert(
    fc.asyncProperty(hostile, form, async (source, at) => {
      await runAnswer(FORMS[at]!(source));
    }),
    { numRuns: 60 },
  );
});
