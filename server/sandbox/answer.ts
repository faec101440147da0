/**
 * Reads what the runtime's `finish()` returned (`{"answer": string|null, "answerType": …}`) into the
 * run's answer or its BAD_ANSWER/NO_ANSWER error. The JSON comes out of the isolate, where a rule may
 * have replaced JSON.stringify, so it is parsed defensively. Whether the answer is a safe URL is the
 * processor's business, not this file's.
 */
import { z } from 'zod';
import { type SandboxError, sandboxError } from './errors.ts';

const finishShape = z.object({
  answer: z.string().nullable(),
  answerType: z.string().max(32).optional(),
  result: z.unknown().optional(),
});

/** Types the runtime reports for "the rule set nothing". */
const NOTHING = new Set(['null', 'undefined']);

export type AnswerCheck = { answer: string } | { result: unknown } | { error: SandboxError };

/** A privileged function's result is data for its caller, not a URL: it may be longer. */
export const MAX_RESULT_LENGTH = 1024 * 1024;

/** The most finish JSON the host copies out of the isolate: an answer at the limit, every character escaped. */
export const maxFinishLength = (maxAnswer: number) => maxAnswer * 6 + 256;

/**
 * `finished` is finish()'s JSON, or its length when the driver found it longer than allowed
 * (maxFinishLength, or MAX_RESULT_LENGTH with `wantResult`).
 */
export function readAnswer(
  ruleName: string,
  finished: unknown,
  maxAnswer: number,
  wantResult = false,
): AnswerCheck {
  if (wantResult && typeof finished === 'number')
    return {
      error: sandboxError(
        'BAD_ANSWER',
        `${ruleName}() returned more than ${MAX_RESULT_LENGTH} characters of JSON`,
        {
          reason: 'too_long',
          limit: MAX_RESULT_LENGTH,
        },
      ),
    };
  let parsed: z.output<typeof finishShape> | undefined;
  if (typeof finished === 'string') {
    try {
      parsed = finishShape.safeParse(JSON.parse(finished)).data;
    } catch {
      parsed = undefined;
    }
  } else if (typeof finished === 'number') {
    return {
      error: sandboxError('BAD_ANSWER', `rule ${ruleName} answered more than ${maxAnswer} characters`, {
        reason: 'too_long',
        limit: maxAnswer,
      }),
    };
  }
  if (!parsed)
    return { error: sandboxError('BAD_ANSWER', `rule ${ruleName} gave an answer that could not be read`) };
  if (wantResult) return { result: parsed.result ?? null };
  const { answer, answerType = answer === null ? 'null' : 'string' } = parsed;
  if (answer === null) {
    return NOTHING.has(answerType)
      ? { error: sandboxError('NO_ANSWER', `rule ${ruleName} gave no answer`) }
      : {
          error: sandboxError(
            'BAD_ANSWER',
            `rule ${ruleName} answered a value of type ${answerType}, not a string: set answer to a URL string`,
            { reason: 'not_a_string', answerType },
          ),
        };
  }
  if (answer.trim() === '')
    return { error: sandboxError('NO_ANSWER', `rule ${ruleName} gave an empty answer`) };
  if (answer.length > maxAnswer)
    return {
      error: sandboxError(
        'BAD_ANSWER',
        `rule ${ruleName} answered ${answer.length} characters, more than the ${maxAnswer} allowed`,
        { reason: 'too_long', limit: maxAnswer },
      ),
    };
  return { answer };
}
