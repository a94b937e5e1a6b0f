/**
 * source: what an order source's own event making costs per order in each
 * --source-mode, on one thread (perf/source-cost.ts); the e2e suite reports
 * the same figures. The ratio is replay's speed-up over generate, same run.
 * Options: --symbols N (16) --events N per round (2000000) --rounds R (5)
 */
import { machineInfo, timeRatio, type BenchReport } from './bench-report.js';
import { measureSourceCosts, sourceCostResults } from './source-cost.js';

function arg(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}

export async function run(args: string[]): Promise<BenchReport> {
  const cost = await measureSourceCosts(arg(args, 'symbols', 16), arg(args, 'events', 2_000_000), arg(args, 'rounds', 5));
  return {
    suite: 'source',
    machine: machineInfo(),
    results: sourceCostResults(cost.generate, cost.replay),
    ratios: { source_replay_vs_generate: timeRatio(cost.replay.nsPerOrder, cost.generate.nsPerOrder) },
  };
}
