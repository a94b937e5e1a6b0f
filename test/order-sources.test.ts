/**
 * Order sources, in one thread: each source generates only its own symbols'
 * ticks and orders, client ids never collide across sources, a source's
 * stream is deterministic for a seed, and with two sources and two workers
 * every order of every source gets exactly one decision, back at the source
 * that sent it. Symbol ownership and the in-flight bounds are checked too.
 */
import { createPositionBoard, PositionBoardReader } from '../core/risk/position-board.js';
import { expect } from 'chai';
import { defaultCores, defaultThreads } from '../core/config/thread-defaults.js';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { DEFAULT_LOAD, OrderGenerator, reservedSymbols } from '../core/generator/order-generator.js';
import { buildUniverse } from '../core/instruments/universe.js';
import { fillQueueSlots, ledgerWindow, ordersInFlightPerLink } from '../core/dispatch/in-flight.js';
import { workerOf } from '../core/dispatch/dispatcher.js';
import { sourceOf, symbolsOfSource } from '../engine/topology.js';
import { createDoorbell } from '../ipc/doorbell.js';
import { FRAME_BYTES, Frame, FrameKind, NewOrder } from '../ipc/frame-layout.js';
import { createSourceStats, SourceStat, sourceStatsView } from '../ipc/source-stats-layout.js';
import { createRingBuffer } from '../ipc/spsc-ring.js';
import { WorkerStat, createWorkerStats, workerStatsView } from '../ipc/worker-stats-layout.js';
import { buildEngineLoop, buildOrderSource } from '../workers/thread-parts.js';
import type { LinkBuffers } from '../workers/worker-config.js';
import { engineState } from './fixtures/engine-state.js';

/** Events of a generator as [kind, symbol, clientId] triples. */
function events(gen: OrderGenerator, n: number): Array<[number, number, number]> {
  const buf = new ArrayBuffer(FRAME_BYTES);
  const i32 = new Int32Array(buf);
  const f64 = new Float64Array(buf);
  const out: Array<[number, number, number]> = [];
  for (let k = 0; k < n; k++) {
    gen.prepare();
    gen.write(i32, f64, 0, k);
    out.push([i32[Frame.kind], i32[Frame.symbol], i32[Frame.kind] === FrameKind.NewOrder ? f64[NewOrder.clientId] : 0]);
  }
  return out;
}

describe('order sources', () => {
  const universe = buildUniverse(24, 5);
  const { silent, halted } = reservedSymbols(universe.length, false);

  it('a source ticks only its own symbols and draws good orders only on them; client ids never collide across sources', () => {
    const W = 3;
    const S = 2;
    // Duplicate-client-id orders repeat an id of the same source on purpose; across sources, none is shared.
    const sourceOfId = new Map<number, number>();
    for (let s = 0; s < S; s++) {
      const own = symbolsOfSource(s, universe.length, W, S);
      const gen = new OrderGenerator(universe, { seed: 9, ...DEFAULT_LOAD, symbols: own, clientIdStart: 1 + s, clientIdStride: S });
      for (const [kind, symbol, id] of events(gen, 20_000)) {
        if (kind === FrameKind.MarketTick) expect(own, `tick on ${symbol}`).to.include(symbol);
        if (kind !== FrameKind.NewOrder) continue;
        // Bad orders may aim at the reserved or unknown symbols; a good one stays on the source's own.
        if (symbol >= 0 && symbol < universe.length && symbol !== silent && symbol !== halted && !own.includes(symbol)) throw new Error(`source ${s} ordered on ${symbol}`);
        expect(sourceOfId.get(id) ?? s, `id ${id}`).to.equal(s);
        sourceOfId.set(id, s);
      }
    }
    expect(sourceOfId.size).to.be.greaterThan(10_000);
  });

  it('a source\'s stream is deterministic for a seed and its share of the symbols', () => {
    const own = symbolsOfSource(1, universe.length, 2, 3);
    const make = () => new OrderGenerator(universe, { seed: 4, ...DEFAULT_LOAD, symbols: own, clientIdStart: 2, clientIdStride: 3 });
    expect(events(make(), 5000)).to.deep.equal(events(make(), 5000));
    const other = new OrderGenerator(universe, { seed: 5, ...DEFAULT_LOAD, symbols: own, clientIdStart: 2, clientIdStride: 3 });
    expect(events(other, 5000)).to.not.deep.equal(events(make(), 5000));
  });

  it('symbol ownership: every symbol has one worker and one source; each source feeds every worker when symbols allow', () => {
    const W = 4;
    const S = 3;
    const n = 30;
    const all = Array.from({ length: S }, (_, s) => symbolsOfSource(s, n, W, S)).flat().sort((a, b) => a - b);
    expect(all).to.deep.equal(Array.from({ length: n }, (_, i) => i));
    for (let s = 0; s < S; s++) {
      const workers = new Set(symbolsOfSource(s, n, W, S).map((sym) => workerOf(sym, W)));
      expect(workers.size, `source ${s}`).to.equal(W);
    }
    expect(sourceOf(5, W, S)).to.equal(1);
  });

  it('thread defaults leave main core 0 and give workers the cores after the sources', () => {
    expect(defaultThreads(2)).to.deep.equal({ sources: 1, workers: 1 });
    expect(defaultThreads(16)).to.deep.equal({ sources: 4, workers: 11 });
    expect(defaultCores(16, 4, 11)).to.deep.equal({ sourceCores: [1, 2, 3, 4], workerCores: [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] });
    expect(defaultCores(2, 1, 3)).to.deep.equal({ sourceCores: [0], workerCores: [1, 1, 1] });
  });

  it('in-flight bounds: a link holds 2 rings of orders; the fill queue takes all of them, the ledger twice every link\'s', () => {
    expect(ordersInFlightPerLink(1024)).to.equal(2048);
    expect(fillQueueSlots(1024)).to.equal(4096); // 2050 rounded up to a power of two
    expect(fillQueueSlots(1024)).to.be.at.least(ordersInFlightPerLink(1024) + 2);
    expect(ledgerWindow(16384, 11)).to.equal(1 << 20); // 2 * 11 * 32768 = 720,896 -> 2^20
    expect(ledgerWindow(2, 1)).to.equal(1 << 16);
  });

  it('two sources, two workers, one thread: every order of each source decided exactly once, at its own source', () => {
    const clock = monotonicClock();
    const W = 2;
    const S = 2;
    const { universe: sym, instruments, risk } = engineState(12, 2);
    const bells = [createDoorbell(), createDoorbell()];
    const links: LinkBuffers[][] = Array.from({ length: S }, () => bells.map((workerDoorbell) => ({ toWorker: createRingBuffer(256), fromWorker: createRingBuffer(256), workerDoorbell })));
    const mainLinks = bells.map((workerDoorbell) => ({ toWorker: createRingBuffer(8), fromWorker: createRingBuffer(8), workerDoorbell }));
    const workerStats = bells.map(() => createWorkerStats());
    const positions = createPositionBoard(sym.length);
    const workers = bells.map((_, w) =>
      buildEngineLoop({ workerId: w, links: [mainLinks[w], ...links.map((l) => l[w])], stats: workerStats[w], instruments, maxBatch: 64, liveOrderCapacity: 1 << 14, risk, positions, wait: 'spin' }, clock),
    );
    const stats = links.map(() => createSourceStats());
    const sources = links.map((l, s) =>
      buildOrderSource(
        {
          sourceId: s, links: l, stats: stats[s], instruments: sym, symbols: symbolsOfSource(s, sym.length, W, S),
          clientIdStart: 1 + s, clientIdStride: S, seed: 3 + s, rate: Infinity, phaseNs: 0, load: { ...DEFAULT_LOAD, badFraction: 0.05 },
          backpressureNs: 1e6, breakerBoard: risk.board, ledgerWindow: ledgerWindow(256, W), wait: 'spin',
        },
        clock.nowNs(),
        clock,
      ),
    );
    const views = stats.map(sourceStatsView);
    // Uneven turns: the workers run less often than the sources, so rings fill and fills queue.
    for (let round = 0; views.some((v) => v.f64[SourceStat.generated] < 50_000); round++) {
      for (const s of sources) s.doWork();
      if (round % 3 === 0) for (const w of workers) w.doWork();
    }
    for (const v of views) Atomics.store(v.commands, 1, 1);
    while (!sources.every((s) => s.done)) {
      for (const s of sources) s.doWork();
      for (const w of workers) w.doWork();
    }
    let decidedByWorkers = 0;
    for (const w of workerStats) decidedByWorkers += workerStatsView(w).f64[WorkerStat.decisions];
    let generated = 0;
    for (const v of views) {
      expect(v.f64[SourceStat.decided]).to.equal(v.f64[SourceStat.generated]);
      expect(v.f64[SourceStat.duplicates]).to.equal(0);
      expect(v.f64[SourceStat.overruns]).to.equal(0);
      expect(v.f64[SourceStat.accepted]).to.be.greaterThan(0);
      generated += v.f64[SourceStat.generated];
    }
    // Every order went to a worker and was decided there once (none were refused for backpressure at max).
    expect(decidedByWorkers).to.equal(generated);
    // The last fills reach the workers; then the board holds, per symbol, what its owner's book holds.
    for (let k = 0; k < 10; k++) for (const w of workers) w.doWork();
    const board = new PositionBoardReader(positions);
    let moved = 0;
    for (let s = 0; s < sym.length; s++) {
      const book = workers[s % W].checker.positions;
      const row = board.read(s);
      expect([row.position, row.avgPrice, row.realizedPnl, row.openOrders, row.openNotional], sym[s].name).to.deep.equal([book.position[s], book.avgPrice[s], book.realizedPnl[s], book.openOrders[s], book.openNotional[s]]);
      if (row.position !== 0) moved++;
    }
    expect(moved).to.be.greaterThan(0);
  });
});
