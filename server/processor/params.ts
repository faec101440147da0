/**
 * The call's parameters, read the forgiving way telephony clients need (SPEC §5): names in any case,
 * the first of repeated parameters, a phone's leading `+` that arrived as a space. Limits keep a
 * hostile or broken client from handing a rule megabytes of globals.
 */
export const PARAM_LIMITS = { count: 64, nameLength: 64, valueLength: 2048, queryLength: 16_384 } as const;

export type CallParams = { params: Record<string, string>; notes: string[] };
export type ParamProblem = { problem: string };

const SYSPARM = /^sysparm_[a-z0-9_]+$/;

export function readCallParams(rawQuery: string): CallParams | ParamProblem {
  if (rawQuery.length > PARAM_LIMITS.queryLength) {
    return { problem: `the query string is longer than ${PARAM_LIMITS.queryLength} characters` };
  }
  let search: URLSearchParams;
  try {
    search = new URLSearchParams(rawQuery);
  } catch {
    return { problem: 'the query string could not be read' };
  }
  const params: Record<string, string> = {};
  const notes: string[] = [];
  let count = 0;
  for (const [rawName, rawValue] of search) {
    if (++count > PARAM_LIMITS.count) return { problem: `more than ${PARAM_LIMITS.count} parameters` };
    if (rawName.length > PARAM_LIMITS.nameLength)
      return { problem: `a parameter name is longer than ${PARAM_LIMITS.nameLength} characters` };
    if (rawValue.length > PARAM_LIMITS.valueLength) {
      return { problem: `${rawName.toLowerCase()} is longer than ${PARAM_LIMITS.valueLength} characters` };
    }
    const name = rawName.trim().toLowerCase();
    if (!name.startsWith('sysparm_')) continue;
    // PostgreSQL's text and jsonb cannot hold U+0000: such a parameter would fail the rule's reads,
    // the rule lookup and the call log's row (a 500 or 502 for what is the client's bad input).
    if (name.includes('\0') || rawValue.includes('\0')) {
      return { problem: `${name.includes('\0') ? 'a parameter name' : name} holds a NUL character (%00)` };
    }
    if (!SYSPARM.test(name)) {
      notes.push(`${name}: not a valid parameter name, ignored`);
      continue;
    }
    if (name in params) {
      notes.push(`${name}: repeated, the first value was used`);
      continue;
    }
    params[name] = name.endsWith('phone') ? restorePlus(rawValue) : rawValue;
  }
  return { params, notes };
}

/** `?sysparm_caller_phone=+14155550142` unencoded decodes to " 14155550142": the space was a plus. */
function restorePlus(value: string): string {
  return /^ +\d/.test(value) ? `+${value.trimStart()}` : value.trim();
}
