/**
 * `npm run bench`: runs every `*.bench.ts` of this folder, one after the other, and prints a table
 * per benchmark. Never part of `npm test`; nothing here fails on a number.
 */
import { readdirSync } from 'node:fs';
import type { Bench, BenchResult } from './harness.ts';

const folder = new URL('./', import.meta.url);
const only = process.argv[2];
const files = readdirSync(folder)
  .filter((file) => file.endsWith('.bench.ts') && (!only || file.includes(only)))
  .sort();

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '-');

function print(file: string, result: BenchResult): void {
  const header = ['', 'median µs', 'p99 µs', 'ratio'];
  const lines = result.rows.map((row) => [
    row.label,
    fixed(row.medianUs, 2),
    fixed(row.p99Us, 2),
    `${fixed(row.ratio, 1)}×`,
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...lines.map((line) => line[i]?.length ?? 0)),
  );
  const format = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  console.log(`\n${result.title}  (${file})`);
  console.log(format(header));
  for (const line of lines) console.log(format(line));
  for (const note of result.notes) console.log(`  ${note}`);
}

for (const file of files) {
  const bench = (await import(new URL(file, folder).href)).default as Bench;
  print(file, await bench());
}
console.log(`\nnode ${process.version}, ${process.platform}/${process.arch}`);
