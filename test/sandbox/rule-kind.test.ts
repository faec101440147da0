/** Which rules run in the shared, locked context and which get an open one (server/sandbox/rule-kind.ts). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { needsOpenContext, needsOpenContextFor } from '../../server/sandbox/rule-kind.ts';

describe('the kind of context a rule runs in', () => {
  it.each([
    'String.prototype.trim = function () { return this; };',
    'var p = [].__proto__;',
    "Object.defineProperty(globalThis, 'x', { value: 1 });",
    'Object.setPrototypeOf(a, b);',
    'var F = this.constructor.constructor;',
    'Error.stackTraceLimit = 50;',
    'if (/(\\d+)/.test(x)) id = RegExp.$1;',
    "var s = RegExp['$1'];",
    'a.__defineGetter__("x", f);',
    'var n = "\\u0070rototype";',
  ])('gives an open context to %s', (script) => {
    expect(needsOpenContext(script)).toBe(true);
  });

  it('runs the shipped rules and ordinary GlideRecord scripts in the shared context', () => {
    for (const file of ['CTIProcessing.js', 'ctiRecordTaskCall.js']) {
      const script = readFileSync(new URL(`../../rules/${file}`, import.meta.url), 'utf8');
      expect(needsOpenContext(script), file).toBe(false);
    }
    expect(
      needsOpenContext(
        "var gr = new GlideRecord('incident'); gr.addActiveQuery(); gr.query(); answer = gr.getRowCount() + '';",
      ),
    ).toBe(false);
  });

  it('remembers the answer per rule version', () => {
    expect(needsOpenContextFor('R\u00001\u0000a', 'Array.prototype.x = 1;')).toBe(true);
    // The key names the version: the same key is the same script.
    expect(needsOpenContextFor('R\u00001\u0000a', 'answer = 1;')).toBe(true);
    expect(needsOpenContextFor('R\u00002\u0000b', 'answer = 1;')).toBe(false);
  });
});
