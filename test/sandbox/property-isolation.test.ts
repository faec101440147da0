/**
 * Property (SPEC §7, "no state of one run is visible to another"): whatever a random program changes
 * of the built-ins, the runtime and the global object (property-world.ts), in a locked or an open
 * context, the next runs see a clean world: a probe rule in each kind of context, and the same
 * program run again. One isolate, so the runs share its contexts as production runs do.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SandboxErrorCode } from '../../server/sandbox/errors.ts';
import { needsOpenContext } from '../../server/sandbox/rule-kind.ts';
import type { RunLog, RunResult, SandboxHost } from '../../server/sandbox/types.ts';
import { rule, show, TEST_LIMITS, testHost } from './fixtures.ts';
import { problemsOf } from './property-checks.ts';
import { mutator, PROBE } from './property-world.ts';

const OPEN_PROBE = `// prototype\n${PROBE}`;
const PROBE_PARAMS = { sysparm_caller_id: 'probe' };
/** The mutator's first run gets parameters of its own, which no later run may see. */
const MUTATOR_PARAMS = { sysparm_caller_id: 'mutator', sysparm_query: 'mutated', sysparm_secret: 'stash' };

/** A program that breaks what it needs fails, or sets no answer, or a strange one; it breaks no limit. */
const MUTATOR_CODES: SandboxErrorCode[] = ['RULE_ERROR', 'NO_ANSWER', 'BAD_ANSWER'];

let host: SandboxHost;
/** What a probe logs in a clean world, in a locked and in an open context. */
const clean = { locked: [] as RunLog[], open: [] as RunLog[] };

/**
 * One isolate, so the runs share its contexts. The fingerprint is a heavy rule (a few ms, more when
 * V8 collects during it): a CPU limit it never meets keeps this property about isolation only.
 */
const isolatedHost = () => testHost({ isolates: 1, limits: { ...TEST_LIMITS, cpuMs: 1000 } });

beforeAll(async () => {
  host = isolatedHost();
  expect(needsOpenContext(PROBE)).toBe(false);
  expect(needsOpenContext(OPEN_PROBE)).toBe(true);
  for (const [kind, script] of [
    ['locked', PROBE],
    ['open', OPEN_PROBE],
  ] as const) {
    const result = await host.run(rule(script, 'Probe'), PROBE_PARAMS);
    expect(result.answer, show(result)).toBe('/probe');
    clean[kind] = result.logs;
  }
});
afterAll(async () => {
  await host.close();
});

/** The probe's lines that differ from the clean world's: the objects a run left changed. */
function changed(logs: RunLog[], kind: 'locked' | 'open'): string[] {
  const lines = (list: RunLog[]) => list.map((log) => log.message);
  const want = lines(clean[kind]);
  const got = lines(logs).slice(0, want.length);
  return got.length < want.length
    ? [`${want.length - got.length} lines missing`]
    : got.filter((line, i) => line !== want[i]);
}

async function probe(kind: 'locked' | 'open'): Promise<RunResult> {
  const result = await host.run(rule(kind === 'locked' ? PROBE : OPEN_PROBE, 'Probe'), PROBE_PARAMS);
  expect(changed(result.logs, kind), show(result)).toEqual([]);
  expect(result.answer, show(result)).toBe('/probe');
  return result;
}

let version = 0;
/**
 * A failed check may leave the world changed for every later run, and then fast-check could not
 * shrink the failure: each smaller program would fail too. So after a failure the next program
 * gets a fresh host; programs that pass share one.
 */
let polluted = false;

const isolation = fc
  .asyncProperty(mutator, async ({ script, open }) => {
    try {
      expect(needsOpenContext(script)).toBe(open);
      version += 1;
      const mutating = rule(script, 'Mutator', version);
      const first = await host.run(mutating, MUTATOR_PARAMS);
      expect(problemsOf(first, script, MUTATOR_CODES, 'Mutator'), show(first)).toEqual([]);

      await probe('locked');
      await probe('open');
      // The same rule again: its fingerprint, taken before it changes anything, is clean too.
      const again = await host.run(mutating, PROBE_PARAMS);
      expect(changed(again.logs, open ? 'open' : 'locked'), show(again)).toEqual([]);
    } catch (error) {
      polluted = true;
      throw error;
    }
  })
  .beforeEach(async (previous) => {
    await previous();
    if (!polluted) return;
    await host.close();
    host = isolatedHost();
    polluted = false;
  });

it('runs after a program that changes the world see a clean one, in every kind of context', async () => {
  await fc.assert(isolation, { numRuns: 100 });
});

it('a query condition, its method and its class are no place to leave something for the next run', async () => {
  // Found by the property above: GlideQueryCondition was reachable from no global, so a locked
  // context never hardened it.
  const stash = await host.run(
    rule(
      "var c = new GlideRecord('sys_user').addQuery('name', 'x'); Reflect['getProto' + 'typeOf'](c).stash = 1; c.addOrCondition.stash = 2; c['constr' + 'uctor'].stash = 3; answer = '/stashed';",
    ),
    {},
  );
  expect(stash.answer, show(stash)).toBe('/stashed');
  const look = await host.run(
    rule(
      "var c = new GlideRecord('sys_user').addQuery('name', 'x'); answer = '/look?' + [c.stash, c.addOrCondition.stash, c['constr' + 'uctor'].stash].join();",
      'Look',
    ),
    {},
  );
  expect(look.answer, show(look)).toBe('/look?,,');
  await probe('locked');
});
