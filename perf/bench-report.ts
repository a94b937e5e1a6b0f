/**
 * The one result shape every benchmark suite prints, so scripts can compare runs:
 *   {"suite", "machine": {cpu, cores, node}, "results": [{name, unit, median, p99?, runs}],
 *    "ratios": {"vs_<baseline>": number}}
 * Every ratio is taken between figures measured in the same run: bot4 over
 * baseline for throughput, baseline over bot4 for time.
 */
import os from 'node:os';
import type { MonotonicClock } from '../core/clock/monotonic-clock.js';

export interface BenchResult {
  name: string;
  unit: string;
  median: number;
  p99?: number;
  runs: number;
  /** Extra context shown in the table only (e.g. GC events). */
  note?: string;
}

export interface BenchReport {
  suite: string;
  machine: { cpu: string; cores: number; node: string };
  results: BenchResult[];
  ratios: Record<string, number>;
}

export function machineInfo(): BenchReport['machine'] {
  const cpus = os.cpus();
  return { cpu: cpus[0]?.model.trim() ?? 'unknown', cores: cpus.length, node: process.version };
}

/** The shared clock's cost per reading (ns, median of 2001): benches subtract it from each timed block. */
export function clockReadCost(clock: MonotonicClock): number {
  const xs: number[] = [];
  for (let k = 0; k < 2001; k++) {
    clock.update();
    const t0 = clock.reading[0];
    clock.update();
    xs.push(clock.reading[0] - t0);
  }
  return median(xs);
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/** Higher is better (throughput): bot4 / baseline. */
export function throughputRatio(bot4: number, baseline: number): number {
  return round(bot4 / baseline);
}

/** Lower is better (time): baseline / bot4. */
export function timeRatio(bot4: number, baseline: number): number {
  return round(baseline / bot4);
}

/** Two decimals (19.4, 123.46), but never fewer than 3 significant digits (0.000237, not 0). */
function round(x: number): number {
  return Math.abs(x) >= 10 ? Math.round(x * 100) / 100 : Number(x.toPrecision(3));
}

function fmt(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '-';
  if (Math.abs(x) >= 1e6) return x.toExponential(3);
  if (Math.abs(x) >= 100) return x.toFixed(0);
  return x.toPrecision(4);
}

export function formatTable(report: BenchReport): string {
  const rows = [['name', 'unit', 'median', 'p99', 'runs', 'note']];
  for (const r of report.results) rows.push([r.name, r.unit, fmt(r.median), fmt(r.p99), String(r.runs), r.note ?? '']);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((v, c) => v.padEnd(widths[c])).join('  ').trimEnd();
  const m = report.machine;
  const out = [`suite ${report.suite}: ${m.cpu}, ${m.cores} cores, node ${m.node}`, line(rows[0]), ...rows.slice(1).map(line)];
  for (const [k, v] of Object.entries(report.ratios)) out.push(`${k}: ${v}x`);
  return out.join('\n');
}

/** Prints the report: one JSON object with --json, a table otherwise. */
export function printReport(report: BenchReport, json: boolean): void {
  if (json) process.stdout.write(JSON.stringify(report) + '\n');
  else process.stdout.write(formatTable(report) + '\n');
}
