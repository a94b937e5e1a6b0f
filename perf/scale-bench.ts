/**
 * scale: orders decided per second at --rate max as the risk workers grow,
 * run as a user runs it (./taskset.sh, pinned, spin, JSON metrics). For each
 * worker count (default 1, 2, 4, 8, 11, capped by the machine at
 * cores - 1 - sources) with the default number of order sources, each
 * configuration runs --rounds times (default 2), the configurations
 * alternating round by round so that a slow spell of the machine hits all
 * of them alike. A run's figure is the median of its per-second rates after
 * the first second; a configuration's, the median of its runs. Printed with
 * each configuration's speedup and efficiency against 1 worker in the same
 * run, and the speedup of each doubling.
 * Every run must end with every order decided (lost 0, duplicates 0); GCs
 * after warm-up are shown per configuration.
 * --source-mode replay runs every configuration with replaying sources
 * (core/source/event-replay.ts), to see whether the sources' own cost bounds it.
 * Options: --seconds S (8) --rounds R (2) --workers LIST (1,2,4,8,11) --sources N --symbols N (120)
 *          --source-mode generate|replay (generate)
 */
import { availableParallelism } from 'node:os';
import { defaultThreads } from '../core/config/thread-defaults.js';
import { SOURCE_MODES, type SourceMode } from '../core/source/event-source.js';
import { runLauncher } from './launcher-run.js';
import { machineInfo, median, type BenchReport, type BenchResult } from './bench-report.js';

interface Line {
  msg: string;
  elapsedS: number;
  ordersPerS: number;
  lost: number;
  duplicates: number;
  gc: { main: number; workers: number; sources: number };
}

function arg(args: string[], name: string, dflt: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
}

interface RunFigure {
  ordersPerS: number;
  gcAfterFirstSecond: number;
}

async function oneRun(workers: number, sources: number, seconds: number, symbols: number, sourceMode: SourceMode): Promise<RunFigure> {
  const lines = await runLauncher<Line>(['--rate', 'max', '--duration', String(seconds), '--workers', String(workers), '--sources', String(sources), '--symbols', String(symbols), '--wait', 'spin', '--source-mode', sourceMode]);
  const summary = lines.find((l) => l.msg === 'summary');
  if (!summary || summary.lost !== 0 || summary.duplicates !== 0) throw new Error(`workers ${workers}: run did not decide every order exactly once`);
  // Whole seconds after the first, without the partial line written at shutdown.
  const metrics = lines.filter((l) => l.msg === 'metrics').slice(0, -1);
  const steady = metrics.filter((l) => l.elapsedS > 1.5);
  const gcs = (l: Line) => l.gc.main + l.gc.workers + l.gc.sources;
  const first = metrics.find((l) => l.elapsedS >= 1);
  const last = metrics[metrics.length - 1];
  return { ordersPerS: median(steady.map((l) => l.ordersPerS)), gcAfterFirstSecond: first && last ? gcs(last) - gcs(first) : NaN };
}

export async function run(args: string[]): Promise<BenchReport> {
  const seconds = Number(arg(args, 'seconds', '8'));
  const rounds = Number(arg(args, 'rounds', '2'));
  const symbols = Number(arg(args, 'symbols', '120'));
  const sourceMode = arg(args, 'source-mode', 'generate') as SourceMode;
  if (!SOURCE_MODES.includes(sourceMode)) throw new Error(`scale bench: --source-mode accepts ${SOURCE_MODES.join('|')}, not '${sourceMode}'`);
  const cores = availableParallelism();
  const sources = Number(arg(args, 'sources', String(defaultThreads(cores).sources)));
  // Sources have cores of their own from 3 cores up (on 2, the one source shares core 0 with main).
  const cap = Math.max(1, cores - 1 - (cores > 2 ? sources : 0));
  const asked = arg(args, 'workers', '1,2,4,8,11').split(',').map(Number);
  const counts = [...new Set(asked.map((w) => Math.min(w, cap)))].sort((a, b) => a - b);
  if (!counts.includes(1)) counts.unshift(1);

  const figures = new Map<number, RunFigure[]>(counts.map((w) => [w, []]));
  for (let r = 0; r < rounds; r++) {
    for (const w of counts) figures.get(w)!.push(await oneRun(w, sources, seconds, symbols, sourceMode));
  }
  const rate = (w: number) => median(figures.get(w)!.map((f) => f.ordersPerS));
  const base = rate(1);
  const results: BenchResult[] = counts.map((w, i) => {
    const runs = figures.get(w)!;
    const prev = i > 0 ? counts[i - 1] : undefined;
    const doubling = prev !== undefined ? ` x${(rate(w) / rate(prev)).toFixed(2)} over ${prev}` : '';
    return {
      name: `--rate max, ${w} worker${w > 1 ? 's' : ''}, ${sources} ${sourceMode === 'replay' ? 'replaying ' : ''}source${sources > 1 ? 's' : ''}`,
      unit: 'orders/s',
      median: rate(w),
      runs: runs.length,
      note: `speedup ${(rate(w) / base).toFixed(2)}, efficiency ${((100 * rate(w)) / (base * w)).toFixed(0)}%${doubling}; runs ${runs.map((f) => (f.ordersPerS / 1e6).toFixed(2)).join('/')} M/s; GC after 1 s: ${runs.map((f) => f.gcAfterFirstSecond).join('/')}`,
    };
  });
  const top = counts[counts.length - 1];
  return {
    suite: 'scale',
    machine: machineInfo(),
    results,
    ratios: { [`vs_1_worker_at_${top}_workers`]: Math.round((rate(top) / base) * 100) / 100 },
  };
}
