/**
 * The breaker under real worker threads racing on one SharedArrayBuffer:
 * exactly N half-open permits per episode however many threads race, exactly
 * one thread wins each transition, and no recorded outcome is lost.
 */
import { expect } from 'chai';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { AGG_SLOW_UNIT, Block, BreakerState, blockOffset, createBreakerBoard } from '../core/breaker/breaker-layout.js';
import { breakerSettings, type BreakerSettingsInput } from '../core/breaker/breaker-settings.js';
import { CircuitBreaker, Outcome } from '../core/breaker/circuit-breaker.js';
import type { BreakerRacerData } from './fixtures/breaker-racer.js';
import { FakeClock } from './fixtures/fake-clock.js';

const THREADS = Math.max(8, 2 * os.availableParallelism());

interface Race {
  board: SharedArrayBuffer;
  breaker: CircuitBreaker;
  clock: FakeClock;
  /** Publishes round r and resolves with each thread's count once all have finished it. */
  round(r: number): Promise<number[]>;
  close(): Promise<void>;
}

async function startRace(settings: BreakerSettingsInput, mode: BreakerRacerData['mode'], rounds: number, attempts: number, pattern: number[] = [0]): Promise<Race> {
  const board = createBreakerBoard([breakerSettings(settings)]);
  const clock = new FakeClock();
  const ctrl = new SharedArrayBuffer(8);
  const results = new SharedArrayBuffer(4 * (rounds + 1) * THREADS);
  const c = new Int32Array(ctrl);
  const res = new Int32Array(results);
  const workers: Worker[] = [];
  for (let id = 0; id < THREADS; id++) {
    const data: BreakerRacerData = { board, ctrl, results, id, threads: THREADS, rounds, attempts, mode, pattern, nowNs: 2e18 };
    workers.push(new Worker(new URL('./fixtures/breaker-racer.js', import.meta.url), { workerData: data }));
  }
  // Listen for exits now: a worker may finish before close() is called.
  const exited = Promise.all(
    workers.map((w) => new Promise<void>((resolve, reject) => {
      w.once('error', reject);
      w.once('exit', () => resolve());
    })),
  );
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('online', resolve))));
  return {
    board,
    breaker: new CircuitBreaker(board, 0, clock),
    clock,
    async round(r: number): Promise<number[]> {
      Atomics.store(c, 0, r);
      let failed: unknown;
      exited.catch((e: unknown) => (failed = e));
      while (Atomics.load(c, 1) < r * THREADS) {
        if (failed) throw failed;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      return Array.from(res.subarray(r * THREADS, (r + 1) * THREADS));
    },
    async close(): Promise<void> {
      await exited;
    },
  };
}

describe(`circuit breaker: ${THREADS} real threads racing`, function () {
  this.timeout(60_000);

  for (const permits of [1, 3, THREADS]) {
    it(`grants exactly ${permits} half-open permit(s) per episode, 8 episodes`, async () => {
      const rounds = 8;
      const race = await startRace(
        { slidingWindowSize: 5, minimumNumberOfCalls: 5, permittedNumberOfCallsInHalfOpenState: permits, waitDurationInOpenStateMs: 1000 },
        'permits',
        rounds,
        2000,
      );
      const b = race.breaker;
      for (let r = 1; r <= rounds; r++) {
        b.reset();
        for (let k = 0; k < 5; k++) b.record(Outcome.FAILURE);
        expect(b.state()).to.equal(BreakerState.OPEN);
        const before = b.stateWord() >>> 3;
        const granted = await race.round(r);
        expect(granted.reduce((a, x) => a + x, 0), `round ${r}: ${granted}`).to.equal(permits);
        // Exactly one thread moved it OPEN -> HALF_OPEN.
        expect(b.stateWord() >>> 3).to.equal(before + 1);
        expect(b.state()).to.equal(BreakerState.HALF_OPEN);
      }
      await race.close();
    });
  }

  it('loses no recorded outcome: every call is counted and the window counters equal the slots', async () => {
    const attempts = 80_000;
    // 1 failure and 1 slow call in every 10: far below both thresholds, so it stays CLOSED.
    const pattern = [Outcome.FAILURE, Outcome.SLOW, 0, 0, 0, 0, 0, 0, 0, 0];
    const race = await startRace({ slidingWindowSize: 100, minimumNumberOfCalls: 100, slowCallRateThreshold: 50 }, 'record', 1, attempts, pattern);
    await race.round(1);
    await race.close();
    const i32 = new Int32Array(race.board);
    const o = blockOffset(race.board, 0);
    expect(i32[(o + Block.seq) >> 2]).to.equal(THREADS * attempts);
    const slots = Array.from(i32.subarray((o + Block.window) >> 2, ((o + Block.window) >> 2) + 100));
    const fails = slots.filter((v) => (v & Outcome.FAILURE) !== 0).length;
    const slow = slots.filter((v) => (v & Outcome.SLOW) !== 0).length;
    expect(slots.every((v) => v >= 0 && v <= 3)).to.equal(true);
    expect(i32[(o + Block.agg) >> 2]).to.equal(fails + slow * AGG_SLOW_UNIT);
    expect(race.breaker.state()).to.equal(BreakerState.CLOSED);
    expect(race.breaker.windowStats()).to.deep.equal({ calls: 100, failureRate: fails, slowCallRate: slow });
  });

  it('time window: the cumulative call, failure and slow counters lose nothing', async () => {
    const attempts = 40_000;
    const pattern = [Outcome.FAILURE, Outcome.SLOW, Outcome.SLOW_FAILURE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const race = await startRace({ slidingWindowType: 'time', slidingWindowSize: 1, bucketMs: 100, minimumNumberOfCalls: 100 }, 'record', 1, attempts, pattern);
    await race.round(1);
    await race.close();
    const i32 = new Int32Array(race.board);
    const o = blockOffset(race.board, 0);
    const calls = THREADS * attempts;
    expect(i32[(o + Block.cum) >> 2]).to.equal(calls);
    expect(i32[(o + Block.cumFail) >> 2]).to.equal((calls / 16) * 2);
    expect(i32[(o + Block.cumSlow) >> 2]).to.equal((calls / 16) * 2);
    expect(race.breaker.state()).to.equal(BreakerState.CLOSED);
  });

  it('trips exactly once when every thread records failures at the same time', async () => {
    const race = await startRace({ slidingWindowSize: 50, minimumNumberOfCalls: 50 }, 'record', 1, 5000, [Outcome.FAILURE]);
    await race.round(1);
    await race.close();
    expect(race.breaker.state()).to.equal(BreakerState.OPEN);
    expect(race.breaker.openCount()).to.equal(1);
    expect(race.breaker.stateWord() >>> 3).to.equal(1);
  });
});
