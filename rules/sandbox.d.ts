/**
 * The ctihost rule sandbox: the ServiceNow scripting API a CTI rule runs with.
 * Served at /api/sandbox.d.ts for the console's editor (completions and hover docs).
 */

/** The URL to pop: set it (e.g. `answer = 'sys_user.do?sys_id=' + gr.sys_id;`), or return it from the function named like the rule. */
declare var answer: string | null;

/** The caller's name, or null when the call did not give it. */
declare var sysparm_caller_name: string | null;
/** The caller's phone number in any common format, or null. */
declare var sysparm_caller_phone: string | null;
/** The caller's email address, or null. */
declare var sysparm_caller_email: string | null;
/** The caller's employee number, user name or sys_id, or null. */
declare var sysparm_caller_id: string | null;
/** An encoded query to pre-fill a new record with (`priority=1^category=network`), or null. */
declare var sysparm_query: string | null;
/** The telephony client's id of the call, or null. */
declare var sysparm_call_id: string | null;
/** The number of the task the caller is calling about, or null. */
declare var sysparm_task_id: string | null;
/** The view to display the popped record with, or null. */
declare var sysparm_view: string | null;
/** The name of the rule the call asked for, or null. */
declare var sysparm_cti_rule: string | null;

/** Operators of addQuery (case-insensitive). */
type GlideQueryOperator =
  | '='
  | '!='
  | '>'
  | '>='
  | '<'
  | '<='
  | 'IN'
  | 'NOT IN'
  | 'STARTSWITH'
  | 'ENDSWITH'
  | 'CONTAINS'
  | 'DOES NOT CONTAIN'
  | 'LIKE'
  | 'NOT LIKE'
  | 'ISEMPTY'
  | 'ISNOTEMPTY'
  | (string & {});

/** A value a condition compares with: arrays are lists for IN / NOT IN. */
type GlideQueryValue = string | number | boolean | null | undefined | GlideElement | readonly unknown[];

/** A condition added by addQuery(); more conditions can be OR'd with it. */
interface GlideQueryCondition {
  /** ORs `field = value` with this condition (`a=1^ORb=2`). */
  addOrCondition(field: string, value: GlideQueryValue): GlideQueryCondition;
  /** ORs `field <operator> value` with this condition. */
  addOrCondition(field: string, operator: GlideQueryOperator, value: GlideQueryValue): GlideQueryCondition;
}

/** The definition of a field, from GlideElement.getED(). */
interface GlideElementDescriptor {
  /** The field's name. */
  getName(): string;
  /** The field's label. */
  getLabel(): string;
  /** The field's type: string, integer, boolean, datetime, reference, phone, email, choice, journal. */
  getInternalType(): string;
  /** The referenced table of a reference field, else ''. */
  getReference(): string;
  /** The table the field belongs to. */
  getTableName(): string;
  /** Whether the field has a choice list. */
  isChoiceTable(): boolean;
}

/**
 * A field of a record (`gr.priority`). It converts like its value: `gr.priority == 1`, `gr.active == true`,
 * `'x' + gr.sys_id`; use `.toString()` or getValue() to keep the value past `next()`.
 * A reference field dot-walks to the referenced record's fields: `gr.caller_id.name`.
 */
declare class GlideElement {
  private constructor();
  /** The value as a string ('' when empty). */
  toString(): string;
  /** The value typed: a number for integers, a boolean for booleans, else a string. */
  valueOf(): string | number | boolean;
  /** The value as a string, or null when empty (booleans give '1' / '0'). */
  getValue(): string | null;
  /** The value as shown: a choice's label, a referenced record's display value. */
  getDisplayValue(): string;
  /** True when the field is empty. */
  nil(): boolean;
  /** The referenced record of a reference field (isValidRecord() is false when the reference is empty). */
  getRefRecord(): GlideRecord;
  /** The table a reference field points to. */
  getReferenceTable(): string;
  /** The field's definition. */
  getED(): GlideElementDescriptor;
  /** The field's name. */
  getName(): string;
  /** The table of the record the field belongs to. */
  getTableName(): string;
  /** The field's label. */
  getLabel(): string;
  /** Always false: rules see records, not changes. */
  changes(): boolean;
  /** Always false: rules see records, not changes. */
  changesTo(value: unknown): boolean;
  /** Always false: rules see records, not changes. */
  changesFrom(value: unknown): boolean;
  /** Sets the field (only in a non-client-callable function). */
  setValue(value: unknown): void;
  /** A field of the referenced record (reference fields only): `gr.caller_id.name`. */
  // biome-ignore lint/suspicious/noExplicitAny: fields differ per table; any keeps dot-walks and methods usable in the editor
  [field: string]: any;
}

/**
 * Reads (and, in a non-client-callable function, writes) the records of a table.
 * `gr.<field>` is the field of the current record as a GlideElement.
 */
declare class GlideRecord {
  /** A record set of `table` (`new GlideRecord('incident')`). */
  constructor(table: string);
  /** Adds an encoded query (`'active=true^priority<=2'`). */
  addQuery(encodedQuery: string): GlideQueryCondition;
  /** Adds the condition `field = value`. */
  addQuery(field: string, value: GlideQueryValue): GlideQueryCondition;
  /** Adds the condition `field <operator> value` (`'IN'` takes an array or a comma-separated list). */
  addQuery(field: string, operator: GlideQueryOperator, value: GlideQueryValue): GlideQueryCondition;
  /** Adds an encoded query (`'a=1^b!=2^ORc=3'`). */
  addEncodedQuery(query: string): void;
  /** Adds `active=true`. */
  addActiveQuery(): GlideQueryCondition;
  /** Adds the condition "field is empty". */
  addNullQuery(field: string): GlideQueryCondition;
  /** Adds the condition "field is not empty". */
  addNotNullQuery(field: string): GlideQueryCondition;
  /** Orders the rows by `field`, ascending. */
  orderBy(field: string): void;
  /** Orders the rows by `field`, descending. */
  orderByDesc(field: string): void;
  /** Returns at most `limit` rows. */
  setLimit(limit: number): void;
  /** Runs the query; `query(field, value)` adds that condition first. */
  query(field?: string, value?: GlideQueryValue): void;
  /** query(), for tables with a field named `query`. */
  _query(field?: string, value?: GlideQueryValue): void;
  /** Moves to the next record; false when there is none. */
  next(): boolean;
  /** next(), for tables with a field named `next`. */
  _next(): boolean;
  /** True when next() would find a record. */
  hasNext(): boolean;
  /** Reads the record with this sys_id (or this display value, e.g. a number); true when found. */
  get(sysId: string | GlideElement): boolean;
  /** Reads the first record where `field = value`; true when found. */
  get(field: string, value: GlideQueryValue): boolean;
  /** The field's value as a string, or null when empty (dot-walks allowed: `'caller_id.name'`; booleans give '1' / '0'). */
  getValue(field: string): string | null;
  /** The field's display value; without a field, the record's display value (e.g. its number). */
  getDisplayValue(field?: string): string;
  /** The field as a GlideElement, or null for an unknown field. */
  getElement(field: string): GlideElement | null;
  /** Every field of the table, as elements (loop over `getED().getInternalType()` to find, say, the phone columns). */
  getElements(): GlideElement[];
  /** The current record's sys_id, or null. */
  getUniqueValue(): string | null;
  /** How many records the query found. */
  getRowCount(): number;
  /** The table the record set reads. */
  getTableName(): string;
  /** The table of the current record (`incident` when reading `task`). */
  getRecordClassName(): string;
  /** The table's label. */
  getLabel(): string;
  /** The conditions and order as an encoded query. */
  getEncodedQuery(): string;
  /** True when the table exists. */
  isValid(): boolean;
  /** True when the record set is on a record. */
  isValidRecord(): boolean;
  /** True after initialize() / newRecord(), until insert(). */
  isNewRecord(): boolean;
  /** True when the table has this field (dot-walks allowed). */
  isValidField(field: string): boolean;
  /** True when the table can be read. */
  canRead(): boolean;
  /** True when the table can be written (never in a client-callable rule). */
  canWrite(): boolean;
  /** True when records can be created (never in a client-callable rule). */
  canCreate(): boolean;
  /** True when records can be deleted (never in a client-callable rule). */
  canDelete(): boolean;
  /** Accepted and ignored: no business rules run here. */
  setWorkflow(enabled: boolean): void;
  /** Accepted and ignored: the system fields are always maintained. */
  autoSysFields(enabled: boolean): void;
  /** Starts a new record to insert (non-client-callable functions only). */
  initialize(): void;
  /** Starts a new record to insert (non-client-callable functions only). */
  newRecord(): void;
  /** Sets a field of the current or new record (non-client-callable functions only). */
  setValue(field: string, value: unknown): void;
  /** Inserts the new record; returns its sys_id (non-client-callable functions only). */
  insert(): string | null;
  /** Saves the changes to the current record; returns its sys_id (non-client-callable functions only). */
  update(): string | null;
  /** Deletes the current record (non-client-callable functions only). */
  deleteRecord(): boolean;
  /** Deletes every record the conditions match (non-client-callable functions only). */
  deleteMultiple(): void;
  /** Applies the values set with setValue() to every record the conditions match (non-client-callable functions only). */
  updateMultiple(): void;
  /** A field of the current record: `gr.number`, `gr.caller_id.name`; assigning sets it (non-client-callable functions only). */
  // biome-ignore lint/suspicious/noExplicitAny: fields differ per table; elements are read and strings assigned through it
  [field: string]: any;
}

/** GlideRecord, checking the agent's access as the original platform does; the same API here. */
declare class GlideRecordSecure extends GlideRecord {}

/** A date and time in UTC, 'YYYY-MM-DD HH:MM:SS'. */
declare class GlideDateTime {
  /** The time of the call, or the given 'YYYY-MM-DD HH:MM:SS' (UTC). */
  constructor(value?: string | GlideDateTime | GlideElement);
  /** 'YYYY-MM-DD HH:MM:SS' (UTC). */
  getValue(): string;
  /** 'YYYY-MM-DD HH:MM:SS' (UTC). */
  getDisplayValue(): string;
  /** 'YYYY-MM-DD HH:MM:SS' (UTC). */
  toString(): string;
  /** Milliseconds since 1970-01-01 UTC. */
  getNumericValue(): number;
}

/** The system object: logging (into the call's trace) and the time. */
interface GlideSystem {
  /** Logs a message (info level), with an optional source. */
  log(message: unknown, source?: string): void;
  /** Logs a message (info level). */
  print(message: unknown): void;
  /** Logs at info level; `{0}`, `{1}`… are replaced by the following arguments. */
  info(message: unknown, ...params: unknown[]): void;
  /** Logs at warn level; `{0}`, `{1}`… are replaced by the following arguments. */
  warn(message: unknown, ...params: unknown[]): void;
  /** Logs at error level; `{0}`, `{1}`… are replaced by the following arguments. */
  error(message: unknown, ...params: unknown[]): void;
  /** Logs at debug level; `{0}`, `{1}`… are replaced by the following arguments. */
  debug(message: unknown, ...params: unknown[]): void;
  /** The time of the call, 'YYYY-MM-DD HH:MM:SS' (UTC). */
  nowDateTime(): string;
  /** The date of the call, 'YYYY-MM-DD' (UTC). */
  now(): string;
  /** A system property: always the default here (null without one). */
  getProperty<T = string>(name: string, defaultValue?: T): T | null;
  /** True for null, undefined, '' and empty fields. */
  nil(value: unknown): boolean;
}

/** The system object: logging and the time. */
declare const gs: GlideSystem;

/** ServiceNow's JSUtil: null checks that also see through empty fields. */
declare const JSUtil: {
  /** True for null, undefined, '' and an empty field. */
  nil(value: unknown): boolean;
  /** The opposite of nil(). */
  notNil(value: unknown): boolean;
  /** Same as notNil(). */
  has(value: unknown): boolean;
  /** Same as nil(). */
  doesNotHave(value: unknown): boolean;
};
