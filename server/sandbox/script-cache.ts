/**
 * The rule scripts compiled in one isolate, keyed by name, version and a hash of the source, so each
 * version of a rule is compiled once per isolate and its ivm.Script reused after that: each context
 * runs it once, to make the rule's function there (driver.ts).
 * A failed compile is remembered as well: a broken rule fails fast without compiling again.
 */
import { createHash } from 'node:crypto';
import type ivm from 'isolated-vm';
import { wrapRuleSource } from './driver.ts';
import type { SandboxError } from './errors.ts';
import { ruleError, ruleFileName } from './rule-errors.ts';
import type { RuleSource } from './types.ts';

export type Compiled = { script: ivm.Script } | { error: SandboxError };

const MAX_ENTRIES = 256;

const recentKeys = new Map<string, { script: string; key: string }>();

/** name, version and source hash; the hash is remembered per rule version, as the same source comes again. */
export function scriptKey(rule: RuleSource): string {
  const id = `${rule.name}\u0000${rule.version}`;
  const recent = recentKeys.get(id);
  if (recent?.script === rule.script) return recent.key;
  const key = `${id}\u0000${createHash('sha256').update(rule.script).digest('base64url')}`;
  if (recentKeys.size >= 1024) recentKeys.clear();
  recentKeys.set(id, { script: rule.script, key });
  return key;
}

export class ScriptCache {
  readonly #entries = new Map<string, Promise<Compiled>>();
  readonly #isolate: ivm.Isolate;
  readonly #onCompile: (hit: boolean) => void;

  constructor(isolate: ivm.Isolate, onCompile: (hit: boolean) => void) {
    this.#isolate = isolate;
    this.#onCompile = onCompile;
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  get(rule: RuleSource, key: string = scriptKey(rule)): Promise<Compiled> {
    const cached = this.#entries.get(key);
    if (cached) {
      // Map order is insertion order: re-inserting makes this the most recently used.
      this.#entries.delete(key);
      this.#entries.set(key, cached);
      this.#onCompile(true);
      return cached;
    }
    this.#onCompile(false);
    // As a function's body (driver.ts), its lines keeping their numbers.
    const compiled = this.#isolate
      .compileScript(wrapRuleSource(rule.name, rule.script), {
        filename: ruleFileName(rule.name),
        lineOffset: -1,
      })
      .then(
        (script): Compiled => ({ script }),
        (error: unknown): Compiled => {
          // A compile cut short by the isolate's end says nothing about the rule: do not remember it.
          if (this.#isolate.isDisposed) {
            this.#entries.delete(key);
            throw error;
          }
          return { error: ruleError(rule.name, error) };
        },
      );
    this.#entries.set(key, compiled);
    this.#evict();
    return compiled;
  }

  /** Only called between runs (one run at a time per isolate), so no evicted script is running. */
  #evict(): void {
    while (this.#entries.size > MAX_ENTRIES) {
      const [oldest, entry] = this.#entries.entries().next().value as [string, Promise<Compiled>];
      this.#entries.delete(oldest);
      void entry.then((compiled) => {
        if ('script' in compiled) compiled.script.release();
      });
    }
  }
}
