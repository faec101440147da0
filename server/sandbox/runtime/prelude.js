/*
 * ctihost sandbox runtime: the ServiceNow API a rule sees (GlideRecord, gs, …), evaluated in every
 * fresh isolated-vm context before the rule. Plain JavaScript, valid as a sloppy script, no imports.
 *
 * CONTRACT WITH THE HOST (server/sandbox/*.ts); change it on both sides or not at all.
 * - Before this runs, the host defines `$host(op, payloadJson)`: synchronous here, it returns the JSON
 *   envelope `{"ok":true,"value":…}` or `{"ok":false,"error":{"message","code"?}}`. This prelude keeps it
 *   in a closure and deletes the global. Ops and payloads (always JSON strings built here from strings
 *   and numbers, never from a rule's objects, except `call` args which the rule gives as JSON values):
 *     describe {table}                        → TableDescription | null
 *     select   {table, query, limit?, offset?} → RecordRow[]  (limit only after setLimit() or with
 *                                              config.pageSize; without it the host applies its row limit)
 *     count    {table, query}                 → number
 *     log      {level, message}               → null  (level: debug | info | warn | error; gs.log is info;
 *                                              messages are cut at 4000 characters here)
 *     call     {name, args}                   → any JSON value (config.functions, non-client-callable rules)
 *     write    {table, operation, sysId?, fields} → what the host returns (the new sys_id for insert);
 *                                              fields: the values set, as primitives (insert: no sys_id,
 *                                              the host assigns it); only when config.clientCallable is false
 *   ok:false becomes `throw new Error(message)` inside the isolate, catchable by the rule.
 * - This prelude defines one non-enumerable, configurable global `$runtime` (the host takes it off):
 *     begin(configJson, tablesJson?)  config = {ruleName, clientCallable, params: {sysparm_*: string|null},
 *                        now (ISO), standardParams: string[], pageSize?: number, functions?: string[],
 *                        tablesToken?: number, maxRows?: number, given?: [{key, rows}]}; tablesJson (or
 *                        config.tables) = {table: TableDescription|null}
 *                        for the tables the rule used before. Descriptions are kept across runs while
 *                        tablesToken stays the same non-zero number.
 *                        defines every sysparm_* param as a plain global (the standard ones null when
 *                        absent), `answer = null`, and one global function per name in `functions`.
 *                        It forgets the referenced rows of earlier runs in the context. `given`: reads the
 *                        host made ahead (read-ahead.ts); a select of the very same request (givenKey, with
 *                        maxRows, the host's row limit) takes its rows once instead of calling the host,
 *                        until the run makes a `call` or `write`.
 *     taken()            → '' or the JSON array [{at, key}] of the given reads the run took, `at` being the
 *                        number of selects it had made before.
 *     finish(scope?)     → '{"answer": string|null, "answerType": "string"|"null"|"undefined"|"number"|
 *                        "boolean"|"object"|"function"}'. The function named like the rule, when the script
 *                        defined one, is called first (SPEC §7); the answer is the global `answer` when set
 *                        (not null/undefined), else that function's return value. Elements and objects with
 *                        their own toString become strings, numbers their string; anything a rule throws
 *                        comes out as a fresh Error carrying only its name, message and stack strings.
 *                        `scope` = {answer(), ruleFunction} when the host ran the script wrapped in a
 *                        function (driver.ts): its top-level declarations are then the wrapper's own.
 * - Evaluating it twice in one context does nothing the second time. Setting up a context costs ~0.1 ms:
 *   methods live in class bodies and a record is one Proxy, because defineProperty per method or per
 *   field costs ~2 µs each in a fresh context.
 */
(() => {
  // biome-ignore lint/suspicious/noRedundantUseStrict: isolated-vm evaluates this as a classic script, not a module
  'use strict';

  // ── 1. Built-ins captured before any rule can replace them; the host function ───────────────
  const G = globalThis;
  if (typeof G.$host !== 'function') {
    if (typeof G.GlideRecord === 'function') return;
    throw new Error('ctihost runtime: the host did not define $host');
  }
  const host = G.$host;
  delete G.$host;

  const [ErrorCtor, TypeErrorCtor, ReferenceErrorCtor, toStr, toNum, DateCtor] = [
    Error,
    TypeError,
    ReferenceError,
    String,
    Number,
    Date,
  ];
  const ERROR_CLASSES = { TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError };
  const { parse: jsonParse, stringify: jsonStringify } = JSON;
  const { hasOwn, create, defineProperty, keys: objectKeys, freeze, getPrototypeOf } = Object;
  const [ObjectProto, ArrayProto] = [Object.prototype, Array.prototype];
  const { isFinite: finite } = Number;
  const { isArray } = Array;
  const { floor, min } = Math;
  const { parse: dateParse, now: dateNow } = Date;
  const ProxyCtor = Proxy;
  const {
    get: reflectGet,
    set: reflectSet,
    ownKeys: reflectOwnKeys,
    getOwnPropertyDescriptor: reflectOwn,
  } = Reflect;
  const objectToString = Object.prototype.toString;
  const indirectEval = G.eval;
  const uncurry = (fn) => Function.prototype.call.bind(fn);
  const isoString = uncurry(Date.prototype.toISOString);
  const [mapGet, mapSet, mapHas, mapClear, mapDelete] = [
    Map.prototype.get,
    Map.prototype.set,
    Map.prototype.has,
    Map.prototype.clear,
    Map.prototype.delete,
  ].map(uncurry);

  /** The parameters of SPEC §5, when the host's config does not list them (index.ts STANDARD_PARAMS). */
  const STANDARD_PARAMS =
    'caller_name caller_phone caller_email caller_id query call_id task_id view cti_rule'
      .split(' ')
      .map((name) => `sysparm_${name}`);
  const PARAM_NAME = /^sysparm_[A-Za-z0-9_]+$/;
  const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
  const SYS_ID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
  const SYSTEM_COLUMNS = ['sys_id', 'sys_class_name', 'sys_created_on', 'sys_updated_on'];
  const MAX_LOG = 4000;

  /** What one run knows; a context serves one run. */
  const run = {
    ruleName: '',
    clientCallable: true,
    nowMs: dateNow(),
    pageSize: 0,
    args: [],
    wantResult: false,
    tablesToken: 0,
    maxRows: 0,
    /** Selects this run made (through the host or from `given`), for `taken` entries' places. */
    reads: 0,
    givenLeft: 0,
    taken: '',
  };
  const givenReads = new Map(); // givenKey → rows the host read ahead for this run
  const tables = new Map(); // table name → Table | null
  const refRows = new Map(); // table + '\u0000' + sys_id → row | null
  /**
   * The runtime's own state of an object it hands out, kept on that object under a private name
   * (a class's #field, added by the base-constructor-returns-it idiom): no rule can name it, list
   * it, or reach it through a Proxy's traps, as with a WeakMap, but it is a property load instead of
   * a hash lookup, and it dies with its object instead of burdening every garbage collection as a
   * WeakMap's entries do (measured: 2 ns a set against 137 ns, and about 40 sets in a run of the
   * default rule). `set` on an object that holds the state already replaces it.
   */
  function privateState() {
    class Holder {
      constructor(target) {
        // biome-ignore lint/correctness/noConstructorReturn: the idiom: Stamp's #state goes on `target`.
        return target;
      }
    }
    class Stamp extends Holder {
      #state;
      constructor(target, state) {
        super(target);
        this.#state = state;
      }
      static has(value) {
        return (
          ((typeof value === 'object' && value !== null) || typeof value === 'function') && #state in value
        );
      }
      static get(value) {
        return Stamp.has(value) ? value.#state : undefined;
      }
      static set(target, state) {
        if (#state in target) target.#state = state;
        else new Stamp(target, state);
      }
    }
    return freeze({ get: Stamp.get, set: Stamp.set, has: Stamp.has });
  }
  const recs = privateState(); // GlideRecord → its state
  const els = privateState(); // GlideElement → {t, col, row, page, gr}
  const conds = privateState(); // query condition → {s, group}
  const dates = privateState(); // GlideDateTime → {ms}

  const fail = (message) => new ErrorCtor(message);
  const isEmpty = (v) => v === null || v === undefined || v === '';
  /** A JSON string literal of a value forced to a primitive string: no toJSON can run. */
  const q = (value) => jsonStringify(typeof value === 'string' ? value : toStr(value));

  /** Defines globals the way built-ins are: non-enumerable. */
  function define(target, source) {
    const names = objectKeys(source);
    for (let i = 0; i < names.length; i++) {
      defineProperty(target, names[i], { value: source[names[i]], writable: true, configurable: true });
    }
  }

  function reason(error) {
    try {
      const message = error instanceof ErrorCtor ? error.message : undefined;
      return typeof message === 'string' ? `: ${message}` : '';
    } catch {
      return '';
    }
  }

  /** String(value) for a rule's value; a hostile toString or Proxy becomes a clean Error. */
  function text(value, what) {
    try {
      return toStr(value);
    } catch (error) {
      throw fail(`${what} cannot be turned into a string${reason(error)}`);
    }
  }

  /** For logs: never throws. */
  function say(value) {
    try {
      return toStr(value);
    } catch {
      return '[a value that cannot be shown]';
    }
  }

  function callHost(op, payload) {
    // A privileged function may write: nothing the host read before it is taken after it.
    if ((op === 'call' || op === 'write') && run.givenLeft > 0) {
      mapClear(givenReads);
      run.givenLeft = 0;
    }
    const raw = host(op, payload);
    let envelope;
    try {
      envelope = jsonParse(raw);
    } catch {
      throw fail(`ctihost: unreadable answer from the host to ${op}`);
    }
    if (envelope !== null && typeof envelope === 'object' && envelope.ok === true) return envelope.value;
    const error = envelope !== null && typeof envelope === 'object' ? envelope.error : undefined;
    throw fail(error && typeof error.message === 'string' ? error.message : `${op} failed`);
  }

  /** The host's largest page size (host-calls.ts): a limit or offset past it is refused there, never taken here. */
  const MAX_PAGE = 1e9;

  /**
   * The rows the host read ahead for this very request, once (read-ahead.ts). The key is the host's
   * requestKey of the request it would make: the limit it would ask for (the rule's, or one more row
   * than it allows) and the offset.
   */
  function takeGiven(table, query, limit, offset) {
    const lim = limit > 0 ? floor(limit) : 0;
    const off = offset > 0 ? floor(offset) : 0;
    if (!(lim <= MAX_PAGE && off <= MAX_PAGE)) return undefined;
    const asked = lim > 0 && lim <= run.maxRows ? lim : run.maxRows + 1;
    const key = `${table}\u0000${query}\u0000${asked}\u0000${off}`;
    const rows = mapGet(givenReads, key);
    if (rows === undefined) return undefined;
    mapDelete(givenReads, key);
    run.givenLeft -= 1;
    run.taken += `${run.taken === '' ? '' : ','}{"at":${run.reads},"key":${q(key)}}`;
    run.reads += 1;
    return rows;
  }

  function select(table, query, limit, offset) {
    if (run.givenLeft > 0) {
      const rows = takeGiven(table, query, limit, offset);
      if (isArray(rows)) return rows;
    }
    let payload = `{"table":${q(table)},"query":${q(query)}`;
    if (limit > 0) payload += `,"limit":${floor(limit)}`;
    if (offset > 0) payload += `,"offset":${floor(offset)}`;
    const rows = callHost('select', `${payload}}`);
    if (!isArray(rows)) throw fail(`ctihost: the host gave no rows for ${table}`);
    run.reads += 1;
    return rows;
  }

  function log(level, message) {
    const line = message.length > MAX_LOG ? `${message.slice(0, MAX_LOG)}…` : message;
    callHost('log', `{"level":"${level}","message":${q(line)}}`);
  }

  // ── 2. Tables (describe, cached for the run) and rows ───────────────────────────────────────
  function column(c) {
    const type = typeof c.type === 'string' ? c.type : 'string';
    const label = typeof c.label === 'string' ? c.label : c.name;
    const reference = typeof c.reference === 'string' ? c.reference : null;
    const choices = isArray(c.choices) ? c.choices : null;
    // Frozen, as the whole description: a context keeps it for later runs (table-descriptions.ts).
    for (let i = 0; choices && i < choices.length; i++)
      if (choices[i] !== null && typeof choices[i] === 'object') freeze(choices[i]);
    return freeze({ name: c.name, type, label, reference, choices: choices && freeze(choices) });
  }

  function makeTable(name, d) {
    const cols = create(null);
    for (let i = 0; i < d.columns.length; i++) {
      const c = d.columns[i];
      if (c !== null && typeof c === 'object' && typeof c.name === 'string') cols[c.name] = column(c);
    }
    for (let i = 0; i < SYSTEM_COLUMNS.length; i++) {
      if (!cols[SYSTEM_COLUMNS[i]]) cols[SYSTEM_COLUMNS[i]] = column({ name: SYSTEM_COLUMNS[i] });
    }
    const displayField =
      typeof d.displayField === 'string' && cols[d.displayField] ? d.displayField : 'sys_id';
    const label = typeof d.label === 'string' ? d.label : name;
    return freeze({ name, label, displayField, cols: freeze(cols), names: freeze(objectKeys(cols)) });
  }

  /** The table's description, or null when it is no business table. */
  function table(name) {
    if (mapHas(tables, name)) return mapGet(tables, name);
    const d = callHost('describe', `{"table":${q(name)}}`);
    const t = d !== null && typeof d === 'object' && isArray(d.columns) ? makeTable(name, d) : null;
    mapSet(tables, name, t);
    return t;
  }

  const rawOf = (row, name) => (row !== null && hasOwn(row, name) ? row[name] : null);
  const asRow = (row) => (row !== null && typeof row === 'object' && !isArray(row) ? row : create(null));

  /** A fresh row: every field null, or the fields of `from`. */
  function newRow(names, from) {
    const row = create(null);
    for (let i = 0; i < names.length; i++) row[names[i]] = from ? from[names[i]] : null;
    return row;
  }

  /** The referenced row of a reference element; the other references of its page come in the same select. */
  function refRow(e) {
    const value = rawOf(e.row, e.col.name);
    const target = e.col.reference;
    if (isEmpty(value) || !target) return null;
    const id = toStr(value);
    const key = `${target}\u0000${id}`;
    if (mapHas(refRows, key)) return mapGet(refRows, key);
    if (!table(target)) return null;
    const simple = (v) => v.indexOf(',') < 0 && v.indexOf('^') < 0;
    const ids = [id];
    const seen = create(null);
    seen[id] = true;
    for (let i = 0; e.page && simple(id) && i < e.page.length && ids.length < 100; i++) {
      const other = rawOf(asRow(e.page[i]), e.col.name);
      const o = isEmpty(other) ? '' : toStr(other);
      if (o === '' || seen[o] || !simple(o) || mapHas(refRows, `${target}\u0000${o}`)) continue;
      seen[o] = true;
      ids[ids.length] = o;
    }
    const query = ids.length === 1 ? `sys_id=${escapeValue(id)}` : `sys_idIN${ids.join(',')}`;
    const rows = select(target, query, ids.length, 0);
    for (let i = 0; i < rows.length; i++) {
      const row = asRow(rows[i]);
      if (!isEmpty(rawOf(row, 'sys_id'))) mapSet(refRows, `${target}\u0000${toStr(row.sys_id)}`, row);
    }
    for (let i = 0; i < ids.length; i++) {
      if (!mapHas(refRows, `${target}\u0000${ids[i]}`)) mapSet(refRows, `${target}\u0000${ids[i]}`, null);
    }
    return mapGet(refRows, key);
  }

  // ── 3. GlideElement: a field of the current row ──────────────────────────────────────────────
  function elState(el) {
    const e = els.get(el);
    if (!e) throw new TypeErrorCtor('not a GlideElement');
    return e;
  }

  /** A reference element is a Proxy: names it does not have are fields of the referenced record. */
  const refHandler = {
    get(target, key, receiver) {
      if (typeof key === 'string' && !(key in target)) {
        const e = els.get(target);
        const rt = table(e.col.reference);
        if (rt?.cols[key]) return makeElement(rt, refRow(e), key, null, null);
      }
      return reflectGet(target, key, receiver);
    },
  };

  /** t: the element's table; row: the row it reads (null: empty); page: its rows, for batched lookups; gr: its record. */
  function makeElement(t, row, name, page, gr) {
    const e = { t, col: t.cols[name], row, page, gr };
    const el = create(GlideElement.prototype);
    els.set(el, e);
    if (!e.col.reference) return el;
    const proxy = new ProxyCtor(el, refHandler);
    els.set(proxy, e);
    return proxy;
  }

  const isTrue = (v) => v === true || v === 'true' || v === 1 || v === '1';
  const elRaw = (e) => rawOf(e.row, e.col.name);
  const elString = (e) => (isEmpty(elRaw(e)) ? '' : toStr(elRaw(e)));

  function elTyped(e) {
    const v = elRaw(e);
    if (e.col.type === 'boolean') return isTrue(v);
    if (typeof v === 'number' || typeof v === 'boolean') return v;
    if (isEmpty(v)) return '';
    return e.col.type === 'integer' && finite(toNum(v)) ? toNum(v) : toStr(v);
  }

  /** As GlideRecord.getValue(): null when empty, booleans as '1'/'0' (as there), else the string. */
  function elValue(e) {
    const v = elRaw(e);
    if (isEmpty(v)) return null;
    if (e.col.type === 'boolean' || typeof v === 'boolean') return isTrue(v) ? '1' : '0';
    return toStr(v);
  }

  function elDisplay(e) {
    const v = elRaw(e);
    if (isEmpty(v)) return '';
    if (e.col.reference) {
      const row = refRow(e);
      const rt = row ? table(e.col.reference) : null;
      return rt ? elDisplay({ t: rt, col: rt.cols[rt.displayField], row, page: null, gr: null }) : '';
    }
    const choices = e.col.choices || [];
    for (let i = 0; i < choices.length; i++) {
      const c = choices[i];
      if (c && toStr(c.value) === toStr(v) && typeof c.label === 'string') return c.label;
    }
    return toStr(v);
  }

  function elRefRecord(e) {
    if (!e.col.reference) throw fail(`getRefRecord(): ${e.t.name}.${e.col.name} is not a reference field`);
    const gr = new GlideRecord(e.col.reference);
    const row = refRow(e);
    if (row) position(recs.get(gr), [row], `sys_id=${escapeValue(toStr(row.sys_id))}`);
    return gr;
  }

  function elDescriptor(e) {
    const c = e.col;
    return freeze({
      getName: () => c.name,
      getLabel: () => c.label,
      getInternalType: () => c.type,
      getReference: () => c.reference || '',
      getTableName: () => e.t.name,
      isChoiceTable: () => c.choices !== null,
    });
  }

  /** Its methods live on a class: a class body is far cheaper to set up per context than defineProperty. */
  class GlideElement {
    constructor() {
      throw new TypeErrorCtor('GlideElement cannot be created by a script: read a field of a GlideRecord');
    }
    toString() {
      return elString(elState(this));
    }
    valueOf() {
      return elTyped(elState(this));
    }
    getValue() {
      return elValue(elState(this));
    }
    getDisplayValue() {
      return elDisplay(elState(this));
    }
    nil() {
      return isEmpty(elRaw(elState(this)));
    }
    getRefRecord() {
      return elRefRecord(elState(this));
    }
    getReferenceTable() {
      return elState(this).col.reference || '';
    }
    getED() {
      return elDescriptor(elState(this));
    }
    getName() {
      return elState(this).col.name;
    }
    getTableName() {
      return elState(this).t.name;
    }
    getLabel() {
      return elState(this).col.label;
    }
    changes() {
      return !elState(this);
    }
    changesTo() {
      return !elState(this);
    }
    changesFrom() {
      return !elState(this);
    }
    setValue(value) {
      const e = elState(this);
      if (!e.gr) throw fail(`${e.t.name}.${e.col.name} is read through a reference and cannot be set`);
      setField(e.gr, e.col.name, value, 'GlideElement.setValue()');
    }
  }

  // ── 4. Encoded queries ────────────────────────────────────────────────────────────────────────
  const OPERATOR_LIST =
    '=, !=, >, >=, <, <=, IN, NOT IN, STARTSWITH, ENDSWITH, CONTAINS, DOES NOT CONTAIN, LIKE, NOT LIKE, ISEMPTY, ISNOTEMPTY';
  const OPERATORS = create(null);
  const opNames = OPERATOR_LIST.split(', ');
  for (let i = 0; i < opNames.length; i++) OPERATORS[opNames[i]] = opNames[i];
  OPERATORS['DOES NOT CONTAIN'] = 'DOESNOTCONTAIN';
  OPERATORS.DOESNOTCONTAIN = 'DOESNOTCONTAIN';

  const escapeValue = (value) => value.replace(/\^/g, '^^');

  /** A value a rule gives to a query, as a string: elements and dates give their value. */
  function valueText(value, what) {
    if (els.has(value)) return elString(els.get(value));
    if (dates.has(value)) return formatDate(dates.get(value).ms);
    return text(value, what);
  }

  function listText(value, what) {
    if (!isArray(value)) return valueText(value, what);
    let out = '';
    for (let i = 0; i < value.length; i++) {
      out += (i > 0 ? ',' : '') + (isEmpty(value[i]) ? '' : valueText(value[i], what));
    }
    return out;
  }

  /** Checks `a` or a dot-walk `a.b.c` against the tables; throws naming the field and table. */
  function checkPath(t, path, method) {
    const parts = path.split('.');
    let current = t;
    for (let i = 0; i < parts.length; i++) {
      const col = current.cols[parts[i]];
      if (!col) throw fail(`${method}: the table ${current.name} has no field '${parts[i]}'`);
      if (i === parts.length - 1) break;
      const where = `${current.name}.${parts[i]}`;
      current = col.reference ? table(col.reference) : null;
      if (!current) throw fail(`${method}: ${where} is not a reference, so '${path}' cannot be dot-walked`);
    }
  }

  function fieldName(s, field, method) {
    const name = text(field, `${method}: the field name`);
    if (s.t) checkPath(s.t, name, method);
    return name;
  }

  /** One condition from addQuery/addOrCondition arguments: (encoded), (field, value) or (field, op, value). */
  function term(s, args, method) {
    if (args.length === 1) return text(args[0], `${method}: the encoded query`);
    const field = fieldName(s, args[0], method);
    let op = '=';
    let value = args[1];
    if (args.length >= 3) {
      const typed = text(args[1], `${method}: the operator`).trim().toUpperCase();
      op = OPERATORS[typed];
      if (!op) throw fail(`${method}: unknown operator '${typed}' for ${field} (use ${OPERATOR_LIST})`);
      value = args[2];
    }
    if (op === 'ISEMPTY' || op === 'ISNOTEMPTY') return field + op;
    if ((value === null || value === undefined) && (op === '=' || op === '!=')) {
      return field + (op === '=' ? 'ISEMPTY' : 'ISNOTEMPTY');
    }
    const what = `${method}: the value for ${field}`;
    const v =
      op === 'IN' || op === 'NOT IN' ? listText(value, what) : isEmpty(value) ? '' : valueText(value, what);
    if ((op === '<' || op === '>') && v.charAt(0) === '=')
      throw fail(`${method}: a value after ${op} cannot start with '='`);
    return field + op + escapeValue(v);
  }

  /** Conditions (OR binds tighter than AND), then the orders. */
  function encodedOf(s, withOrders) {
    let out = '';
    for (let i = 0; i < s.groups.length; i++) {
      let part = '';
      for (let j = 0; j < s.groups[i].length; j++) {
        if (s.groups[i][j] !== '') part += (part === '' ? '' : '^OR') + s.groups[i][j];
      }
      if (part !== '') out += (out === '' ? '' : '^') + part;
    }
    for (let i = 0; withOrders && i < s.orders.length; i++) out += (out === '' ? '' : '^') + s.orders[i];
    return out;
  }

  /** addQuery() and its kin: a new AND'ed group, returned as a condition that can OR more into it. */
  function addCondition(gr, args, method) {
    const s = recState(gr);
    const group = [term(s, args, `${s.cls}.${method}()`)];
    s.groups[s.groups.length] = group;
    const condition = create(GlideQueryCondition.prototype);
    conds.set(condition, { s, group });
    return condition;
  }

  class GlideQueryCondition {
    constructor() {
      throw new TypeErrorCtor('GlideQueryCondition cannot be created by a script: addQuery() returns one');
    }
    /** ORs a condition with this one: `a=1^ORb=2`. */
    addOrCondition(...args) {
      const c = conds.get(this);
      if (!c) throw new TypeErrorCtor('not a query condition');
      c.group[c.group.length] = term(c.s, args, `${c.s.cls}.addOrCondition()`);
      return this;
    }
  }

  // ── 5. GlideRecord and GlideRecordSecure ────────────────────────────────────────────────────
  function recState(gr) {
    const s = recs.get(gr);
    if (!s) throw new TypeErrorCtor('not a GlideRecord');
    return s;
  }

  /** The column `key` names on this record, unless a method or an own property of that name hides it. */
  function fieldOf(target, key) {
    const t = typeof key === 'string' ? recs.get(target).t : null;
    return t?.cols[key] && !(key in target) ? t.cols[key] : null;
  }

  /** A record is a Proxy over its methods, so `gr.number` is an element, assignment sets, for…in lists fields. */
  const recordHandler = {
    get(target, key, receiver) {
      if (!fieldOf(target, key)) return reflectGet(target, key, receiver);
      const s = recs.get(target);
      return makeElement(s.t, s.row, key, s.page, s.proxy);
    },
    set(target, key, value, receiver) {
      if (!fieldOf(target, key)) return reflectSet(target, key, value, receiver);
      setField(recs.get(target).proxy, key, value, null);
      return true;
    },
    has: (target, key) => fieldOf(target, key) !== null || key in target,
    ownKeys(target) {
      const t = recs.get(target).t;
      const keys = [];
      for (let i = 0; t && i < t.names.length; i++)
        if (fieldOf(target, t.names[i])) keys[keys.length] = t.names[i];
      const own = reflectOwnKeys(target);
      for (let i = 0; i < own.length; i++) keys[keys.length] = own[i];
      return keys;
    },
    getOwnPropertyDescriptor(target, key) {
      if (!fieldOf(target, key)) return reflectOwn(target, key);
      return { value: recordHandler.get(target, key), writable: true, enumerable: true, configurable: true };
    },
  };

  /** The rows of the last query (or get) and the position on them. */
  function resetRows(s, query, conditions) {
    s.queried = true;
    s.query = query;
    s.conditions = conditions;
    s.page = [];
    s.pos = -1;
    s.fetched = 0;
    s.exhausted = false;
    s.count = -1;
    s.row = null;
    s.isNew = false;
    s.pending = null;
  }

  function construct(Class, tableName) {
    const cls = Class === GlideRecordSecure ? 'GlideRecordSecure' : 'GlideRecord';
    const name = text(tableName, `${cls}: the table name`);
    const s = { cls, tableName: name, t: table(name), groups: [], orders: [], limit: -1, proxy: null };
    resetRows(s, '', '');
    s.queried = false;
    const target = create(Class.prototype);
    s.proxy = new ProxyCtor(target, recordHandler);
    recs.set(target, s);
    recs.set(s.proxy, s);
    return s.proxy;
  }

  function validTable(s) {
    if (!s.t) throw fail(`Invalid table name: ${s.tableName}`);
    return s.t;
  }

  /** Puts the record on the first of `rows`, as get() and getRefRecord() do. */
  function position(s, rows, query) {
    resetRows(s, query, query);
    s.page = rows;
    s.pos = rows.length > 0 ? 0 : -1;
    s.fetched = rows.length;
    s.count = rows.length;
    s.exhausted = true;
    s.row = rows.length > 0 ? asRow(rows[0]) : null;
  }

  /** The next rows: one select, unless a page size (config) or setLimit() asks for fewer. */
  function fetchPage(s) {
    let want = run.pageSize;
    if (s.limit >= 0) want = want > 0 ? min(want, s.limit - s.fetched) : s.limit - s.fetched;
    const rows = s.limit >= 0 && want <= 0 ? [] : select(s.t.name, s.query, want, s.fetched);
    s.page = rows;
    s.pos = -1;
    s.fetched += rows.length;
    s.exhausted = want <= 0 || rows.length < want || (s.limit >= 0 && s.fetched >= s.limit);
  }

  function runQuery(s, args) {
    if (args.length >= 2) addCondition(s.proxy, args, 'query');
    validTable(s);
    resetRows(s, encodedOf(s, true), encodedOf(s, false));
    fetchPage(s);
  }

  function next(s) {
    if (!s.queried) return false;
    if (s.pos + 1 >= s.page.length && !s.exhausted) fetchPage(s);
    s.pending = null;
    if (s.pos + 1 >= s.page.length) {
      s.row = null;
      return false;
    }
    s.pos += 1;
    s.row = asRow(s.page[s.pos]);
    s.isNew = false;
    return true;
  }

  function hasNext(s) {
    if (!s.queried) return false;
    if (s.pos + 1 >= s.page.length && !s.exhausted) fetchPage(s);
    return s.pos + 1 < s.page.length;
  }

  function get(s, args) {
    const t = validTable(s);
    let query;
    if (args.length >= 2) {
      const field = fieldName(s, args[0], `${s.cls}.get()`);
      const v = isEmpty(args[1]) ? '' : valueText(args[1], `${s.cls}.get(): the value`);
      query = v === '' ? `${field}ISEMPTY` : `${field}=${escapeValue(v)}`;
    } else {
      const id = isEmpty(args[0]) ? '' : valueText(args[0], `${s.cls}.get(): the sys_id`);
      if (id === '') return false;
      query = `${SYS_ID.test(id) ? 'sys_id' : t.displayField}=${escapeValue(id)}`;
    }
    position(s, select(t.name, query, 1, 0), query);
    return s.row !== null;
  }

  function setLimit(s, limit) {
    const n = typeof limit === 'number' ? limit : toNum(text(limit, `${s.cls}.setLimit(): the limit`));
    if (!(n >= 0)) throw fail(`${s.cls}.setLimit() takes a number of rows, not ${say(limit)}`);
    s.limit = floor(n);
  }

  function getRowCount(s) {
    if (!s.queried) return 0;
    if (s.count < 0 && s.exhausted) s.count = s.fetched;
    if (s.count < 0) {
      const total = callHost('count', `{"table":${q(s.t.name)},"query":${q(s.conditions)}}`);
      const n = typeof total === 'number' && total > 0 ? total : 0;
      s.count = s.limit >= 0 ? min(n, s.limit) : n;
    }
    return s.count;
  }

  /** The element at `path` (dot-walks included) of the current row, or null for an unknown field. */
  function elementAt(s, path) {
    const parts = text(path, `${s.cls}: the field name`).split('.');
    if (!s.t?.cols[parts[0]]) return null;
    let el = makeElement(s.t, s.row, parts[0], s.page, s.proxy);
    for (let i = 1; i < parts.length; i++) {
      const e = els.get(el);
      const rt = e.col.reference ? table(e.col.reference) : null;
      if (!rt?.cols[parts[i]]) return null;
      el = makeElement(rt, refRow(e), parts[i], null, null);
    }
    return el;
  }

  function getDisplayValue(s, field) {
    if (field === undefined) {
      const col = s.t ? s.t.cols[s.t.displayField] : null;
      return col && s.row ? elDisplay({ t: s.t, col, row: s.row, page: s.page, gr: s.proxy }) : '';
    }
    const el = elementAt(s, field);
    return el ? elDisplay(els.get(el)) : '';
  }

  function isValidField(s, field) {
    try {
      checkPath(validTable(s), text(field, 'the field'), 'isValidField()');
      return true;
    } catch {
      return false;
    }
  }

  const currentId = (s) => (s.row && !isEmpty(rawOf(s.row, 'sys_id')) ? toStr(s.row.sys_id) : null);
  const writes = (s) => s.t !== null && !run.clientCallable;

  // ── 5b. Writes: refused in a client-callable rule, else the `write` host op ───────────────────
  /** `method` is a GlideRecord method name, or the whole label ('GlideElement.setValue()'). */
  function writable(gr, method) {
    const s = recState(gr);
    if (run.clientCallable) {
      const what = method.indexOf('.') < 0 && method.indexOf(' ') < 0 ? `${s.cls}.${method}()` : method;
      const where = `the client-callable rule ${run.ruleName}`;
      throw fail(
        `${what} is not allowed in ${where}: writes belong in a non-client-callable function (see SPEC §8)`,
      );
    }
    validTable(s);
    return s;
  }

  function writeValue(value) {
    if (value === null || value === undefined) return null;
    if (els.has(value)) return elRaw(els.get(value)) ?? null;
    if (dates.has(value)) return formatDate(dates.get(value).ms);
    if (typeof value === 'string' || typeof value === 'boolean' || finite(value)) return value;
    return text(value, 'the value');
  }

  /** setValue(), element setValue() and field assignment (`method` null): a pending change for insert()/update(). */
  function setField(gr, field, value, method) {
    const s = recState(gr);
    const name = text(field, `${s.cls}.setValue(): the field name`);
    writable(gr, method || `Assigning ${s.cls}.${name}`);
    if (!s.t.cols[name]) throw fail(`${s.cls}.setValue(): the table ${s.t.name} has no field '${name}'`);
    const v = writeValue(value);
    if (!s.pending) {
      s.pending = create(null);
      if (s.row) s.row = newRow(objectKeys(s.row), s.row);
    }
    if (!s.row) {
      s.row = newRow(s.t.names, null);
      s.isNew = true;
    }
    s.row[name] = v;
    s.pending[name] = v;
  }

  function write(s, operation, sysId, pending) {
    let fields = '';
    const names = pending ? objectKeys(pending) : [];
    for (let i = 0; i < names.length; i++) {
      const v = pending[names[i]];
      fields += `${i > 0 ? ',' : ''}${q(names[i])}:${v === null ? 'null' : typeof v === 'string' ? q(v) : toStr(v)}`;
    }
    const id = sysId === null ? '' : `,"sysId":${q(sysId)}`;
    return callHost('write', `{"table":${q(s.t.name)},"operation":"${operation}"${id},"fields":{${fields}}}`);
  }

  function insert(s) {
    const id = write(s, 'insert', null, s.pending);
    if (!s.row) s.row = newRow(s.t.names, null);
    if (typeof id === 'string') s.row.sys_id = id;
    s.isNew = false;
    s.pending = null;
    return id;
  }

  function update(s) {
    const id = currentId(s);
    if (s.isNew || id === null) return insert(s);
    const result = write(s, 'update', id, s.pending);
    s.pending = null;
    return result;
  }

  function startNew(s) {
    s.row = newRow(s.t.names, null);
    s.isNew = true;
    s.pending = create(null);
  }

  /** deleteMultiple/updateMultiple: every record the conditions match. */
  function writeEach(s, operation) {
    const pending = s.pending;
    runQuery(s, []);
    const ids = [];
    for (;;) {
      for (let i = 0; i < s.page.length; i++) {
        if (!isEmpty(rawOf(asRow(s.page[i]), 'sys_id'))) ids[ids.length] = toStr(s.page[i].sys_id);
      }
      if (s.exhausted) break;
      fetchPage(s);
    }
    resetRows(s, s.query, s.conditions);
    s.exhausted = true;
    for (let i = 0; i < ids.length; i++) write(s, operation, ids[i], operation === 'delete' ? null : pending);
  }

  class GlideRecord {
    constructor(table) {
      // biome-ignore lint/correctness/noConstructorReturn: a record is a Proxy (fields read as elements), see recordHandler
      return construct(new.target, table);
    }
    addQuery(...args) {
      return addCondition(this, args, 'addQuery');
    }
    addEncodedQuery(query) {
      const s = recState(this);
      const encoded = text(query, `${s.cls}.addEncodedQuery(): the query`);
      if (encoded !== '') s.groups[s.groups.length] = [encoded];
    }
    addActiveQuery() {
      return addCondition(this, ['active', true], 'addActiveQuery');
    }
    addNullQuery(field) {
      return addCondition(this, [field, 'ISEMPTY', ''], 'addNullQuery');
    }
    addNotNullQuery(field) {
      return addCondition(this, [field, 'ISNOTEMPTY', ''], 'addNotNullQuery');
    }
    orderBy(field) {
      const s = recState(this);
      s.orders[s.orders.length] = `ORDERBY${fieldName(s, field, `${s.cls}.orderBy()`)}`;
    }
    orderByDesc(field) {
      const s = recState(this);
      s.orders[s.orders.length] = `ORDERBYDESC${fieldName(s, field, `${s.cls}.orderByDesc()`)}`;
    }
    setLimit(limit) {
      setLimit(recState(this), limit);
    }
    query(...args) {
      runQuery(recState(this), args);
    }
    _query(...args) {
      runQuery(recState(this), args);
    }
    next() {
      return next(recState(this));
    }
    _next() {
      return next(recState(this));
    }
    hasNext() {
      return hasNext(recState(this));
    }
    get(...args) {
      return get(recState(this), args);
    }
    getValue(field) {
      const el = elementAt(recState(this), field);
      return el ? elValue(els.get(el)) : null;
    }
    getDisplayValue(field) {
      return getDisplayValue(recState(this), field);
    }
    getElement(field) {
      return elementAt(recState(this), field);
    }
    /** Every field of the table as an element (ServiceNow's getElements()): rules loop over a table's columns with it. */
    getElements() {
      const s = recState(this);
      const t = validTable(s);
      return Object.keys(t.cols).map((name) => elementAt(s, name));
    }
    getUniqueValue() {
      return currentId(recState(this));
    }
    getRowCount() {
      return getRowCount(recState(this));
    }
    getTableName() {
      return recState(this).tableName;
    }
    getRecordClassName() {
      const s = recState(this);
      return isEmpty(rawOf(s.row, 'sys_class_name')) ? s.tableName : toStr(s.row.sys_class_name);
    }
    getLabel() {
      const s = recState(this);
      return s.t ? s.t.label : s.tableName;
    }
    getEncodedQuery() {
      return encodedOf(recState(this), true);
    }
    isValid() {
      return recState(this).t !== null;
    }
    isValidRecord() {
      const s = recState(this);
      return s.row !== null && !s.isNew;
    }
    isNewRecord() {
      return recState(this).isNew;
    }
    isValidField(field) {
      return isValidField(recState(this), field);
    }
    canRead() {
      return recState(this).t !== null;
    }
    canWrite() {
      return writes(recState(this));
    }
    canCreate() {
      return writes(recState(this));
    }
    canDelete() {
      return writes(recState(this));
    }
    /** Accepted and ignored. */
    setWorkflow() {
      recState(this);
    }
    /** Accepted and ignored. */
    autoSysFields() {
      recState(this);
    }
    initialize() {
      startNew(writable(this, 'initialize'));
    }
    newRecord() {
      startNew(writable(this, 'newRecord'));
    }
    setValue(field, value) {
      setField(this, field, value, 'setValue');
    }
    insert() {
      return insert(writable(this, 'insert'));
    }
    update() {
      return update(writable(this, 'update'));
    }
    deleteRecord() {
      const s = writable(this, 'deleteRecord');
      return s.isNew || currentId(s) === null ? false : write(s, 'delete', currentId(s), null);
    }
    deleteMultiple() {
      writeEach(writable(this, 'deleteMultiple'), 'delete');
    }
    updateMultiple() {
      writeEach(writable(this, 'updateMultiple'), 'update');
    }
    get [Symbol.toStringTag]() {
      return 'GlideRecord';
    }
  }

  class GlideRecordSecure extends GlideRecord {}

  // ── 6. gs and GlideDateTime ──────────────────────────────────────────────────────────────────
  function formatDate(ms) {
    if (!finite(ms)) return '';
    const iso = isoString(new DateCtor(ms));
    return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  }

  function parseDate(value) {
    const s = valueText(value, 'GlideDateTime: the date');
    const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2})?))?/.exec(s);
    const ms = m ? dateParse(`${m[1]}T${m[2] || '00:00:00'}Z`) : Number.NaN;
    if (!finite(ms)) throw fail(`GlideDateTime: '${s}' is not a date and time (YYYY-MM-DD HH:MM:SS)`);
    return ms;
  }

  /** gs.info('x {0} {1}', a, b) */
  function format(message, params) {
    const s = say(message);
    if (params.length === 0) return s;
    return s.replace(/\{(\d+)\}/g, (whole, n) => (n < params.length ? say(params[n]) : whole));
  }

  class GlideSystem {
    log(message, source) {
      log('info', isEmpty(source) ? say(message) : `${say(source)}: ${say(message)}`);
    }
    print(message) {
      log('info', say(message));
    }
    info(message, ...params) {
      log('info', format(message, params));
    }
    warn(message, ...params) {
      log('warn', format(message, params));
    }
    error(message, ...params) {
      log('error', format(message, params));
    }
    debug(message, ...params) {
      log('debug', format(message, params));
    }
    nowDateTime() {
      return formatDate(run.nowMs);
    }
    now() {
      return formatDate(run.nowMs).slice(0, 10);
    }
    getProperty(_name, fallback) {
      return fallback === undefined ? null : fallback;
    }
    nil(value) {
      return isEmpty(value) || (els.has(value) && isEmpty(elRaw(els.get(value))));
    }
  }

  const dateOf = (gdt) => {
    const d = dates.get(gdt);
    if (!d) throw new TypeErrorCtor('not a GlideDateTime');
    return d.ms;
  };

  class GlideDateTime {
    constructor(value) {
      const from = dates.get(value);
      dates.set(this, { ms: from ? from.ms : isEmpty(value) ? run.nowMs : parseDate(value) });
    }
    getValue() {
      return formatDate(dateOf(this));
    }
    getDisplayValue() {
      return formatDate(dateOf(this));
    }
    toString() {
      return formatDate(dateOf(this));
    }
    getNumericValue() {
      return dateOf(this);
    }
  }

  // ── 7. $runtime: begin and finish ───────────────────────────────────────────────────────────
  /**
   * JSON text of a value that crosses to or from the privileged service (SPEC §8: by copy, JSON values
   * only). JSON.stringify would silently drop a function or turn a record into {}; this refuses them,
   * and cycles, naming where in the value the problem is. Only plain objects and arrays are walked.
   */
  function strictJson(value, what) {
    const seen = [];
    const walk = (v, path, depth) => {
      if (v === null || typeof v === 'boolean' || typeof v === 'string') return jsonStringify(v);
      if (typeof v === 'number') {
        if (!finite(v)) throw fail(`${what} must be JSON values: ${path || 'the value'} is ${toStr(v)}`);
        return jsonStringify(v);
      }
      if (v === undefined) return 'null';
      if (typeof v !== 'object')
        throw fail(`${what} must be JSON values: ${path || 'the value'} is a ${typeof v}`);
      if (depth > 64) throw fail(`${what} must be JSON values: ${path} is nested too deeply`);
      if (seen.includes(v))
        throw fail(`${what} must be JSON values: ${path || 'the value'} refers to itself`);
      const proto = getPrototypeOf(v);
      const array = isArray(v) && proto === ArrayProto;
      if (!array && proto !== ObjectProto && proto !== null) {
        const kind = recs.has(v)
          ? 'a GlideRecord'
          : els.has(v)
            ? 'a GlideElement'
            : 'an object that is not plain';
        throw fail(
          `${what} must be JSON values: ${path || 'the value'} is ${kind} (pass its values, e.g. getValue())`,
        );
      }
      seen.push(v);
      let out;
      if (array) {
        const parts = [];
        for (let i = 0; i < v.length; i++) parts.push(walk(v[i], `${path}[${i}]`, depth + 1));
        out = `[${parts.join(',')}]`;
      } else {
        const parts = [];
        const names = objectKeys(v);
        for (let i = 0; i < names.length; i++) {
          const item = v[names[i]];
          if (item === undefined) continue;
          parts.push(
            `${jsonStringify(names[i])}:${walk(item, path ? `${path}.${names[i]}` : names[i], depth + 1)}`,
          );
        }
        out = `{${parts.join(',')}}`;
      }
      seen.pop();
      return out;
    };
    return walk(value, '', 0);
  }

  /** A non-client-callable rule as a global function: runs in the privileged service (SPEC §8). */
  function privileged(name) {
    return (...args) =>
      callHost('call', `{"name":${q(name)},"args":${strictJson(args, `${name}(): arguments`)}}`);
  }

  function begin(configJson, tablesJson) {
    const config = jsonParse(text(configJson, 'config'));
    // A context may serve many runs (driver.ts): no row an earlier run read is kept, and table
    // descriptions only while the host's dictionary is the same (tablesToken; 0: forget them).
    mapClear(refRows);
    mapClear(givenReads);
    run.givenLeft = 0;
    run.reads = 0;
    run.taken = '';
    const token = typeof config.tablesToken === 'number' ? config.tablesToken : 0;
    if (token === 0 || token !== run.tablesToken) mapClear(tables);
    run.tablesToken = token;
    run.ruleName = typeof config.ruleName === 'string' ? config.ruleName : '';
    run.clientCallable = config.clientCallable !== false;
    // Descriptions of the tables this rule used in its earlier runs, sent with the start so that
    // a GlideRecord on them needs no describe call (host.ts); any other table is asked as before.
    const sent = typeof tablesJson === 'string' ? jsonParse(tablesJson) : config.tables;
    const given = sent !== null && typeof sent === 'object' ? sent : null;
    if (given) {
      const tableNames = objectKeys(given);
      for (let i = 0; i < tableNames.length; i++) {
        const d = given[tableNames[i]];
        mapSet(
          tables,
          tableNames[i],
          d !== null && typeof d === 'object' && isArray(d.columns) ? makeTable(tableNames[i], d) : null,
        );
      }
    }
    const now = typeof config.now === 'string' ? dateParse(config.now) : Number.NaN;
    run.nowMs = finite(now) ? now : dateNow();
    run.pageSize = typeof config.pageSize === 'number' && config.pageSize >= 1 ? floor(config.pageSize) : 0;
    run.maxRows = typeof config.maxRows === 'number' && config.maxRows >= 1 ? floor(config.maxRows) : 0;
    const ahead = run.maxRows > 0 && isArray(config.given) ? config.given : [];
    for (let i = 0; i < ahead.length; i++) {
      const read = ahead[i];
      if (read === null || typeof read !== 'object' || typeof read.key !== 'string' || !isArray(read.rows))
        continue;
      if (!mapHas(givenReads, read.key)) run.givenLeft += 1;
      mapSet(givenReads, read.key, read.rows);
    }
    const standard = isArray(config.standardParams) ? config.standardParams : STANDARD_PARAMS;
    for (let i = 0; i < standard.length; i++) {
      if (typeof standard[i] === 'string' && PARAM_NAME.test(standard[i])) G[standard[i]] = null;
    }
    const params = config.params !== null && typeof config.params === 'object' ? config.params : {};
    const names = objectKeys(params);
    for (let i = 0; i < names.length; i++) {
      if (PARAM_NAME.test(names[i]))
        G[names[i]] = isEmpty(params[names[i]]) ? (params[names[i]] ?? null) : toStr(params[names[i]]);
    }
    G.answer = null;
    // A privileged call (SPEC §8): the function of the rule's name gets these arguments, and its
    // return value goes back to the caller as JSON.
    run.args = isArray(config.args) ? config.args : [];
    run.wantResult = config.wantResult === true;
    const functions = isArray(config.functions) ? config.functions : [];
    for (let i = 0; i < functions.length; i++) {
      const name = functions[i];
      if (typeof name === 'string' && IDENTIFIER.test(name) && !(name in G))
        define(G, { [name]: privileged(name) });
    }
  }

  function readAnswer(scope) {
    try {
      // The driver's wrapper: `answer` as the rule's own code sees it (a top-level var, let or const
      // of the script, else the global).
      if (scope) return scope.answer();
      // The rule's global `answer` (begin() defines it), or a top-level let/const of the script.
      return answer;
    } catch (error) {
      // Only "answer is not defined" (a script that deleted it); a getter's own error is the rule's.
      if (error instanceof ReferenceErrorCtor) return undefined;
      throw error;
    }
  }

  /** The function named like the rule: a global function, or a top-level let/const/class of the script. */
  function ruleFunction(scope) {
    if (scope) return scope.ruleFunction;
    const name = run.ruleName;
    if (!IDENTIFIER.test(name)) return undefined;
    if (G[name] !== undefined) return G[name];
    try {
      return indirectEval(`typeof ${name} === 'function' ? ${name} : undefined`);
    } catch {
      return undefined;
    }
  }

  function answerJson(value) {
    let answer = null;
    let type = value === null ? 'null' : typeof value;
    if (type === 'string') answer = value;
    else if (type === 'number' || type === 'bigint') {
      answer = toStr(value);
      type = 'number';
    } else if (type === 'symbol') type = 'object';
    else if (type === 'object' && els.has(value)) answer = elString(els.get(value));
    else if (type === 'object' && dates.has(value)) answer = formatDate(dates.get(value).ms);
    else if (type === 'object' && !isArray(value)) {
      const own = value.toString;
      answer = typeof own === 'function' && own !== objectToString ? toStr(value) : null;
    }
    return `{"answer":${answer === null ? 'null' : q(answer)},"answerType":"${type}"}`;
  }

  /** Whatever a rule threw, as a fresh Error of a built-in class holding strings only. */
  function cleanError(thrown) {
    let name = 'Error';
    let message;
    let stack;
    try {
      if (thrown instanceof ErrorCtor) {
        message = thrown.message;
        if (typeof thrown.name === 'string') name = thrown.name;
        if (typeof thrown.stack === 'string') stack = thrown.stack;
      } else message = toStr(thrown);
      if (typeof message !== 'string') message = toStr(message);
    } catch {
      message = 'the rule threw a value that cannot be shown';
    }
    const Class = hasOwn(ERROR_CLASSES, name) ? ERROR_CLASSES[name] : ErrorCtor;
    const error = new Class(message);
    if (Class === ErrorCtor && name !== 'Error')
      defineProperty(error, 'name', { value: name, configurable: true });
    if (stack !== undefined)
      defineProperty(error, 'stack', { value: stack, writable: true, configurable: true });
    return error;
  }

  /** `scope`: what the driver's wrapper of the script gives back, `{answer(), ruleFunction}`; absent when the script ran as a classic script. */
  function finish(scope) {
    try {
      let value = readAnswer(scope);
      let returned;
      const fn = ruleFunction(scope);
      if (typeof fn === 'function') {
        returned = fn(...run.args);
        value = readAnswer(scope);
        if (value === null || value === undefined) value = returned;
      }
      if (run.wantResult) {
        const result = strictJson(
          returned === undefined ? value : returned,
          `the result of ${run.ruleName}()`,
        );
        return `{"answer":null,"answerType":"null","result":${result}}`;
      }
      return answerJson(value);
    } catch (thrown) {
      throw cleanError(thrown);
    }
  }

  // ── 8. Globals ────────────────────────────────────────────────────────────────────────────────
  /** ServiceNow's JSUtil, which old scripts call for their null checks. */
  class JSUtilClass {
    nil(value) {
      return isEmpty(value) || (els.has(value) && isEmpty(elRaw(els.get(value))));
    }
    notNil(value) {
      return !this.nil(value);
    }
    has(value) {
      return !this.nil(value);
    }
    doesNotHave(value) {
      return this.nil(value);
    }
  }

  define(G, {
    GlideRecord,
    GlideRecordSecure,
    GlideElement,
    // A global, as on the original platform, and so that a locked context hardens it with the rest
    // of the API (driver.ts seal() hardens what globals reach): unreachable from any global, its
    // prototype, addOrCondition and class stayed writable, and what one run set on them (reached from
    // a condition it made) the next run saw (test/sandbox/property-isolation.test.ts).
    GlideQueryCondition,
    GlideDateTime,
    gs: new GlideSystem(),
    JSUtil: new JSUtilClass(),
  });
  /** The given reads this run took (begin's `given`), for the host's trace: '' when none. */
  function taken() {
    return run.taken === '' ? '' : `[${run.taken}]`;
  }

  defineProperty(G, '$runtime', { value: freeze({ begin, finish, taken }), configurable: true });
})();
