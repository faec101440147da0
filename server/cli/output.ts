/**
 * What commands print: colour only on a terminal (Node's styleText checks the stream, NO_COLOR and
 * FORCE_COLOR), JSON as one document, aligned tables, and a progress bar that stays silent when
 * stderr is not a terminal (cli-progress draws nothing there) or when the output is JSON.
 */
import { styleText } from 'node:util';
import cliProgress from 'cli-progress';

type Style = Parameters<typeof styleText>[0];

export const paint = (style: Style, text: string, stream: NodeJS.WriteStream = process.stdout): string =>
  styleText(style, text, { stream });

export const out = (line = '') => process.stdout.write(`${line}\n`);
export const err = (line = '') => process.stderr.write(`${line}\n`);

export const printJson = (value: unknown) => out(JSON.stringify(value, null, 2));

/** Columns padded to their widest cell; the last column is never padded. */
export function formatTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [paint('bold', line(header)), ...rows.map(line)];
}

export const plural = (count: number, one: string, many = `${one}s`) =>
  `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;

export type Progress = {
  update(value: number, payload?: Record<string, string | number>): void;
  setTotal(total: number): void;
  stop(): void;
};

const SILENT: Progress = { update() {}, setTotal() {}, stop() {} };

export function progressBar(
  format: string,
  total: number,
  options: { enabled: boolean; payload?: Record<string, string | number> },
): Progress {
  if (!options.enabled || !process.stderr.isTTY) return SILENT;
  const bar = new cliProgress.SingleBar(
    { format, stream: process.stderr, hideCursor: true, clearOnComplete: false, fps: 10 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, options.payload ?? {});
  return {
    update: (value, payload) => bar.update(value, payload ?? {}),
    setTotal: (next) => bar.setTotal(next),
    stop: () => bar.stop(),
  };
}

export const formatMs = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
