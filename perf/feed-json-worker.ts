/**
 * Baseline worker for the feed bench: receives each tick as a JS object by
 * postMessage and records its latency from the receive stamp main put on it.
 */
import { parentPort } from 'node:worker_threads';
import { monotonicClock } from '../core/clock/monotonic-clock.js';

const clock = monotonicClock();
const latencies: number[] = [];
let ticks = 0;
parentPort!.on('message', (m: { t: number; bid: number; ask: number } | 'report') => {
  if (m === 'report') {
    parentPort!.postMessage({ ticks, latencies: latencies.splice(0) });
    return;
  }
  ticks++;
  if ((ticks & 7) === 0) latencies.push(clock.nowNs() - m.t);
});
