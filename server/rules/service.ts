/**
 * Rules as the API and the CLI see them: create, save a new version against the one it was based on
 * (a stale save is refused with the current version), toggle, revert, delete. A script that does not
 * compile is refused with its line and column before anything is stored.
 */
import type { Database, Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { type RuleFilter, type RuleRow, type RuleVersionRow, rulesRepository } from './repository.ts';

export type Rule = {
  name: string;
  description: string;
  script: string;
  clientCallable: boolean;
  active: boolean;
  version: number;
  updatedAt: string;
  updatedBy: string;
};

export type CompileProblem = { line: number; column: number; message: string };
/** Checks a script's syntax in the sandbox's own engine, running nothing. */
export type CompileCheck = (script: string, name: string) => Promise<CompileProblem | null>;

export const toRule = (row: RuleRow): Rule => ({
  name: row.name,
  description: row.description,
  script: row.script,
  clientCallable: row.clientCallable,
  active: row.active,
  version: row.version,
  updatedAt: row.updatedAt.toISOString(),
  updatedBy: row.updatedBy,
});

export const toVersion = (row: RuleVersionRow, withScript: boolean) => ({
  name: row.name,
  version: row.version,
  description: row.description,
  clientCallable: row.clientCallable,
  active: row.active,
  createdAt: row.createdAt.toISOString(),
  createdBy: row.createdBy,
  ...(withScript ? { script: row.script } : {}),
});

export type RuleInput = {
  name: string;
  description?: string;
  script: string;
  clientCallable?: boolean;
  active?: boolean;
};
export type RuleChange = {
  description?: string;
  script: string;
  clientCallable?: boolean;
  active?: boolean;
  version: number;
};

const MAX_CACHED_RULES = 1000;

export function createRuleService(deps: {
  database: Database;
  compile: CompileCheck;
  onChange?: (name: string) => void;
}) {
  const db: Db = deps.database.db;
  /** The active non-client-callable rules: every run defines them as global functions, so they are cached. */
  let functionNames: Promise<string[]> | null = null;
  /**
   * The rows calls look up by name (found or not), so a pop asks the database nothing about its rule.
   * Dropped on every change made here and, through LISTEN/NOTIFY, on every change made elsewhere.
   */
  const found = new Map<string, Promise<RuleRow | undefined>>();
  const forgetCache = () => {
    functionNames = null;
    found.clear();
  };
  const changed = (name: string) => {
    forgetCache();
    deps.onChange?.(name);
  };

  function findCached(name: string): Promise<RuleRow | undefined> {
    let row = found.get(name);
    if (!row) {
      // Names a telephony client sends are bounded (64 chars) but unbounded in number: so is not this.
      if (found.size >= MAX_CACHED_RULES) found.clear();
      row = rulesRepository.get(db, name);
      found.set(name, row);
      row.catch(() => found.delete(name));
    }
    return row;
  }

  async function checkCompiles(script: string, name: string) {
    const problem = await deps.compile(script, name);
    if (problem) {
      throw new AppError(
        'VALIDATION_FAILED',
        `script does not compile: line ${problem.line}, column ${problem.column}: ${problem.message}`,
        {
          field: 'script',
          ...problem,
        },
      );
    }
  }

  async function mustGet(name: string): Promise<RuleRow> {
    const row = await rulesRepository.get(db, name);
    if (!row) throw new AppError('NOT_FOUND', `no rule named ${name}`);
    return row;
  }

  return {
    list: async (filter: RuleFilter) => (await rulesRepository.list(db, filter)).map(toRule),
    get: async (name: string) => toRule(await mustGet(name)),
    /**
     * The stored row or undefined: the processor's lookup, with no error thrown on the hot path.
     * Cached, unless asked inside a transaction (a privileged call reads what its transaction sees).
     */
    find: (name: string, on: Db = db) => (on === db ? findCached(name) : rulesRepository.get(on, name)),

    /** Drops what is cached about rules, after another process changed them. */
    forgetCache,

    functionNames(): Promise<string[]> {
      functionNames ??= rulesRepository
        .list(db, { active: true, clientCallable: false })
        .then((rows) => rows.map((row) => row.name))
        .catch((error: unknown) => {
          functionNames = null;
          throw error;
        });
      return functionNames;
    },

    async create(input: RuleInput, by: string): Promise<Rule> {
      await checkCompiles(input.script, input.name);
      if (await rulesRepository.get(db, input.name))
        throw new AppError('CONFLICT', `a rule named ${input.name} already exists`);
      const row = await db.transaction((tx) =>
        rulesRepository.insert(tx as unknown as Db, {
          name: input.name,
          description: input.description ?? '',
          script: input.script,
          clientCallable: input.clientCallable ?? true,
          active: input.active ?? true,
          updatedBy: by,
        }),
      );
      changed(input.name);
      return toRule(row);
    },

    async save(name: string, change: RuleChange, by: string): Promise<Rule> {
      const current = await mustGet(name);
      await checkCompiles(change.script, name);
      const saved = await db.transaction((tx) =>
        rulesRepository.saveVersion(tx as unknown as Db, name, change.version, {
          description: change.description ?? current.description,
          script: change.script,
          clientCallable: change.clientCallable ?? current.clientCallable,
          active: change.active ?? current.active,
          updatedBy: by,
        }),
      );
      if (!saved) {
        const latest = await mustGet(name);
        throw new AppError(
          'CONFLICT',
          `rule ${name} was saved by ${latest.updatedBy} as version ${latest.version} after the version ${change.version} you edited`,
          { currentVersion: latest.version, current: toRule(latest) },
        );
      }
      changed(name);
      return toRule(saved);
    },

    async setFlags(
      name: string,
      flags: { active?: boolean; clientCallable?: boolean },
      by: string,
    ): Promise<Rule> {
      const row = await rulesRepository.setFlags(db, name, flags, by);
      if (!row) throw new AppError('NOT_FOUND', `no rule named ${name}`);
      changed(name);
      return toRule(row);
    },

    async revert(name: string, version: number, by: string): Promise<Rule> {
      const current = await mustGet(name);
      const target = await rulesRepository.version(db, name, version);
      if (!target) throw new AppError('NOT_FOUND', `rule ${name} has no version ${version}`);
      const saved = await db.transaction((tx) =>
        rulesRepository.saveVersion(tx as unknown as Db, name, current.version, {
          description: target.description,
          script: target.script,
          clientCallable: current.clientCallable,
          active: current.active,
          updatedBy: by,
        }),
      );
      if (!saved) throw new AppError('CONFLICT', `rule ${name} changed while reverting; try again`);
      changed(name);
      return toRule(saved);
    },

    async delete(name: string): Promise<void> {
      const deleted = await db.transaction((tx) => rulesRepository.delete(tx as unknown as Db, name));
      if (!deleted) throw new AppError('NOT_FOUND', `no rule named ${name}`);
      changed(name);
    },

    async versions(name: string) {
      await mustGet(name);
      return (await rulesRepository.versions(db, name)).map((v) => toVersion(v, false));
    },

    async version(name: string, version: number) {
      const row = await rulesRepository.version(db, name, version);
      if (!row) throw new AppError('NOT_FOUND', `rule ${name} has no version ${version}`);
      return toVersion(row, true);
    },
  };
}

export type RuleService = ReturnType<typeof createRuleService>;
