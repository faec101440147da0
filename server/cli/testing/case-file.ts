/**
 * Rule test cases, kept beside the rules: `rules/<Rule>.test.json`, one file per rule. A file gives
 * the records every case starts from (and, if it needs them, tables to add to the dictionary); each
 * case adds its own records, gives the call's parameters (or, for a non-client-callable function,
 * its arguments) and says what must come out.
 *
 *   {
 *     "rule": "CTIProcessing",
 *     "fixtures": { "sys_user": [{ "sys_id": "…", "user_name": "abel.tuter", "active": true }] },
 *     "cases": [
 *       { "name": "a known caller without open incidents gets a new incident",
 *         "params": { "sysparm_caller_id": "abel.tuter" },
 *         "expect": { "answer": "/incident.do?sys_id=-1&sysparm_query=caller_id=…" } }
 *     ]
 *   }
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { tableDefinition } from '../../dictionary/definition.ts';
import { ruleName } from '../../rules/rule-name.ts';

const records = z.record(z.string(), z.array(z.record(z.string(), z.unknown())));

const expectedWrite = z
  .object({
    table: z.string(),
    operation: z.enum(['insert', 'update', 'delete']).optional(),
    sysId: z.string().optional(),
    /** Fields the write must carry with these values (others may be there too). */
    fields: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** A value that must be contained in the field, for journals and long text. */
const contains = z.object({ contains: z.string() }).strict();

const expectedRecords = z
  .object({
    table: z.string(),
    /** An encoded query, as a rule would write it: `number=INC0010001`. */
    query: z.string().default(''),
    count: z.number().int().min(0).optional(),
    /** Fields every matching record must have, exactly or `{ "contains": "…" }`. */
    fields: z
      .record(z.string(), z.union([contains, z.string(), z.number(), z.boolean(), z.null()]))
      .optional(),
  })
  .strict();

export const testCase = z
  .object({
    name: z.string().min(1),
    /** The call's parameters, as /cti.do gets them. */
    params: z.record(z.string(), z.string()).default({}),
    /** For a non-client-callable function: the arguments it is called with (the case calls it as a rule would). */
    args: z.array(z.unknown()).optional(),
    fixtures: records.optional(),
    /** The time of the call (gs.nowDateTime()), ISO 8601. */
    now: z.iso.datetime({ offset: true }).optional(),
    skip: z.string().min(1).optional(),
    expect: z
      .object({
        /** Where the browser goes: the answer with a leading / added to a relative one. */
        answer: z.string().optional(),
        /** A regular expression the answer must match. */
        answerMatches: z.string().optional(),
        outcome: z.enum(['answer', 'no_answer', 'error']).optional(),
        /** The failure's code: RULE_ERROR, RULE_TIMEOUT, NO_ANSWER, BAD_ANSWER, … */
        error: z.string().optional(),
        /** What a non-client-callable function returned (compared as JSON). */
        result: z.unknown().optional(),
        /** Each must be part of some gs log line. */
        logs: z.array(z.string()).optional(),
        /** The writes made, in order; [] for none. */
        writes: z.array(expectedWrite).optional(),
        /** Records as they are after the run. */
        records: z.array(expectedRecords).optional(),
      })
      .strict(),
  })
  .strict();
export type TestCase = z.output<typeof testCase>;

export const caseFile = z
  .object({
    $schema: z.string().optional(),
    /** The rule under test; by default the file's name (`CTIProcessing.test.json`). */
    rule: ruleName.optional(),
    description: z.string().optional(),
    /** Tables to add to the dictionary before the fixtures (the format of `ctihost dictionary pull`). */
    tables: z.array(tableDefinition).optional(),
    fixtures: records.default({}),
    cases: z.array(testCase).min(1),
  })
  .strict();
export type CaseFile = z.output<typeof caseFile> & { file: string; rule: string };

export type CaseFileProblem = { file: string; problem: string };

export const TEST_FILE = /^(.+)\.test\.json$/;

export function loadCaseFiles(dir: string): { files: CaseFile[]; problems: CaseFileProblem[] } {
  const files: CaseFile[] = [];
  const problems: CaseFileProblem[] = [];
  for (const name of readdirSync(dir)
    .filter((n) => TEST_FILE.test(n))
    .sort()) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    } catch (error) {
      problems.push({ file: name, problem: `not JSON: ${(error as Error).message}` });
      continue;
    }
    const parsed = caseFile.safeParse(json);
    if (!parsed.success) {
      problems.push({
        file: name,
        problem: parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; '),
      });
      continue;
    }
    files.push({ ...parsed.data, file: name, rule: parsed.data.rule ?? TEST_FILE.exec(name)![1]! });
  }
  return { files, problems };
}
