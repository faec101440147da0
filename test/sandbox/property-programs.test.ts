/**
 * Property: a random rule program (property-programs.ts) on the real record reader ends with a
 * documented outcome and a clear message, shows nothing of the host or of its system tables that
 * the rule did not write itself, never reads a system table, and leaves the isolate pool serving:
 * a normal rule run right after it answers correctly.
 */
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { createRecordReader } from '../../server/records/reader.ts';
import type { SandboxErrorCode } from '../../server/sandbox/errors.ts';
import type { SandboxHost } from '../../server/sandbox/types.ts';
import { DEMO_USERS } from '../../server/seed/demo-fixtures.ts';
import { describeEachDatabase } from '../helpers/database.ts';
import { rule, show, testHost } from './fixtures.ts';
import { problemsOf } from './property-checks.ts';
import { ruleProgram } from './property-programs.ts';
import { BUSINESS_TABLES } from './property-values.ts';

const abel = DEMO_USERS[0]!;

/** What a rule program may end with besides its answer: its own errors and the limits it can break. */
const PROGRAM_CODES: SandboxErrorCode[] = [
  'RULE_ERROR',
  'RULE_TIMEOUT',
  'RULE_MEMORY',
  'RULE_HOST_CALLS',
  'RULE_ROWS',
];

const NORMAL = `var u = new GlideRecord('sys_user'); u.addQuery('user_name', sysparm_caller_id); u.query();
answer = u.next() ? '/sys_user.do?sys_id=' + u.sys_id : '/nobody';`;

describeEachDatabase('property: random rule programs', (db) => {
  let host: SandboxHost | undefined;
  afterAll(async () => {
    await host?.close();
  });
  const hostOf = (): SandboxHost => {
    const { database, dictionary } = db();
    host ??= testHost({
      isolates: 2,
      reader: createRecordReader({ database, dictionary: () => dictionary, defaultRegion: 'US' }),
    });
    return host;
  };

  it('end as documented, show nothing of the host, read no system table, and the next rule still answers', async () => {
    const sandbox = hostOf();
    await fc.assert(
      fc.asyncProperty(ruleProgram, async ({ script, answer }) => {
        const result = await sandbox.run(rule(script), { sysparm_caller_id: 'attacker' });
        const problems = problemsOf(result, script, PROGRAM_CODES);
        if (result.outcome === 'answer' && result.answer !== answer)
          problems.push(`answered ${result.answer}, not ${answer}`);
        for (const read of result.reads)
          if (!(BUSINESS_TABLES as readonly string[]).includes(read.table))
            problems.push(`read the table ${read.table}`);
        expect(problems, show(result)).toEqual([]);

        const normal = await sandbox.run(rule(NORMAL, 'Normal'), { sysparm_caller_id: abel.user_name });
        expect(normal.answer, show(normal)).toBe(`/sys_user.do?sys_id=${abel.sys_id}`);
      }),
      { numRuns: 80 },
    );
    expect(sandbox.stats().catastrophicErrors).toBe(0);
  });
});
