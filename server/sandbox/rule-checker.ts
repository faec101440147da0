/**
 * The syntax check used before a rule is saved: compiled (never run) in an isolate of its own, so
 * a save never waits behind a running rule. Positions are 1-based, as an editor shows them.
 */
import ivm from 'isolated-vm';
import { settledWithin } from '../settled-within.ts';
import { CLOSE_WAIT_MS } from './isolate-slot.ts';
import { ruleFileName, syntaxPosition } from './rule-errors.ts';
import type { CompileProblem } from './types.ts';

/** Compiling a script allocates a few times its size; rule sources are kilobytes. */
const CHECKER_MEMORY_MB = 64;

export class RuleChecker {
  #isolate: ivm.Isolate | null = null;
  /** Compiles in flight: close waits for them (isolate-slot.ts, close). */
  readonly #compiling = new Set<Promise<unknown>>();

  async check(script: string, name: string): Promise<CompileProblem | null> {
    if (!this.#isolate || this.#isolate.isDisposed)
      this.#isolate = new ivm.Isolate({ memoryLimit: CHECKER_MEMORY_MB });
    const file = ruleFileName(name);
    try {
      const compiling = this.#isolate.compileScript(script, { filename: file });
      this.#compiling.add(compiling);
      const compiled = await compiling.finally(() => this.#compiling.delete(compiling));
      compiled.release();
      return null;
    } catch (error) {
      const raw = error instanceof Error ? String(error.message) : String(error);
      const { message, position } = syntaxPosition(raw, file);
      const kind = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : '';
      return {
        line: position?.line ?? 1,
        column: position?.column ?? 1,
        message: `${kind}${message}`,
      };
    }
  }

  async close(): Promise<void> {
    const isolate = this.#isolate;
    this.#isolate = null;
    if (this.#compiling.size > 0)
      await settledWithin(Promise.allSettled([...this.#compiling]), CLOSE_WAIT_MS);
    if (isolate && !isolate.isDisposed) isolate.dispose();
  }
}
