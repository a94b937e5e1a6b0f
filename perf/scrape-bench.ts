/**
 * scrape: what a Prometheus scrape costs the engine. One run at --rate max
 * with --metrics-port, as a user runs it (./taskset.sh, pinned, JSON
 * metrics); seconds alternate between a GET /metrics every 100 ms (ten times
 * Prometheus's usual fastest interval) and none, so that a slow spell of the
 * machine hits both alike. Each metrics line covers the second before it, and
 * the mode for a second is set when the line that opens it arrives. Figures:
 * the median orders/s of the seconds of each kind after --warmup (2 s),
 * without the partial line written at shutdown; their ratio; and the scrape
 * round trip (request to last byte, as the scraper sees it) and body size.
 * A scrape runs on main, which shares core 0 with the order source on a
 * 2-core machine and has it to itself from 3 cores up.
 * The run must end with every order decided once (lost 0, duplicates 0).
 * Options: --seconds S (20) --warmup S (2) --interval-ms MS (100)
 */
import { machineInfo, median, percentile, throughputRatio, type BenchReport } from './bench-report.js';
import { freePort, runLauncher } from './launcher-run.js';

interface Line {
  msg: string;
  elapsedS: number;
  ordersPerS: number;
  lost: number;
  duplicates: number;
}

function arg(args: string[], name: string, dflt: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
}

export async function run(args: string[]): Promise<BenchReport> {
  const seconds = Number(arg(args, 'seconds', '20'));
  const warmup = Number(arg(args, 'warmup', '2'));
  const intervalMs = Number(arg(args, 'interval-ms', '100'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/metrics`;

  const roundTripsMs: number[] = [];
  let bodyBytes = 0;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  const scrape = async () => {
    const t0 = performance.now();
    try {
      const body = await (await fetch(url)).text();
      roundTripsMs.push(performance.now() - t0);
      bodyBytes = body.length;
    } catch {
      failures++;
    }
  };
  // Mode of the second each metrics line closes, keyed by the line.
  const scraped = new Map<Line, boolean>();
  let scraping = false;
  const lines = await runLauncher<Line>(['--rate', 'max', '--duration', String(seconds), '--metrics-port', String(port), '--wait', 'spin'], (l) => {
    if (l.msg !== 'metrics') return;
    scraped.set(l, scraping);
    scraping = !scraping;
    if (scraping) timer = setInterval(() => void scrape(), intervalMs);
    else clearInterval(timer);
  });
  clearInterval(timer);
  const summary = lines.find((l) => l.msg === 'summary');
  if (!summary || summary.lost !== 0 || summary.duplicates !== 0) throw new Error('scrape: the run did not decide every order exactly once');

  const steady = lines.filter((l) => l.msg === 'metrics').slice(0, -1).filter((l) => l.elapsedS > warmup + 0.5);
  const rate = (mode: boolean) => steady.filter((l) => scraped.get(l) === mode).map((l) => l.ordersPerS);
  const without = rate(false);
  const withScrapes = rate(true);
  const mps = (xs: number[]) => xs.map((x) => (x / 1e6).toFixed(2)).join('/');
  return {
    suite: 'scrape',
    machine: machineInfo(),
    results: [
      { name: '--rate max, no scrape', unit: 'orders/s', median: median(without), runs: without.length, note: `seconds ${mps(without)} M/s` },
      { name: `--rate max, GET /metrics every ${intervalMs} ms`, unit: 'orders/s', median: median(withScrapes), runs: withScrapes.length, note: `seconds ${mps(withScrapes)} M/s` },
      { name: 'scrape round trip', unit: 'ms', median: median(roundTripsMs), p99: percentile(roundTripsMs, 99), runs: roundTripsMs.length, note: `${bodyBytes} bytes per scrape${failures ? `, ${failures} failed` : ''}` },
    ],
    ratios: { with_scrapes_vs_without: throughputRatio(median(withScrapes), median(without)) },
  };
}
