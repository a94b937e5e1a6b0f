/**
 * feed: the feed simulator (Binance bookTicker + trade, separate process) over
 * loopback WebSocket -> main (zero-copy parse) -> rings -> the worker owning
 * the symbol, run as a user runs it (./taskset.sh --feed ... --orders off).
 * Sustained ticks/s reaching workers and tick-to-worker latency (from the
 * moment main received the message) per second, medians after warm-up.
 * Baseline in the same run, same simulator: a ws client that JSON.parses each
 * message, reads the fields with Number() and posts the tick to a worker.
 * Options: --rate R (simulator messages/s, default 100000) --seconds S (10) --warmup S (3) --wait W (yield)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import WebSocket from 'ws';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { machineInfo, median, percentile, throughputRatio, timeRatio, type BenchReport } from './bench-report.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'BNB/USDT', 'XRP/USDT', 'DOGE/USDT', 'ADA/USDT', 'AVAX/USDT'];

function arg(args: string[], name: string, dflt: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
}

/** Starts the simulator on a free port; resolves with its ws URL once it listens. */
function startSim(rate: number, seconds: number): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${root}dist/scripts/feed-sim.js`, '--venue', 'binance', '--port', '0', '--rate', String(rate), '--symbols', String(SYMBOLS.length), '--duration', `${seconds}s`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    child.stdout!.on('data', (d) => {
      buf += d;
      const line = buf.split('\n').find((l) => l.includes('"listening"'));
      if (line) resolve({ child, url: (JSON.parse(line) as { url: string }).url });
    });
    child.on('exit', (code) => reject(new Error(`feed-sim exited ${code}`)));
  });
}

interface Line { msg: string; elapsedS: number; tickLatencyUs: { count: number; p50: number; p99: number } }

async function bot4(rate: number, seconds: number, wait: string, warmup: number) {
  const sim = await startSim(rate, seconds + 5);
  const child = spawn(`${root}taskset.sh`, ['--feed', sim.url, '--venue', 'binance', '--subscribe', SYMBOLS.join(','), '--orders', 'off', '--workers', '1', '--wait', wait, '--duration', String(seconds), '--metrics', 'json', '--state-dir', mkdtempSync(join(tmpdir(), 'bot4-bench-state-'))], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  await new Promise((r) => child.on('close', r));
  sim.child.kill();
  const lines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
  const steady = lines.filter((l) => l.msg === 'metrics').slice(0, -1).filter((l) => l.elapsedS > warmup);
  return {
    ticksPerS: steady.map((l) => l.tickLatencyUs.count),
    p50: steady.map((l) => l.tickLatencyUs.p50),
    p99: steady.map((l) => l.tickLatencyUs.p99),
  };
}

async function baseline(rate: number, seconds: number, warmup: number) {
  const sim = await startSim(rate, seconds + 5);
  const clock = monotonicClock();
  const worker = new Worker(new URL('./feed-json-worker.js', import.meta.url));
  const streams = SYMBOLS.flatMap((s) => {
    const v = s.replace('/', '').toLowerCase();
    return [`${v}@bookTicker`, `${v}@trade`];
  });
  const ws = new WebSocket(sim.url);
  ws.on('open', () => ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: streams, id: 1 })));
  ws.on('message', (data: Buffer) => {
    const t = clock.nowNs();
    const m = JSON.parse(data.toString()) as { b?: string; a?: string; p?: string };
    if (m.b !== undefined) worker.postMessage({ t, bid: Number(m.b), ask: Number(m.a) });
    else if (m.p !== undefined) worker.postMessage({ t, bid: Number(m.p), ask: NaN });
  });
  const perSecond: Array<{ ticks: number; latencies: number[] }> = [];
  let prevTicks = 0;
  for (let s = 1; s <= seconds; s++) {
    await new Promise((r) => setTimeout(r, 1000));
    const rep = await new Promise<{ ticks: number; latencies: number[] }>((resolve) => {
      worker.once('message', resolve);
      worker.postMessage('report');
    });
    perSecond.push({ ticks: rep.ticks - prevTicks, latencies: rep.latencies });
    prevTicks = rep.ticks;
  }
  ws.close();
  sim.child.kill();
  await worker.terminate();
  const steady = perSecond.slice(warmup);
  return {
    ticksPerS: steady.map((p) => p.ticks),
    p50: steady.map((p) => percentile(p.latencies, 50) / 1000),
    p99: steady.map((p) => percentile(p.latencies, 99) / 1000),
  };
}

export async function run(args: string[]): Promise<BenchReport> {
  const rate = Number(arg(args, 'rate', '100000'));
  const seconds = Number(arg(args, 'seconds', '10'));
  const warmup = Number(arg(args, 'warmup', '3'));
  const wait = arg(args, 'wait', 'yield');
  const b = await bot4(rate, seconds, wait, warmup);
  const j = await baseline(rate, seconds, warmup);
  const results = [
    { name: `bot4 feed -> rings -> worker (${wait}), ticks/s`, unit: 'ticks/s', median: median(b.ticksPerS), runs: b.ticksPerS.length },
    { name: 'bot4 tick-to-worker p50', unit: 'us', median: median(b.p50), runs: b.p50.length },
    { name: 'bot4 tick-to-worker p99', unit: 'us', median: median(b.p99), p99: Math.max(...b.p99), runs: b.p99.length },
    { name: 'JSON.parse + postMessage, ticks/s', unit: 'ticks/s', median: median(j.ticksPerS), runs: j.ticksPerS.length },
    { name: 'JSON.parse + postMessage p50', unit: 'us', median: median(j.p50), runs: j.p50.length },
    { name: 'JSON.parse + postMessage p99', unit: 'us', median: median(j.p99), p99: Math.max(...j.p99), runs: j.p99.length },
  ];
  return {
    suite: 'feed',
    machine: machineInfo(),
    results,
    ratios: {
      vs_json_postMessage_throughput: throughputRatio(median(b.ticksPerS), median(j.ticksPerS)),
      vs_json_postMessage_p50: timeRatio(median(b.p50), median(j.p50)),
      vs_json_postMessage_p99: timeRatio(median(b.p99), median(j.p99)),
    },
  };
}
