/**
 * Which kind of context a rule runs in (driver.ts). Runs share a locked context, whose built-ins
 * are frozen: a rule that sets `Array.prototype.x` there would find it silently not set. Old rules
 * do that (unguarded polyfills, helpers added to String.prototype), so a rule whose text names a
 * prototype or the means to change one runs in an open context instead: fresh, nothing frozen,
 * used for that one run only, exactly as every run was before contexts were shared. So does a rule
 * that reads RegExp's legacy statics (`RegExp.$1`, as Rhino-era scripts do), which SES removes.
 *
 * The test is on the text, so it can be fooled (`Array['proto' + 'type']`): such a rule runs
 * locked, and its change is refused by the frozen built-ins. Fooling it costs the rule its own
 * change, never another run's isolation.
 */
const CHANGES_BUILT_INS =
  /prototype|__proto__|__define|__lookup|defineProperty|defineProperties|setPrototypeOf|constructor|stackTraceLimit|prepareStackTrace|RegExp\s*[.[]|\\u/i;

export const needsOpenContext = (script: string): boolean => CHANGES_BUILT_INS.test(script);

const known = new Map<string, boolean>();

/** needsOpenContext, remembered per rule version (script-cache key): a rule's text is kilobytes. */
export function needsOpenContextFor(key: string, script: string): boolean {
  let open = known.get(key);
  if (open === undefined) {
    if (known.size >= 1024) known.clear();
    open = needsOpenContext(script);
    known.set(key, open);
  }
  return open;
}
