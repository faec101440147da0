/**
 * Rule names are JavaScript identifiers (a non-client-callable rule becomes a global function of its
 * name inside other rules), so they may not take a keyword or a name the sandbox already defines.
 */
import { z } from 'zod';

const TAKEN = new Set([
  // keywords and literals
  ...'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof let new null return static super switch this throw true try typeof var void while with yield await implements interface package private protected public arguments eval undefined NaN Infinity'.split(
    ' ',
  ),
  // the sandbox's own globals
  ...'answer gs GlideRecord GlideRecordSecure GlideElement GlideDateTime current previous globalThis'.split(
    ' ',
  ),
  // built-ins a rule relies on
  ...'Object Function Array String Number Boolean Symbol BigInt Math JSON Date RegExp Error TypeError RangeError SyntaxError ReferenceError EvalError URIError Promise Proxy Reflect Map Set WeakMap WeakSet WeakRef ArrayBuffer SharedArrayBuffer DataView Atomics Intl parseInt parseFloat isNaN isFinite encodeURI decodeURI encodeURIComponent decodeURIComponent escape unescape'.split(
    ' ',
  ),
]);

export const ruleName = z
  .string()
  .min(1, { message: 'a rule needs a name' })
  .max(80, { message: 'must be at most 80 characters' })
  .regex(/^[A-Za-z_$][A-Za-z0-9_$]*$/, {
    message: 'must be a JavaScript identifier (letters, digits, _ and $; not starting with a digit)',
  })
  .refine((name) => !TAKEN.has(name), {
    message: 'is a JavaScript keyword or a name the sandbox already defines',
  })
  .refine((name) => !name.startsWith('sysparm_'), {
    message: 'must not start with sysparm_ (kept for call parameters)',
  });
