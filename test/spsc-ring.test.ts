/**
 * The SPSC ring in one thread: geometry, empty/full, wrap, batches of every
 * size, the int32 position wrap, one Atomics store per batch, cached positions,
 * and the sleep calls' fast paths. Two-thread behaviour: spsc-ring-threads.test.ts.
 */
import { expect } from 'chai';
import { FRAME_BYTES, FRAME_I32 } from '../ipc/frame-layout.js';
import {
  createRingBuffer,
  MAX_RING_SLOTS,
  MIN_RING_SLOTS,
  RING_HEADER_BYTES,
  RING_LEAD_BYTES,
  ringLead,
  ringBytes,
  RingConsumer,
  RingProducer,
} from '../ipc/spsc-ring.js';
import { bufferAddressMod } from '../ipc/buffer-address.js';
import { CACHE_LINE_BYTES } from '../ipc/cache-line.js';
import { createDoorbell, Doorbell } from '../ipc/doorbell.js';
import { applyWaitStrategy, IdleStrategy, WAIT_STRATEGIES } from '../ipc/wait-strategy.js';
import { checkPattern, writePattern } from './fixtures/ring-frame-pattern.js';
import { seedPositions } from './fixtures/ring-seed-positions.js';

const INT32_MAX = 0x7fffffff;

function makeRing(slots: number, start = 0): { sab: SharedArrayBuffer; p: RingProducer; c: RingConsumer } {
  const sab = createRingBuffer(slots);
  if (start !== 0) seedPositions(sab, start);
  return { sab, p: new RingProducer(sab), c: new RingConsumer(sab) };
}

/** Claims and publishes up to `k` pattern frames numbered from `n`; returns how many. */
function produce(p: RingProducer, n: number, k: number): number {
  const free = p.free(k);
  const m = free < k ? free : k;
  for (let i = 0; i < m; i++) writePattern(p.i32, p.f64, p.claim(), n + i, n + i);
  p.publish();
  return m;
}

/** Reads, checks and releases up to `k` frames expected to start at `n`; returns how many. */
function consume(c: RingConsumer, n: number, k: number): number {
  const avail = c.available();
  const m = avail < k ? avail : k;
  for (let i = 0; i < m; i++) {
    const bad = checkPattern(c.i32, c.frameAt(i), n + i);
    if (bad >= 0) throw new Error(`frame ${n + i}: word ${bad} differs`);
  }
  c.advance(m);
  c.release();
  return m;
}

/** Replaces Atomics.load/store with counting wrappers while `body` runs. */
function countAtomics(body: () => void): { loads: number; stores: number } {
  const realLoad = Atomics.load;
  const realStore = Atomics.store;
  const counts = { loads: 0, stores: 0 };
  Atomics.load = ((...args: Parameters<typeof Atomics.load>) => {
    counts.loads++;
    return realLoad(...args);
  }) as typeof Atomics.load;
  Atomics.store = ((...args: Parameters<typeof Atomics.store>) => {
    counts.stores++;
    return realStore(...args);
  }) as typeof Atomics.store;
  try {
    body();
  } finally {
    Atomics.load = realLoad;
    Atomics.store = realStore;
  }
  return counts;
}

/** Runs `body`, recording each Atomics.wait it makes: its timeout and what the wait returned. */
function recordWaits(body: () => void): Array<{ timeoutMs: number | undefined; result: string }> {
  const realWait = Atomics.wait;
  const waits: Array<{ timeoutMs: number | undefined; result: string }> = [];
  Atomics.wait = ((...args: Parameters<typeof Atomics.wait>) => {
    const result = realWait(...args);
    waits.push({ timeoutMs: args[3], result });
    return result;
  }) as typeof Atomics.wait;
  try {
    body();
  } finally {
    Atomics.wait = realWait;
  }
  return waits;
}

describe('spsc-ring (one thread)', () => {
  describe('geometry', () => {
    it('sizes a ring as a two-line lead-in, a three-line header (one line per writer) and 64 bytes per slot', () => {
      expect(RING_HEADER_BYTES).to.equal(3 * CACHE_LINE_BYTES);
      expect(RING_LEAD_BYTES).to.equal(2 * CACHE_LINE_BYTES);
      expect(ringBytes(8)).to.equal(256 + 384 + 8 * FRAME_BYTES);
      for (const slots of [MIN_RING_SLOTS, 4, 1024]) {
        const { p, c } = makeRing(slots);
        expect(p.sab.byteLength).to.equal(ringBytes(slots));
        expect([p.capacity, c.capacity, p.mask, c.mask]).to.deep.equal([slots, slots, slots - 1, slots - 1]);
      }
    });

    it('rejects slot counts that are not a power of two in range', () => {
      for (const bad of [0, 1, 3, 6, 100, 2.5, -4, NaN, MAX_RING_SLOTS * 2]) {
        expect(() => createRingBuffer(bad), String(bad)).to.throw(RangeError);
      }
      expect(createRingBuffer(MAX_RING_SLOTS).byteLength).to.equal(ringBytes(MAX_RING_SLOTS));
    });

    it('refuses to attach to a buffer that is not a ring', () => {
      for (const bytes of [0, RING_HEADER_BYTES, ringBytes(1), ringBytes(3), ringBytes(4) + 8, ringBytes(4)]) {
        // ringBytes(4) has the size of a ring but no magic, version or lead.
        const sab = new SharedArrayBuffer(bytes);
        expect(() => new RingProducer(sab), String(bytes)).to.throw(RangeError);
        expect(() => new RingConsumer(sab), String(bytes)).to.throw(RangeError);
      }
    });

    it('starts the ring proper on a 128-byte line of real memory, so each slot has a cache line of its own', function () {
      const sab = createRingBuffer(16);
      const misalign = bufferAddressMod(sab, 128);
      if (misalign < 0) this.skip(); // the address cannot be read here: lead 128, unaligned but correct
      const lead = ringLead(sab);
      expect(lead).to.be.within(128, RING_LEAD_BYTES - 8);
      expect((misalign + lead) % 128).to.equal(0);
      const p = new RingProducer(sab);
      expect(p.lead).to.equal(lead);
      expect(((misalign + lead + p.slotI32(0) * 4) % 64)).to.equal(0);
      // The last slot ends inside the buffer.
      expect(lead + (p.slotI32(15) + FRAME_I32) * 4).to.be.at.most(sab.byteLength);
    });

    it('maps position p to slot p & mask, after the header, 16 int32 apart', () => {
      const { p } = makeRing(4);
      const first = RING_HEADER_BYTES >> 2;
      const slots = [];
      for (let i = 0; i < 4; i++) slots.push(p.claim());
      expect(slots).to.deep.equal([first, first + FRAME_I32, first + 2 * FRAME_I32, first + 3 * FRAME_I32]);
      expect(p.slotI32(5)).to.equal(first + FRAME_I32);
      expect(p.slotI32(-1)).to.equal(first + 3 * FRAME_I32);
      // The last slot ends exactly at the end of the views.
      expect((first + 4 * FRAME_I32) * 4).to.equal(p.i32.byteLength);
    });
  });

  describe('empty and full', () => {
    it('starts empty: nothing available, every slot free', () => {
      const { p, c } = makeRing(8);
      expect(c.available()).to.equal(0);
      expect(p.free(1)).to.equal(8);
      expect(p.pending()).to.equal(0);
      expect(c.occupancy()).to.equal(0);
    });

    it('hides claimed frames until publish, then shows the whole batch', () => {
      const { p, c } = makeRing(8);
      for (let i = 0; i < 3; i++) writePattern(p.i32, p.f64, p.claim(), i, i);
      expect(p.pending()).to.equal(3);
      expect(p.free(1)).to.equal(5);
      expect(c.available()).to.equal(0);
      p.publish();
      expect(p.pending()).to.equal(0);
      expect(c.available()).to.equal(3);
      expect(consume(c, 0, 8)).to.equal(3);
      expect(c.available()).to.equal(0);
    });

    it('fills to exactly capacity, refuses one more, and counts the refusal', () => {
      const { p, c } = makeRing(8);
      for (let i = 0; i < 8; i++) expect(p.claim()).to.be.at.least(0);
      expect(p.claim()).to.equal(-1);
      expect(p.claim()).to.equal(-1);
      expect(p.fullCount()).to.equal(2);
      expect(p.free(1)).to.equal(0);
      p.publish();
      expect(c.available()).to.equal(8);
      expect(c.occupancy()).to.equal(8);
      expect(c.peakOccupancy()).to.equal(8);
    });

    it('does not hand a slot back to the producer before release()', () => {
      const { p, c } = makeRing(4);
      expect(produce(p, 0, 4)).to.equal(4);
      c.available();
      c.advance(3);
      expect(p.free(1)).to.equal(0);
      expect(p.claim()).to.equal(-1);
      c.release();
      expect(p.free(4)).to.equal(3);
      expect(c.available()).to.equal(1);
    });

    it('frameAt(k) is the k-th oldest unread frame', () => {
      const { p, c } = makeRing(8);
      produce(p, 0, 6);
      c.available();
      c.advance(2);
      expect(c.frameAt(0)).to.equal(c.slotI32(2));
      for (let k = 0; k < 4; k++) expect(checkPattern(c.i32, c.frameAt(k), 2 + k)).to.equal(-1);
    });
  });

  describe('wrap and batches', () => {
    it('moves frames in order across many wraps for every pair of batch sizes', function () {
      this.timeout(20_000);
      for (const slots of [2, 4, 8, 64]) {
        const frames = 3 * slots + 5;
        for (let pb = 1; pb <= slots; pb++) {
          for (let cb = 1; cb <= slots; cb++) {
            const { p, c } = makeRing(slots);
            let sent = 0;
            let got = 0;
            while (got < frames) {
              sent += produce(p, sent, Math.min(pb, frames - sent));
              got += consume(c, got, cb);
            }
            expect(sent, `${slots}/${pb}/${cb}`).to.equal(frames);
            expect(c.available()).to.equal(0);
            expect(c.occupancy()).to.equal(0);
            expect(p.free(slots)).to.equal(slots);
          }
        }
      }
    });

    it('fills and drains whole rings repeatedly (full <-> empty at every offset)', () => {
      const { p, c } = makeRing(8);
      let sent = 0;
      let got = 0;
      for (let round = 0; round < 40; round++) {
        // Shift the phase by one slot per round so full and empty land on every slot.
        sent += produce(p, sent, 1);
        got += consume(c, got, 1);
        sent += produce(p, sent, 100);
        expect(p.free(1)).to.equal(0);
        expect(p.claim()).to.equal(-1);
        got += consume(c, got, 100);
        expect(c.available()).to.equal(0);
      }
      expect(got).to.equal(sent);
      expect(sent).to.equal(40 * 9);
    });
  });

  describe('int32 positions', () => {
    for (const start of [INT32_MAX - 20, -1, -0x80000000 + 3]) {
      it(`moves frames across the wrap from position ${start}`, () => {
        const { sab, p, c } = makeRing(8, start);
        expect(p.claim()).to.equal(p.slotI32(start));
        writePattern(p.i32, p.f64, p.slotI32(start), 0, 0);
        p.publish();
        let sent = 1;
        let got = 0;
        for (let batch = 1; got < 100; batch = (batch % 8) + 1) {
          sent += produce(p, sent, batch);
          got += consume(c, got, 9 - batch);
          expect(c.occupancy()).to.be.within(0, 8);
        }
        got += consume(c, got, 8);
        expect(got).to.equal(sent);
        const i32 = new Int32Array(sab, ringLead(sab));
        // tail (byte 0 of the ring proper) and head (byte 128) both moved `sent` positions, wrapping as int32.
        expect(i32[0]).to.equal((start + sent) | 0);
        expect(i32[32]).to.equal((start + sent) | 0);
      });
    }

    it('reports full and free correctly when tail has wrapped and head has not', () => {
      const start = INT32_MAX - 2;
      const { p, c } = makeRing(8, start);
      expect(produce(p, 0, 8)).to.equal(8);
      expect(p.claim()).to.equal(-1);
      expect(c.available()).to.equal(8);
      expect(c.occupancy()).to.equal(8);
      expect(consume(c, 0, 2)).to.equal(2);
      // head = INT32_MAX (not wrapped), tail = INT32_MIN + 5 (wrapped)
      expect(p.free(8)).to.equal(2);
      expect(consume(c, 2, 8)).to.equal(6);
      expect(p.free(8)).to.equal(8);
    });

    it('re-attaching ends resume from the shared positions', () => {
      const { sab, p, c } = makeRing(8, INT32_MAX - 1);
      produce(p, 0, 5);
      consume(c, 0, 2);
      const p2 = new RingProducer(sab);
      const c2 = new RingConsumer(sab);
      expect(c2.available()).to.equal(3);
      expect(p2.free(8)).to.equal(5);
      produce(p2, 5, 5);
      expect(consume(c2, 2, 8) + consume(c2, 5, 8)).to.equal(8);
    });
  });

  describe('batching and cached positions', () => {
    it('publishes a batch of any size with one Atomics.store and claims it with none', () => {
      const { p } = makeRing(64);
      for (const batch of [1, 2, 17, 64]) {
        const { p: fresh } = makeRing(64);
        const counts = countAtomics(() => {
          for (let i = 0; i < batch; i++) writePattern(fresh.i32, fresh.f64, fresh.claim(), i, i);
          fresh.publish();
        });
        expect(counts, `batch ${batch}`).to.deep.equal({ loads: 0, stores: 1 });
      }
      // Publishing nothing stores nothing.
      expect(countAtomics(() => p.publish())).to.deep.equal({ loads: 0, stores: 0 });
    });

    it('releases a drained batch of any size with one Atomics.store', () => {
      for (const batch of [1, 5, 64]) {
        const { p, c } = makeRing(64);
        produce(p, 0, batch);
        c.available();
        const counts = countAtomics(() => {
          for (let i = 0; i < batch; i++) checkPattern(c.i32, c.frameAt(i), i);
          c.advance(batch);
          c.release();
        });
        expect(counts, `batch ${batch}`).to.deep.equal({ loads: 0, stores: 1 });
        expect(countAtomics(() => c.release())).to.deep.equal({ loads: 0, stores: 0 });
      }
    });

    it('the consumer re-reads tail only when its cached view is empty', () => {
      const { p, c } = makeRing(16);
      produce(p, 0, 8);
      expect(countAtomics(() => expect(c.available()).to.equal(8)).loads).to.equal(1);
      c.advance(3);
      // 5 frames still cached: no shared read, even though the producer adds more.
      produce(p, 8, 4);
      expect(countAtomics(() => expect(c.available()).to.equal(5)).loads).to.equal(0);
      c.advance(5);
      expect(countAtomics(() => expect(c.available()).to.equal(4)).loads).to.equal(1);
    });

    it('the producer re-reads head only when its cached view looks full', () => {
      const { p, c } = makeRing(8);
      produce(p, 0, 8);
      consume(c, 0, 8);
      // Cached head is still 0: the ring looks full, so claim() and free() re-read it.
      expect(countAtomics(() => expect(p.claim()).to.be.at.least(0)).loads).to.equal(1);
      // Now the cache says 7 free: no shared read while it does.
      expect(
        countAtomics(() => {
          expect(p.free(7)).to.equal(7);
          for (let i = 0; i < 7; i++) p.claim();
        }).loads,
      ).to.equal(0);
      expect(countAtomics(() => expect(p.free(1)).to.equal(0)).loads).to.equal(1);
    });

    it('tracks peak occupancy as seen by the consumer', () => {
      const { p, c } = makeRing(16);
      produce(p, 0, 5);
      c.available();
      expect(c.peakOccupancy()).to.equal(5);
      consume(c, 0, 5);
      produce(p, 5, 11);
      c.available();
      expect(c.peakOccupancy()).to.equal(11);
      consume(c, 5, 16);
      produce(p, 16, 2);
      c.available();
      expect(c.peakOccupancy()).to.equal(11);
    });
  });

  // "At once" is checked as a mechanism, not a time: no wait at all (a busy machine can stretch any call).
  describe('sleep fast paths', () => {
    it('a doorbell sleep returns when rung, and after the timeout when not', () => {
      const bell = new Doorbell(createDoorbell());
      const t0 = performance.now();
      bell.arm();
      expect(recordWaits(() => bell.sleep(20))).to.deep.equal([{ timeoutMs: 20, result: 'timed-out' }]);
      expect(performance.now() - t0).to.be.at.least(15);
      bell.arm();
      bell.ring(); // a producer that publishes between arm() and sleep() bumps the sequence
      expect(recordWaits(() => bell.sleep(5_000)), 'rung before the wait: no sleep').to.deep.equal([{ timeoutMs: 5_000, result: 'not-equal' }]);
    });

    it('a producer rings only an armed doorbell (one Atomics.load otherwise)', () => {
      const sab = createDoorbell();
      const bell = new Doorbell(sab);
      const seq = () => new Int32Array(sab)[32];
      bell.ring();
      expect(seq()).to.equal(0);
      bell.arm();
      bell.ring();
      expect(seq()).to.equal(1);
      bell.disarm();
      bell.ring();
      expect(seq()).to.equal(1);
    });

    it('refuses to attach to a buffer that is not a doorbell', () => {
      expect(() => new Doorbell(new SharedArrayBuffer(256))).to.throw(/not a doorbell/);
      expect(() => new Doorbell(createRingBuffer(8))).to.throw(/not a doorbell/);
    });

    it('sleepUntilFree returns at once when there is space, and after the timeout when full', () => {
      const { p } = makeRing(2);
      expect(recordWaits(() => p.sleepUntilFree(5_000)), 'no wait with space free').to.deep.equal([]);
      produce(p, 0, 2);
      const t0 = performance.now();
      expect(recordWaits(() => p.sleepUntilFree(20))).to.deep.equal([{ timeoutMs: 20, result: 'timed-out' }]);
      expect(performance.now() - t0).to.be.at.least(15);
    });
  });

  describe('wait strategies', () => {
    it('only block turns on the wake-ups: the producer rings the consumer thread\'s doorbell, the consumer wakes a waiting producer', () => {
      for (const strategy of WAIT_STRATEGIES) {
        const { p, c } = makeRing(8);
        applyWaitStrategy(strategy, { producer: p, consumerDoorbell: createDoorbell(), consumer: c });
        expect([p.doorbell !== null, c.wakeProducer], strategy).to.deep.equal(strategy === 'block' ? [true, true] : [false, false]);
      }
    });

    /** An idle strategy whose naps and doorbell sleeps are recorded instead of slept. */
    function idlerWithSpy(strategy: (typeof WAIT_STRATEGIES)[number]): { idler: IdleStrategy; sleeps: number[]; naps: number[] } {
      const bell = new Doorbell(createDoorbell());
      const sleeps: number[] = [];
      const naps: number[] = [];
      bell.sleep = (ms: number) => void sleeps.push(ms);
      return { idler: new IdleStrategy(strategy, bell, 250, (ms) => naps.push(ms)), sleeps, naps };
    }
    const nothing = { doWork: () => 0 };

    it('spin never sleeps', () => {
      const { idler, sleeps, naps } = idlerWithSpy('spin');
      for (let i = 0; i < 10_000; i++) idler.idle(nothing);
      expect([sleeps, naps]).to.deep.equal([[], []]);
    });

    it('yield naps 50 µs in place after 2000 idle passes, and reset() restarts the count', () => {
      const { idler, naps } = idlerWithSpy('yield');
      for (let i = 0; i < 1999; i++) idler.idle(nothing);
      expect(naps).to.deep.equal([]);
      idler.idle(nothing);
      expect(naps).to.deep.equal([0.05]);
      for (let i = 0; i < 1000; i++) idler.idle(nothing);
      idler.reset();
      for (let i = 0; i < 1999; i++) idler.idle(nothing);
      expect(naps).to.have.length(1);
      idler.idle(nothing);
      expect(naps).to.deep.equal([0.05, 0.05]);
    });

    it('block sleeps on the doorbell on every idle pass, up to its maximum or the agent\'s bound', () => {
      const { idler, sleeps } = idlerWithSpy('block');
      for (let i = 0; i < 3; i++) idler.idle(nothing);
      expect(sleeps).to.deep.equal([250, 250, 250]);
      idler.idle({ doWork: () => 0, sleepBoundMs: Float64Array.of(0.5) });
      expect(sleeps).to.deep.equal([250, 250, 250, 0.5]);
    });

    it('block takes one more look after arming, and does not sleep when it finds work', () => {
      const { idler, sleeps } = idlerWithSpy('block');
      let looks = 0;
      idler.idle({ doWork: () => ++looks });
      expect(looks).to.equal(1);
      expect(sleeps).to.deep.equal([]);
    });

    it('block needs a doorbell', () => {
      expect(() => new IdleStrategy('block', null, 1)).to.throw(/doorbell/);
    });
  });

  describe('attach', () => {
    it('refuses a buffer without the ring\'s magic and version', () => {
      const sab = createRingBuffer(8);
      new Int32Array(sab)[1] = 0x12345678;
      expect(() => new RingConsumer(sab)).to.throw(/not a ring buffer: magic 0x12345678/);
      const old = createRingBuffer(8);
      new Int32Array(old)[2] = 1;
      expect(() => new RingProducer(old)).to.throw(/version 1/);
    });
  });

  describe('model check', () => {
    it('matches a queue model under 200k random operations, across the int32 wrap', () => {
      let rng = 0x2545f491;
      const next = (bound: number): number => {
        rng ^= rng << 13;
        rng ^= rng >>> 17;
        rng ^= rng << 5;
        return (rng >>> 0) % bound;
      };
      // Plain checks: chai per operation would make this test 20x slower.
      const check = (ok: boolean, op: number, what: string): void => {
        if (!ok) throw new Error(`operation ${op}: ${what}`);
      };
      const slots = 16;
      const start = INT32_MAX - 50_000;
      const { sab, p, c } = makeRing(slots, start);
      const i32 = new Int32Array(sab, ringLead(sab));
      let claimed = 0;
      let published = 0;
      let read = 0;
      let released = 0;
      for (let op = 0; op < 200_000; op++) {
        switch (next(5)) {
          case 0: {
            const k = next(slots + 2);
            for (let i = 0; i < k; i++) {
              const slot = p.claim();
              if (claimed - released === slots) {
                check(slot === -1, op, 'claim() on a full ring must fail');
                break;
              }
              check(slot === p.slotI32(start + claimed), op, 'claim() must hand out the next slot');
              writePattern(p.i32, p.f64, slot, claimed, claimed);
              claimed++;
            }
            break;
          }
          case 1:
            p.publish();
            published = claimed;
            break;
          case 2: {
            const avail = c.available();
            // The cache may lag the model but never exceed it, and is re-read when it shows nothing.
            check(avail >= 0 && avail <= published - read, op, `available() ${avail} outside [0, ${published - read}]`);
            check(published === read || avail > 0, op, 'available() must re-read tail when its cache is empty');
            const k = next(avail + 1);
            for (let i = 0; i < k; i++) check(checkPattern(c.i32, c.frameAt(i), read + i) === -1, op, `frame ${read + i} corrupt`);
            c.advance(k);
            read += k;
            break;
          }
          case 3:
            c.release();
            released = read;
            break;
          case 4: {
            // The cache may under-report free space, but is re-read when it shows less than wanted.
            const want = next(slots + 1);
            const free = p.free(want);
            const real = slots - (claimed - released);
            check(free >= 0 && free <= real, op, `free() ${free} outside [0, ${real}]`);
            check(free >= want || free === real, op, 'free() must re-read head when short');
            check(p.pending() === claimed - published, op, 'pending()');
            break;
          }
        }
        check(i32[0] === ((start + published) | 0), op, 'shared tail');
        check(i32[32] === ((start + released) | 0), op, 'shared head');
        check(c.occupancy() === published - released, op, 'occupancy()');
      }
      expect(published).to.be.above(50_000);
      expect(released).to.be.above(50_000);
    });
  });
});
