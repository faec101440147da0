/**
 * For the cross-run isolation property: a FINGERPRINT of everything a rule could change for the
 * next one (the built-ins, their prototypes and hidden intrinsics, the runtime's API, the global
 * object and its prototype chain), logged one line per object, and random programs that try to
 * change all of it. The fingerprint names no prototype, so a rule made of it runs in the shared,
 * locked context (rule-kind.ts); `// prototype` in front of a script sends it to an open one.
 */
import fc from 'fast-check';

/** Names and expressions of the objects fingerprinted and mutated; the expressions use FINGERPRINT's vars. */
const TARGETS: [name: string, expression: string][] = [
  ['Object', 'Object'],
  ['Object.p', 'Object[P]'],
  ['Array', 'Array'],
  ['Array.p', 'Array[P]'],
  ['String.p', 'String[P]'],
  ['Number.p', 'Number[P]'],
  ['Boolean.p', 'Boolean[P]'],
  ['Symbol', 'Symbol'],
  ['Symbol.p', 'Symbol[P]'],
  ['Function', 'Function'],
  ['Function.p', 'Function[P]'],
  ['Error', 'Error'],
  ['Error.p', 'Error[P]'],
  ['TypeError.p', 'TypeError[P]'],
  ['Date', 'Date'],
  ['Date.p', 'Date[P]'],
  ['RegExpCtor', 'protoOf(/a/)[C]'],
  ['RegExpProto', 'protoOf(/a/)'],
  ['Map.p', 'Map[P]'],
  ['Set.p', 'Set[P]'],
  ['Promise', 'Promise'],
  ['Promise.p', 'Promise[P]'],
  ['BigInt.p', 'BigInt[P]'],
  ['JSON', 'JSON'],
  ['Math', 'Math'],
  ['Reflect', 'Reflect'],
  ['Intl', 'Intl'],
  ['TypedArray', 'protoOf(Int8Array)'],
  ['TypedArray.p', 'protoOf(Int8Array)[P]'],
  ['Generator', 'protoOf(function* () {})'],
  ['AsyncFunction.p', 'protoOf(async function () {})'],
  ['ArrayIterator', 'protoOf([][Symbol.iterator]())'],
  ['Iterator.p', 'protoOf(protoOf([][Symbol.iterator]()))'],
  ['globalThis', 'globalThis'],
  ['global.proto', 'protoOf(globalThis)'],
  ['GlideRecord', 'GlideRecord'],
  ['GlideRecord.p', 'GlideRecord[P]'],
  ['GlideRecordSecure.p', 'GlideRecordSecure[P]'],
  ['GlideElement.p', 'GlideElement[P]'],
  ['GlideDateTime.p', 'GlideDateTime[P]'],
  ['condition.p', "protoOf(new GlideRecord('sys_user').addQuery('name', 'x'))"],
  ['gs', 'gs'],
  ['gs.proto', 'protoOf(gs)'],
  ['JSUtil', 'JSUtil'],
];

/**
 * Logs one line per target (its prototype, extensibility and every own property: the kind of value
 * or accessor, a hash of a function's source, the attributes), then one line of behaviour: the
 * built-ins and the runtime at work, and the run's parameters.
 */
export const FINGERPRINT = `var P = 'proto' + 'type', C = 'constr' + 'uctor', DP = 'define' + 'Property', SP = 'setProto' + 'typeOf';
var protoOf = Reflect['getProto' + 'typeOf'], own = Reflect.ownKeys, descriptor = Reflect.getOwnPropertyDescriptor;
var fnText = Function[P].toString;
function hash(s) { var h = 5381; for (var i = 0; i < s.length; i++) h = (Math.imul(h, 33) + s.charCodeAt(i)) | 0; return (h >>> 0).toString(36); }
function shown(v) {
  var t = typeof v;
  if (t === 'function') { var src; try { src = fnText.call(v); } catch (e) { src = '!'; } return 'f' + hash(src) + '/' + own(v).length; }
  if (t === 'object') return v === null ? 'null' : 'o' + own(v).length + (Object.isFrozen(v) ? 'F' : '');
  if (t === 'symbol') return String(v);
  return t + ':' + String(v).slice(0, 24);
}
var targets = [${TARGETS.map(([name, expression]) => `['${name}', ${expression}]`).join(', ')}];
function nameOf(v) {
  if (v === null) return 'null';
  for (var i = 0; i < targets.length; i++) if (targets[i][1] === v) return targets[i][0];
  return 'another';
}
for (var i = 0; i < targets.length; i++) {
  var o = targets[i][1], keys = own(o), parts = [];
  for (var j = 0; j < keys.length; j++) {
    var d = descriptor(o, keys[j]);
    parts.push(String(keys[j]) + '=' + ('value' in d ? shown(d.value) : 'get:' + shown(d.get) + ',set:' + shown(d.set)) +
      (d.writable ? 'w' : '') + (d.enumerable ? 'e' : '') + (d.configurable ? 'c' : ''));
  }
  parts.sort();
  gs.info(targets[i][0] + ' <' + nameOf(protoOf(o)) + (Object.isExtensible(o) ? '' : ',closed') + '> ' + parts.join(' '));
}
var u = new GlideRecord('sys_user'); u.get('sys_id', 'u1');
gs.info('behaviour ' + [JSON.stringify({ a: [1, 'x'] }), JSON.parse('[2]')[0], Math.max(1, 3), [3, 1, 2].sort().join('-'),
  'aB'.toUpperCase(), (1.25).toFixed(1), String(u.name), u.getValue('active'), u.getRowCount(), new Date(0).toISOString(),
  /a(b)/.exec('xab')[1], Object.keys({ k: 1 }).join(), ({}).toString(), [].concat([1], 2).length, 'x'.trim(),
  typeof Promise.resolve, typeof sysparm_secret, sysparm_caller_id, sysparm_query, answer === null].join('|'));
`;

export const PROBE = `${FINGERPRINT}answer = '/probe';`;

const targetOf = fc.constantFrom(...TARGETS.map(([, expression]) => expression));

const KEYS = [
  "'polluted'",
  "'toString'",
  "'valueOf'",
  "'toJSON'",
  "'then'",
  "'get'",
  "'value'",
  "'length'",
  "'name'",
  "'push'",
  "'join'",
  "'trim'",
  "'parse'",
  "'stringify'",
  "'max'",
  "'query'",
  "'next'",
  "'addQuery'",
  "'getValue'",
  "'info'",
  "'nil'",
  "'answer'",
  "'sysparm_caller_id'",
  "'__pro' + 'to__'",
  'C',
  'P',
  'Symbol.iterator',
  'Symbol.toPrimitive',
  'Symbol.toStringTag',
];
const keyOf = fc.constantFrom(...KEYS);

const valueSource = fc.constantFrom(
  '1',
  'null',
  'undefined',
  "'poisoned'",
  "function () { return 'poisoned'; }",
  "function () { throw new Error('poisoned'); }",
  '{}',
  '[]',
  "Symbol('poisoned')",
);

const GLOBAL_NAMES = [
  "'stash'",
  "'answer'",
  "'sysparm_caller_id'",
  "'gs'",
  "'GlideRecord'",
  "'JSON'",
  "'Math'",
];

/** One change to a built-in, the runtime or the global object. */
const mutation: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(targetOf, keyOf, valueSource).map(([t, k, v]) => `${t}[${k}] = ${v}`),
  fc.tuple(targetOf, keyOf, keyOf, valueSource).map(([t, k, k2, v]) => `${t}[${k}][${k2}] = ${v}`),
  fc.tuple(targetOf, keyOf).map(([t, k]) => `delete ${t}[${k}]`),
  fc
    .tuple(targetOf, keyOf, valueSource)
    .map(([t, k, v]) => `Object[DP](${t}, ${k}, { get: function () { return ${v}; }, configurable: true })`),
  fc
    .tuple(targetOf, keyOf, valueSource)
    .map(([t, k, v]) => `Object[DP](${t}, ${k}, { value: ${v}, writable: false, enumerable: true })`),
  fc
    .tuple(fc.constantFrom('freeze', 'seal', 'preventExtensions'), targetOf)
    .map(([how, t]) => `Object.${how}(${t})`),
  fc
    .tuple(targetOf, fc.constantFrom('null', '{ polluted: 1 }', 'Object[P]'))
    .map(([t, p]) => `Object[SP](${t}, ${p})`),
  fc.tuple(targetOf, valueSource).map(([t, v]) => `Object.assign(${t}, { polluted: ${v}, stash: 1 })`),
  // The global object: implicit globals, `this`, replaced and deleted globals, the answer and parameters
  valueSource.map((v) => `stash = ${v}`),
  valueSource.map((v) => `this.stash = ${v}`),
  fc.tuple(fc.constantFrom(...GLOBAL_NAMES), valueSource).map(([k, v]) => `globalThis[${k}] = ${v}`),
  fc.constantFrom(...GLOBAL_NAMES).map((k) => `delete globalThis[${k}]`),
  fc
    .tuple(fc.constantFrom(...GLOBAL_NAMES), valueSource)
    .map(([k, v]) => `Object[DP](globalThis, ${k}, { value: ${v}, writable: false, configurable: false })`),
  fc.constantFrom(
    "sysparm_caller_id = 'stolen'",
    "sysparm_fresh = 'stolen'",
    'gs = {}',
    'JSON = {}',
    'GlideRecord = function () {}',
    "Error['stackTrace' + 'Limit'] = 0",
    "Error['prepareStack' + 'Trace'] = function () { return 'poisoned'; }",
  ),
);

/** A change made now or in a promise callback, which runs after the answer is taken. */
const step = fc
  .tuple(mutation, fc.boolean())
  .map(([code, later]) =>
    later
      ? `Promise.resolve().then(function () { try { ${code}; } catch (e) {} });`
      : `try { ${code}; } catch (e) {}`,
  );

export type Mutator = { script: string; open: boolean };

/** The fingerprint first (what this rule sees of earlier runs), then the changes, in a locked or an open context. */
export const mutator: fc.Arbitrary<Mutator> = fc
  .record({
    steps: fc.array(step, { minLength: 1, maxLength: 8 }),
    // Mostly locked: an open context serves one run only, the shared one is where a leak would be.
    open: fc.constantFrom(false, false, false, true),
    answers: fc.boolean(),
  })
  .map(({ steps, open, answers }) => ({
    script: `${open ? '// prototype\n' : ''}${FINGERPRINT}${steps.join('\n')}\n${answers ? "answer = '/mutated';" : ''}`,
    open,
  }));
