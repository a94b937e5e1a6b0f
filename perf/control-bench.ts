/**
 * control: how long an operator's halt takes to stop trading. One run at
 * --rate max (or --rate R) with --control-port, as a user runs it; once orders
 * flow, N times: resume, wait until every worker has decided an order
 * other than TRADING_HALTED (its stamp back to 0) and a few ms more (random,
 * so halts land anywhere in the workers' batches), then read the shared
 * monotonic clock, POST /halt, and poll GET /status until every worker has
 * stamped the moment its first TRADING_HALTED reject happened
 * (WorkerStat.haltSeenNs, on the clock all processes share). Figures:
 * command -> last worker rejecting (p50/p99/max), command -> first worker,
 * and beside them the HTTP round trip of the halt itself in the same run
 * (the floor of any command reaching main). `--via kill` measures
 * POST /kill + /kill/release instead of halt + resume.
 * The run must end with every order decided once (lost 0, duplicates 0).
 * Options: --halts N (1000) --rate R (max) --gap-ms MS (5) --via halt|kill
 */
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { machineInfo, median, percentile, timeRatio, type BenchReport } from './bench-report.js';
import { freePort, runLauncher } from './launcher-run.js';

interface Line {
  msg: string;
  accepted?: number;
  lost?: number;
  duplicates?: number;
}

function arg(args: string[], name: string, dflt: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function run(args: string[]): Promise<BenchReport> {
  const halts = Number(arg(args, 'halts', '1000'));
  const rate = arg(args, 'rate', 'max');
  const gapMs = Number(arg(args, 'gap-ms', '5'));
  const via = arg(args, 'via', 'halt');
  if (via !== 'halt' && via !== 'kill') throw new Error(`control: --via halt|kill, not '${via}'`);
  const [on, off] = via === 'halt' ? ['/halt', '/resume'] : ['/kill', '/kill/release'];
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const post = async (path: string) => {
    const res = await fetch(base + path, { method: 'POST' });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`control: POST ${path} answered ${res.status}`);
  };
  const seen = async (): Promise<number[]> => ((await (await fetch(`${base}/status`)).json()) as { haltSeenNs: number[] }).haltSeenNs;
  const clock = monotonicClock();

  const lastMs: number[] = [];
  const firstMs: number[] = [];
  const roundTripMs: number[] = [];
  let missed = 0;
  let workers = 0;
  let loop: Promise<void> | undefined;
  const measure = async (stop: () => void) => {
    try {
      for (let i = 0; i < halts; i++) {
        await post(off);
        // Every worker trading again (its stamp back to 0), then a few ms of accepted orders.
        for (const end = clock.nowNs() + 2e9; (await seen()).some((s) => s !== 0) && clock.nowNs() < end; );
        await sleep(gapMs * (1 + Math.random()));
        const t0 = clock.nowNs();
        await post(on);
        roundTripMs.push((clock.nowNs() - t0) / 1e6);
        let stamps = await seen();
        for (const end = t0 + 2e9; stamps.some((s) => s < t0) && clock.nowNs() < end; stamps = await seen());
        workers = stamps.length;
        if (stamps.some((s) => s < t0)) {
          missed++;
          continue;
        }
        lastMs.push((Math.max(...stamps) - t0) / 1e6);
        firstMs.push((Math.min(...stamps) - t0) / 1e6);
      }
      await post(off);
    } finally {
      stop();
    }
  };
  const lines = await runLauncher<Line>(['--rate', rate, '--duration', '0', '--control-port', String(port)], (l, stop) => {
    if (loop === undefined && l.msg === 'metrics' && (l.accepted ?? 0) > 0) loop = measure(stop);
  });
  await loop;
  const summary = lines.find((l) => l.msg === 'summary');
  if (!summary || summary.lost !== 0 || summary.duplicates !== 0) throw new Error('control: the run did not decide every order exactly once');
  if (lastMs.length === 0) throw new Error(`control: no ${via} reached every worker (${missed} missed)`);

  const note = `${workers} workers, --rate ${rate}${missed ? `, ${missed} not seen within 2 s` : ''}`;
  return {
    suite: 'control',
    machine: machineInfo(),
    results: [
      { name: `POST ${on} -> last worker rejects TRADING_HALTED`, unit: 'ms', median: median(lastMs), p99: percentile(lastMs, 99), runs: lastMs.length, note: `max ${Math.max(...lastMs).toFixed(3)} ms; ${note}` },
      { name: `POST ${on} -> first worker rejects TRADING_HALTED`, unit: 'ms', median: median(firstMs), p99: percentile(firstMs, 99), runs: firstMs.length },
      { name: `POST ${on} HTTP round trip (baseline)`, unit: 'ms', median: median(roundTripMs), p99: percentile(roundTripMs, 99), runs: roundTripMs.length },
    ],
    ratios: { halt_vs_http_round_trip: timeRatio(median(lastMs), median(roundTripMs)) },
  };
}
