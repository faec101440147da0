/**
 * The table descriptions a run's start carries, so that a rule's GlideRecords need no describe call.
 * The host remembers which tables each rule version described in its runs; a context shared by runs
 * (driver.ts) keeps the descriptions it was given for as long as the reader's dictionary stays the
 * same object, so each is sent to a context once, not with every run. A reader without a dictionary
 * token gets them sent with every run, and the context forgets them after it.
 */
import type { RecordReader } from '../records/types.ts';

const MAX_REMEMBERED_RULES = 1000;
const MAX_REMEMBERED_TABLES = 16;
const MAX_CACHED_JSON = 256;

/** What one run may send: its rule's tables, under the token of the dictionary they come from (0: none). */
export type RunTables = { token: number; names: readonly string[]; json(name: string): string };

/** What a context holds: the descriptions it was given or asked for, under one token. */
export type ContextTables = { token: number; names: Set<string> };

export const emptyContextTables = (): ContextTables => ({ token: 0, names: new Set() });

export class TableDescriptions {
  readonly #byRule = new Map<string, string[]>();
  readonly #tokens = new WeakMap<object, number>();
  #nextToken = 1;
  /** `token \0 table` → its description as JSON: the same dictionary describes a table the same way. */
  readonly #json = new Map<string, string>();

  /** The tables a run of this rule version described, for its next runs. Bounded. */
  remember(key: string, tables: ReadonlySet<string>): void {
    if (tables.size === 0) return;
    const known = this.#byRule.get(key) ?? [];
    const added = [...tables].filter((table) => !known.includes(table));
    if (added.length === 0) return;
    if (!this.#byRule.has(key) && this.#byRule.size >= MAX_REMEMBERED_RULES) this.#byRule.clear();
    this.#byRule.set(key, [...known, ...added].slice(0, MAX_REMEMBERED_TABLES));
  }

  forRun(key: string, reader: RecordReader | undefined): RunTables {
    const names = this.#byRule.get(key) ?? [];
    if (!reader) return { token: 0, names: [], json: () => 'null' };
    const dictionary = reader.dictionaryToken?.();
    const token = dictionary ? this.#tokenOf(dictionary) : 0;
    const describe = (name: string) => JSON.stringify(reader.describe(name) ?? null);
    if (token === 0) return { token, names, json: describe };
    return {
      token,
      names,
      json: (name) => {
        const id = `${token}\u0000${name}`;
        let json = this.#json.get(id);
        if (json === undefined) {
          if (this.#json.size >= MAX_CACHED_JSON) this.#json.clear();
          json = describe(name);
          this.#json.set(id, json);
        }
        return json;
      },
    };
  }

  #tokenOf(dictionary: object): number {
    let token = this.#tokens.get(dictionary);
    if (token === undefined) {
      token = this.#nextToken++;
      this.#tokens.set(dictionary, token);
    }
    return token;
  }
}

/**
 * The `{table: description}` JSON of the run's tables the context does not hold yet (null: none), and
 * the names it sends. A context that holds another dictionary's descriptions starts over.
 */
export function tablesToSend(held: ContextTables, run: RunTables): { json: string | null; names: string[] } {
  if (run.token === 0 || held.token !== run.token) {
    held.token = run.token;
    held.names.clear();
  }
  const names = run.names.filter((name) => !held.names.has(name));
  if (names.length === 0) return { json: null, names };
  return { json: `{${names.map((name) => `${JSON.stringify(name)}:${run.json(name)}`).join(',')}}`, names };
}

/** After a run the context survived: what it was sent and what it described itself, under a real token. */
export function holdTables(
  held: ContextTables,
  sent: readonly string[],
  described: ReadonlySet<string>,
): void {
  if (held.token === 0) return;
  for (const name of sent) held.names.add(name);
  for (const name of described) held.names.add(name);
}
