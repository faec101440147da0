/**
 * The privileged service (SPEC §8): non-client-callable rules, called from other rules as global
 * functions. Each top-level call runs the callee in its own context, on the privileged sandbox,
 * inside one database transaction: its reads see its own writes, every write is validated and
 * audited, and all of them commit when it returns or roll back when it fails (or in a dry run).
 * Nested calls join the transaction of their top-level call; their depth is limited.
 */
import { sql } from 'drizzle-orm';
import type { Database, Db } from '../db/database.ts';
import type { DictionaryStore } from '../dictionary/store.ts';
import { createRecordReader } from '../records/reader.ts';
import type { RecordReader } from '../records/types.ts';
import type { RuleRow } from '../rules/repository.ts';
import { sandboxError } from '../sandbox/errors.ts';
import { HostCallRefusal, type HostHandlers } from '../sandbox/host-calls.ts';
import { type RunTrace, recordBreach } from '../sandbox/run-trace.ts';
import type { RunWrite, SandboxHost } from '../sandbox/types.ts';
import { applyWrite, WriteRefusal } from './apply-write.ts';

export type PrivilegedScope = {
  tx: Db;
  reader: RecordReader;
  /** The rules from the client-callable caller down to the one running. */
  chain: string[];
  depth: number;
  dryRun: boolean;
  /** Read before the transaction opened: PGlite is one connection, so nothing inside may query outside it. */
  functions: string[];
  /** The client-callable run at the top: its trace counts the writes of the whole call. */
  root: RunTrace;
};

export type PrivilegedDeps = {
  database: Database;
  dictionary: DictionaryStore;
  defaultRegion: string;
  /** With `db`, inside the transaction of a top-level call (PGlite would wait forever on another query). */
  findRule(name: string, db?: Db): Promise<RuleRow | undefined>;
  functionNames(): Promise<string[]>;
  /** The sandbox that runs non-client-callable rules (its own isolates: a caller's isolate is blocked meanwhile). */
  host(): SandboxHost;
  maxDepth: number;
  maxWrites: number;
  /**
   * How long one statement of the call's transaction may take (ruleStatementTimeoutMs): a run stopped
   * at its wall limit does not leave its transaction waiting on a statement, holding its locks.
   */
  statementTimeoutMs: number;
};

/** Thrown inside the transaction to roll it back; never leaves this file. */
class Rollback extends Error {}

const scopeOf = (trace: RunTrace) => trace.privileged as PrivilegedScope | undefined;

export function createPrivilegedHandlers(deps: PrivilegedDeps): Pick<HostHandlers, 'call' | 'write'> {
  async function runCallee(
    rule: RuleRow,
    args: unknown[],
    scope: PrivilegedScope,
    callId: string | undefined,
  ) {
    return deps.host().run(
      { name: rule.name, version: rule.version, script: rule.script, clientCallable: false },
      {},
      {
        args,
        wantResult: true,
        privileged: scope,
        reader: scope.reader,
        functions: scope.functions,
        ...(callId ? { callId } : {}),
      },
    );
  }

  return {
    async call({ name, args }, trace) {
      const outer = scopeOf(trace);
      const depth = (outer?.depth ?? 0) + 1;
      if (depth > deps.maxDepth) {
        throw new HostCallRefusal(
          `${name}(): non-client-callable functions may call each other at most ${deps.maxDepth} deep`,
          'CALL_DEPTH',
        );
      }
      const rule = await deps.findRule(name, outer?.tx);
      if (!rule?.active || rule.clientCallable)
        throw new HostCallRefusal(
          `${name} is not an active non-client-callable function`,
          'UNKNOWN_FUNCTION',
        );
      const chain = [...(outer?.chain ?? [trace.ruleName]), name];

      let outcome: Awaited<ReturnType<typeof runCallee>> | undefined;
      const writes: RunWrite[] = [];
      if (outer) {
        outcome = await runCallee(rule, args, { ...outer, chain, depth }, trace.callId);
      } else {
        const functions = await deps.functionNames();
        try {
          await deps.database.db.transaction(async (tx) => {
            const db = tx as unknown as Db;
            await deps.database.rows(
              sql`select set_config('statement_timeout', ${String(deps.statementTimeoutMs)}, true)`,
              db,
            );
            const reader = createRecordReader({
              database: { rows: (query) => deps.database.rows(query, db) },
              dictionary: deps.dictionary.current,
              defaultRegion: deps.defaultRegion,
            });
            const scope: PrivilegedScope = {
              tx: db,
              reader,
              chain,
              depth,
              dryRun: trace.dryRun,
              root: trace,
              functions,
            };
            outcome = await runCallee(rule, args, scope, trace.callId);
            writes.push(...outcome.writes);
            if (outcome.outcome !== 'answer' || scope.dryRun) throw new Rollback();
          });
        } catch (error) {
          if (!(error instanceof Rollback)) throw error;
        }
      }
      if (!outcome) throw new HostCallRefusal(`${name}() did not run`, 'CALL_FAILED');
      if (outcome.error) {
        // The caller sees the callee's failure as an error it may catch; nothing of the callee was kept.
        trace.logs.push(...outcome.logs.map((log) => ({ ...log, message: `${name}: ${log.message}` })));
        throw new HostCallRefusal(`${name}() failed: ${outcome.error.message}`, outcome.error.code);
      }
      trace.logs.push(...outcome.logs.map((log) => ({ ...log, message: `${name}: ${log.message}` })));
      trace.reads.push(...outcome.reads);
      // A top-level call's writes are the caller's record of what happened (or, in a dry run, would have).
      if (!outer) trace.writes.push(...writes);
      else trace.writes.push(...outcome.writes);
      return outcome.result ?? null;
    },

    async write(payload, trace) {
      const scope = scopeOf(trace);
      if (!scope)
        throw new HostCallRefusal(
          'writes belong in a non-client-callable function (SPEC §8)',
          'WRITE_REFUSED',
        );
      const root = scope.root;
      root.writeCount = (root.writeCount ?? 0) + 1;
      if (root.writeCount > deps.maxWrites) {
        const error = recordBreach(
          trace,
          sandboxError('RULE_WRITES', `more than ${deps.maxWrites} writes in one call`, {
            limit: deps.maxWrites,
          }),
        );
        recordBreach(root, error);
        throw new HostCallRefusal(error.message, error.code);
      }
      try {
        const applied = await applyWrite(
          {
            tx: scope.tx,
            dictionary: deps.dictionary.current(),
            defaultRegion: deps.defaultRegion,
            callId: root.callId ?? null,
            chain: scope.chain,
          },
          payload,
        );
        trace.writes.push(applied);
        return applied.operation === 'insert' ? applied.sysId : true;
      } catch (error) {
        if (error instanceof WriteRefusal) throw new HostCallRefusal(error.message, 'WRITE_REFUSED');
        throw error;
      }
    },
  };
}
