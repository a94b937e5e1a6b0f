/**
 * "The hot path allocates nothing", proven by counting garbage collections:
 * an order source (generator, dispatcher, decision collector, stand-in
 * exchange) and a risk worker (the full pre-trade check list on the shared
 * risk state, decisions, fills, ticks, the correlation engine's sampling of
 * each tick's mid at a 1 ms slot) run together over 1 M orders after a
 * warm-up, and not one GC may happen, with the source generating or
 * replaying its prepared events (some 20 laps of ~52 k orders). Each run is
 * a fresh isolate (a worker thread: test/fixtures/hot-path-run.ts), so what
 * earlier suites left in this process cannot be what it counts.
 */
import { expect } from 'chai';
import { Worker } from 'node:worker_threads';
import type { SourceMode } from '../core/source/event-source.js';
import type { HotPathResult } from './fixtures/hot-path-run.js';

function run(rate: number, orders: number, sourceMode: SourceMode): Promise<HotPathResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./fixtures/hot-path-run.js', import.meta.url), { workerData: { rate, orders, sourceMode } });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

describe('hot path allocation', function () {
  this.timeout(120_000);

  for (const mode of ['generate', 'replay'] as const) for (const rate of [Infinity, 2e6]) {
    it(`order source (${mode}, ${rate === Infinity ? 'max' : 'paced'}) -> ring -> checks -> decision -> fill: 1 M orders, zero GCs after warm-up`, async () => {
      const r = await run(rate, 1_000_000, mode);
      // The sampling ran: every symbol's window has returns (a slot of 1 ms passed many times).
      expect(r.sampledSlots).to.be.greaterThan(100);
      expect(r.duplicates).to.equal(0);
      expect(r.accepted).to.be.greaterThan(500_000);
      expect(r.fillsIn).to.be.greaterThan(500_000);
      expect(r.gcs, `${r.gcs} GCs over 1 M orders`).to.equal(0);
    });
  }
});
