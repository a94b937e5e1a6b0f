/**
 * Part of `npm run bench -- correlation --e2e`: whether the correlation pool
 * steals the engine's time. The engine runs paced as a user runs it
 * (./taskset.sh, pinned, spin), alternately without and with --correlation on
 * (off, on, off, on, ... so that drifts of a shared machine fall on both), and
 * each run's dispatch-to-decision p99 per steady second is kept. The issue's
 * target: the p99 with the pool recomputing every 100 ms within 10 % of the
 * p99 without it. Seconds before the first matrix (minPoints 30 x 100 ms) and
 * the warm-up second are left out of both.
 */
import { median, percentile, type BenchResult } from './bench-report.js';
import { runLauncher } from './launcher-run.js';

interface Line {
  msg: string;
  elapsedS: number;
  latencyUs?: { p99: number };
  correlation?: { published: number; lastComputeMs: number; overruns: number };
}

/** The first seconds: warm-up, and the windows filling before the first matrix. */
const SKIP_S = 4;

export async function poolInterference(rate: number, seconds: number, pairs: number): Promise<{ results: BenchResult[]; ratio: number }> {
  const p99s: Record<'off' | 'on', number[]> = { off: [], on: [] };
  let published = 0;
  for (let pair = 0; pair < pairs; pair++) {
    for (const mode of ['off', 'on'] as const) {
      const lines = await runLauncher<Line>(['--rate', String(rate), '--duration', String(seconds), '--wait', 'spin', '--correlation', mode]);
      for (const l of lines) {
        if (l.msg === 'metrics' && l.elapsedS > SKIP_S && l.latencyUs) p99s[mode].push(l.latencyUs.p99);
        if (l.correlation) published += l.correlation.published;
      }
    }
  }
  const off = median(p99s.off);
  const on = median(p99s.on);
  const row = (mode: 'off' | 'on', note: string): BenchResult => ({
    name: `e2e paced ${rate}/s p99, correlation ${mode}`,
    unit: 'us',
    median: median(p99s[mode]),
    p99: percentile(p99s[mode], 99),
    runs: p99s[mode].length,
    note,
  });
  return {
    results: [row('off', `${pairs} run(s) of ${seconds} s, seconds after ${SKIP_S} s`), row('on', `${published} matrices published; target within 10 % of off: ${on <= off * 1.1 ? 'met' : 'missed'}`)],
    ratio: on / off,
  };
}
