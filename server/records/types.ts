/**
 * The read side of the record API, as the sandbox host and the popped screens see it.
 * Everything crossing this interface is plain JSON: the sandbox copies it into the isolate.
 */

/** A value as a rule sees it: integers as numbers, booleans as booleans, datetimes as
 * "YYYY-MM-DD HH:MM:SS" (UTC, ServiceNow's format), sys_ids and references as uuid strings,
 * journals as the text of their entries, newest first. */
export type FieldValue = string | number | boolean | null;
export type RecordRow = Record<string, FieldValue>;

export type ColumnDescription = {
  name: string;
  type: string;
  label: string;
  reference?: string;
  choices?: { value: string | number; label: string }[];
};

export type TableDescription = {
  name: string;
  label: string;
  extends?: string;
  displayField: string;
  columns: ColumnDescription[];
};

export type SelectRequest = {
  table: string;
  /** An encoded query (`active=true^priority<=2^ORDERBYDESCopened_at`); '' for all rows. */
  query: string;
  limit: number;
  offset?: number;
};

export interface RecordReader {
  /** The business table, or undefined for any other name (system tables included: they are never described). */
  describe(table: string): TableDescription | undefined;
  /** Rows of `table` (and of the tables extending it) matching the query; refuses unknown fields with a RecordError. */
  select(request: SelectRequest): Promise<RecordRow[]>;
  count(request: Omit<SelectRequest, 'limit' | 'offset'>): Promise<number>;
  /**
   * The identity of the dictionary `describe` reads now: a new object after every change. The sandbox
   * keeps table descriptions in a shared context for as long as it stays the same.
   */
  dictionaryToken?(): object;
  /**
   * The rows of `request`, and of the reads that follow from its first row (each a read whose query
   * holds the value of `field` of that row, written as `placeholder`), in one statement
   * (following-select.ts): the JSON text of each following read's rows, null when that row had no
   * value to follow. Null, at once, when these reads cannot be made that way.
   */
  selectWithFollowing?(
    request: SelectRequest,
    following: readonly FollowingRead[],
  ): Promise<{ rows: RecordRow[]; following: (string | null)[] }> | null;
}

export type FollowingRead = {
  field: string;
  /** The following read, with `placeholder` where the value goes. */
  request: SelectRequest;
  placeholder: string;
};

/** A problem a rule author can fix (unknown table or field, bad operator); its message is safe to show. */
export class RecordError extends Error {
  override name = 'RecordError';
}
