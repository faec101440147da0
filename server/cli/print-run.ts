/** How `dry-run` shows a run: a short report for people (coloured on a terminal), or the JSON of POST /api/dry-run. */
import type { DryRunResult } from '../processor/dry-run.ts';
import type { RunWrite } from '../sandbox/types.ts';
import { formatMs, out, paint, plural } from './output.ts';

const LEVEL_STYLE = { debug: 'gray', info: 'cyan', warn: 'yellow', error: 'red' } as const;

export const describeWrite = (write: RunWrite) => {
  const fields = Object.entries(write.fields)
    .map(([name, value]) => `${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${write.operation} ${write.table}${write.sysId ? ` ${write.sysId}` : ''}${fields ? `  ${fields}` : ''}`;
};

export function printDryRun(run: DryRunResult, source: string): void {
  const label = (text: string) => paint('bold', text.padEnd(9));
  out(`${label('rule')}${run.rule} ${paint('gray', `(${source})`)}`);
  if (run.answer === null) out(`${label('answer')}${paint('gray', '(none)')}`);
  else out(`${label('answer')}${paint(run.error ? 'red' : 'green', run.answer)}`);
  if (run.error)
    out(`${label('outcome')}${paint('red', `${run.outcome}: ${run.error.code}: ${run.error.message}`)}`);
  else out(`${label('outcome')}${paint('green', run.outcome)}`);
  out(`${label('time')}${formatMs(run.durationMs)}`);
  const section = (title: string, lines: string[]) => {
    out();
    out(paint('bold', `${title} (${lines.length})`));
    for (const line of lines) out(`  ${line}`);
  };
  section(
    'logs',
    run.logs.map((log) => `${paint(LEVEL_STYLE[log.level], log.level.padEnd(5))} ${log.message}`),
  );
  section(
    'reads',
    run.reads.map(
      (read) =>
        `${read.table}  ${read.query || paint('gray', '(all rows)')}  ${paint('gray', plural(read.rows, 'row'))}`,
    ),
  );
  section(run.writes.length > 0 ? 'writes, rolled back' : 'writes', run.writes.map(describeWrite));
}
