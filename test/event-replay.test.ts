/**
 * Replayed order sources (--source-mode replay): a source's generator events,
 * prepared before the run (core/source/prepared-events.ts), replayed lap after
 * lap (core/source/event-replay.ts). The replay writes the generator's frames
 * (golden: a fresh generator of the same seed) but for the fields it must
 * make fresh; client ids never repeat across laps or sources, and a
 * duplicate-client-id order still repeats the id it just sent, lap boundary
 * included; through a real worker every order is decided once, the worker
 * rejects the duplicates DUPLICATE_CLIENT_ID, and mirrored laps keep each
 * symbol's position bounded.
 */
import { expect } from 'chai';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { DEFAULT_LOAD, OrderGenerator } from '../core/generator/order-generator.js';
import { buildUniverse } from '../core/instruments/universe.js';
import { PositionBoardReader, createPositionBoard } from '../core/risk/position-board.js';
import { Reason } from '../core/risk/reject-reason.js';
import { EventReplay } from '../core/source/event-replay.js';
import { PreparedEvents } from '../core/source/prepared-events.js';
import { symbolsOfSource } from '../engine/topology.js';
import { createDoorbell } from '../ipc/doorbell.js';
import { FRAME_BYTES, FrameKind, NewOrder, Side } from '../ipc/frame-layout.js';
import { SourceCommand, SourceStat, createSourceStats, sourceStatsView } from '../ipc/source-stats-layout.js';
import { createRingBuffer } from '../ipc/spsc-ring.js';
import { createWorkerStats } from '../ipc/worker-stats-layout.js';
import { buildEngineLoop, buildOrderSource } from '../workers/thread-parts.js';
import { engineState } from './fixtures/engine-state.js';

const universe = buildUniverse(16, 5);
const generator = (seed: number, start = 1, stride = 1, symbols?: number[]) =>
  new OrderGenerator(universe, { seed, ...DEFAULT_LOAD, badFraction: 0.05, clientIdStart: start, clientIdStride: stride, symbols });

/** One frame's scratch, written by an event source (prepare, then write with `seq`). */
class Frame64 {
  readonly i32 = new Int32Array(FRAME_BYTES >> 2);
  readonly f64 = new Float64Array(this.i32.buffer);
  next(src: { prepare(): void; write(i32: Int32Array, f64: Float64Array, base: number, seq: number): void }, seq: number): this {
    src.prepare();
    src.write(this.i32, this.f64, 0, seq);
    return this;
  }
  get kind(): number {
    return this.i32[0];
  }
  get id(): number {
    return this.f64[NewOrder.clientId];
  }
}

/** The int32 words of a frame but its time (words 2-3), client id (4-5) and seq. */
function stable(f: Frame64): number[] {
  return Array.from(f.i32).filter((_, i) => i !== 2 && i !== 3 && i !== 4 && i !== 5 && i !== NewOrder.seq);
}

describe('order source replay', () => {
  it('replays the generator\'s frames (golden: a fresh generator of the same seed), fresh but for seq, time and client id; odd laps mirrored', () => {
    const prepared = new PreparedEvents(generator(7), 1, 4096);
    const replay = new EventReplay(prepared);
    const golden = generator(7);
    const laps: Frame64[][] = [[], [], []];
    /** An order's symbol's mid when it was generated, on the tick grid. */
    const midAt = new Float64Array(prepared.length).fill(NaN);
    const g = new Frame64();
    for (let lap = 0; lap < 3; lap++) {
      for (let k = 0; k < prepared.length; k++) {
        const r = new Frame64().next(replay, 1000 + k);
        laps[lap].push(r);
        expect(replay.lap).to.equal(lap);
        if (lap > 0) continue;
        g.next(golden, 0);
        expect(replay.forced, `event ${k} forced`).to.equal(golden.forced);
        expect(stable(r), `event ${k}`).to.deep.equal(stable(g));
        // A tick moves the replay's mid as it moved the generator's walk (the stand-in fills at it).
        if (r.kind === FrameKind.MarketTick) expect(replay.mids[r.i32[1]], `event ${k} mid`).to.equal(golden.mids[r.i32[1]]);
        if (r.kind !== FrameKind.NewOrder) continue;
        expect(r.id).to.equal(g.id);
        expect(r.i32[NewOrder.seq]).to.equal(1000 + k);
        const s = r.i32[1];
        if (s < universe.length) midAt[k] = Math.round(golden.mids[s] / universe[s].tickSize) * universe[s].tickSize;
      }
    }
    let mirroredLimits = 0;
    for (let k = 0; k < prepared.length; k++) {
      const [a, b, c] = [laps[0][k], laps[1][k], laps[2][k]];
      expect(stable(c), `lap 2 event ${k}`).to.deep.equal(stable(a));
      if (a.kind !== FrameKind.NewOrder) {
        expect(stable(b)).to.deep.equal(stable(a));
        continue;
      }
      expect(b.id).to.equal(a.id + prepared.idSpan);
      expect(c.id).to.equal(a.id + 2 * prepared.idSpan);
      expect(b.i32[NewOrder.side]).to.equal(-a.i32[NewOrder.side]);
      expect(b.f64[NewOrder.quantity]).to.equal(a.f64[NewOrder.quantity]);
      const p = a.f64[NewOrder.price];
      if (p > 0 && a.i32[1] < universe.length) {
        // Mirrored about the mid: a passive buy below it turns into a passive sell as far above it.
        expect(b.f64[NewOrder.price], `lap 1 event ${k} price`).to.be.closeTo(2 * midAt[k] - p, 1e-9 * p);
        if (a.i32[NewOrder.side] === Side.Buy && a.i32[NewOrder.type] === 0 && p < midAt[k]) {
          expect(b.f64[NewOrder.price]).to.be.greaterThan(midAt[k]);
          mirroredLimits++;
        }
      } else expect(b.f64[NewOrder.price]).to.equal(p);
    }
    expect(mirroredLimits).to.be.greaterThan(100);
  });

  it('client ids never repeat across laps (4 laps) or across 2 sources; a duplicate repeats the id just sent, in its own lap', () => {
    const S = 2;
    const seen = new Map<number, number>();
    let forced = 0;
    for (let s = 0; s < S; s++) {
      const prepared = new PreparedEvents(generator(11 + s, 1 + s, S, symbolsOfSource(s, universe.length, 2, S)), S, 2048);
      const replay = new EventReplay(prepared);
      const f = new Frame64();
      let last = -1;
      for (let k = 0; k < 4 * prepared.length + 100; k++) {
        f.next(replay, k);
        if (f.kind !== FrameKind.NewOrder) continue;
        if (replay.forced) {
          forced++;
          expect(f.id, `forced event ${k} of source ${s}`).to.equal(last);
          continue;
        }
        expect(seen.has(f.id), `id ${f.id} (source ${s}, event ${k}, lap ${replay.lap}) seen before`).to.equal(false);
        expect((f.id - 1) % S, 'an id keeps its source').to.equal(s);
        seen.set(f.id, s);
        last = f.id;
      }
    }
    expect(forced).to.be.greaterThan(8);
  });

  it('a lap never ends between a duplicate and its original: the lap is cut one event short', () => {
    // The event before the first forced duplicate: a lap of exactly that many events would split the pair.
    const scan = generator(3);
    let k = 0;
    for (;; k++) {
      scan.prepare();
      if (scan.forced) break;
    }
    const prepared = new PreparedEvents(generator(3), 1, k);
    expect(prepared.length).to.equal(k - 1);
    const replay = new EventReplay(prepared);
    const f = new Frame64();
    let last = -1;
    for (let e = 0; e < 3 * prepared.length; e++) {
      f.next(replay, e);
      expect(replay.forced, `event ${e}`).to.equal(false);
      if (f.kind === FrameKind.NewOrder) {
        expect(f.id).to.not.equal(last);
        last = f.id;
      }
    }
    // A lap as long as the pair's end keeps both.
    expect(new PreparedEvents(generator(3), 1, k + 1).length).to.equal(k + 1);
  });

  it('through a worker over 30 short laps: every order decided once, duplicates rejected DUPLICATE_CLIENT_ID, positions bounded', () => {
    const clock = monotonicClock();
    const { universe: sym, instruments, risk } = engineState(12, 2);
    const link = { toWorker: createRingBuffer(1024), fromWorker: createRingBuffer(1024), workerDoorbell: createDoorbell() };
    const positions = createPositionBoard(sym.length);
    const worker = buildEngineLoop({ workerId: 0, links: [link], stats: createWorkerStats(), instruments, maxBatch: 256, liveOrderCapacity: 1 << 14, risk, positions, wait: 'spin' }, clock);
    const stats = createSourceStats();
    const view = sourceStatsView(stats);
    const lapEvents = 4096;
    const source = buildOrderSource(
      {
        sourceId: 0, links: [link], stats, instruments: sym, symbols: sym.map((_, i) => i), clientIdStart: 1, clientIdStride: 1, seed: 5,
        rate: Infinity, phaseNs: 0, load: DEFAULT_LOAD, backpressureNs: 1e6, breakerBoard: risk.board, ledgerWindow: 1 << 16, wait: 'spin',
        sourceMode: 'replay', replayEvents: lapEvents,
      },
      clock.nowNs(),
      clock,
    );
    const board = new PositionBoardReader(positions);
    const worst = new Float64Array(sym.length);
    const orders = 30 * lapEvents * 0.8; // 1 - ticks' share (0.25 per order)
    for (let round = 0; view.f64[SourceStat.generated] < orders; round++) {
      source.doWork();
      while (worker.doWork() !== 0);
      if (round % 16 !== 0) continue;
      for (let s = 0; s < sym.length; s++) worst[s] = Math.max(worst[s], Math.abs(board.read(s).position * sym[s].initialPrice));
    }
    Atomics.store(view.commands, SourceCommand.stop, 1);
    while (!source.done) {
      source.doWork();
      worker.doWork();
    }
    expect(view.f64[SourceStat.decided]).to.equal(view.f64[SourceStat.generated]);
    expect(view.f64[SourceStat.duplicates]).to.equal(0);
    expect(view.byReason[Reason.DUPLICATE_CLIENT_ID]).to.be.greaterThan(10);
    expect(view.f64[SourceStat.accepted]).to.be.greaterThan(0.9 * view.f64[SourceStat.generated]);
    // The generator keeps a symbol within +-200 k quote; a mirrored lap that starts where the last
    // one ended goes at most as far again. Without the mirror, each lap would add its net again.
    for (let s = 0; s < sym.length; s++) expect(worst[s], `${sym[s].name}: largest |position| (quote)`).to.be.lessThan(600_000);
    expect(Math.max(...worst)).to.be.greaterThan(50_000);
  });
});
