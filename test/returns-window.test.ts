/**
 * The rolling returns (ipc/returns-window-layout.ts): one return per slot,
 * wrap-around after N, zeros for slots without a tick, windows of several
 * symbols aligned on one end slot, and a reader that refuses mid-write data.
 */
import { expect } from 'chai';
import { CACHE_LINE_BYTES } from '../ipc/cache-line.js';
import { ReturnsReader, ReturnsWriter, createReturnsWindow } from '../ipc/returns-window-layout.js';

/** writer.sample with the [mid, nowNs] scratch array the worker keeps. */
function sample(w: ReturnsWriter, s: number, mid: number, nowNs: number): void {
  w.sample(s, Float64Array.of(mid, nowNs));
}

const MS = 1e6;

function copy(reader: ReturnsReader, s: number, endSlot: number, n: number): number[] | false {
  const out = new Float64Array(n);
  return reader.copyAligned(s, endSlot, n, out, 0) ? Array.from(out) : false;
}

describe('returns window', () => {
  it('keeps the last N log returns, one per slot, in order after wrapping', () => {
    const sab = createReturnsWindow({ symbols: 1, window: 5, sampleMs: 10 });
    const w = new ReturnsWriter(sab);
    const r = new ReturnsReader(sab);
    // Mids 100 * 2^k at slots 0..12, each sampled twice (the second in the same slot is ignored).
    for (let k = 0; k <= 12; k++) {
      sample(w, 0, 100 * 2 ** k, k * 10 * MS);
      sample(w, 0, 1, k * 10 * MS + 5 * MS);
    }
    const ln2 = Math.log(2);
    expect(copy(r, 0, 12, 5)).to.deep.equal([ln2, ln2, ln2, ln2, ln2]);
    // A mid 4x higher at slot 13 overwrites slot 8's return; the oldest kept is slot 9.
    sample(w, 0, 100 * 2 ** 14, 130 * MS);
    expect(copy(r, 0, 13, 5)).to.deep.equal([ln2, ln2, ln2, ln2, 2 * ln2]);
    // Slot 8 is gone: a reader asking for it is told to pick a newer end.
    expect(copy(r, 0, 12, 5)).to.equal(false);
    // No tick in slots 14 and 15: their places (slots 9 and 10's old returns) now read 0.
    sample(w, 0, 100 * 2 ** 15, 160 * MS);
    expect(copy(r, 0, 16, 5)).to.deep.equal([ln2, 2 * ln2, 0, 0, ln2]);
  });

  it('fills slots without a tick with 0 and aligns symbols on one end slot', () => {
    const sab = createReturnsWindow({ symbols: 2, window: 8, sampleMs: 1 });
    const w = new ReturnsWriter(sab);
    const r = new ReturnsReader(sab);
    sample(w, 0, 100, 0);
    sample(w, 0, 110, 1 * MS);
    sample(w, 0, 121, 4 * MS); // slots 2, 3 without a tick
    sample(w, 1, 50, 2 * MS); // symbol 1 starts at slot 2 and last ticks at slot 3
    sample(w, 1, 25, 3 * MS);
    sample(w, 0, 0, 5 * MS); // not a price: ignored
    const slots = { lastSlot: 0, firstSlot: 0 };
    expect(r.slots(0, slots)).to.equal(true);
    expect(slots).to.deep.equal({ lastSlot: 4, firstSlot: 0 });
    const ln11 = Math.log(1.1);
    expect(copy(r, 0, 4, 4)).to.deep.equal([ln11, 0, 0, ln11]);
    // Symbol 1 on the same slots 1..4: nothing before its first mid, nothing after its last tick.
    expect(copy(r, 1, 4, 4)).to.deep.equal([0, 0, Math.log(0.5), 0]);
  });

  it('refuses a copy while the writer is mid-sample, and a restarted writer ends it even', () => {
    const sab = createReturnsWindow({ symbols: 1, window: 4, sampleMs: 1 });
    sample(new ReturnsWriter(sab), 0, 100, 0);
    const seq = new Int32Array(sab, CACHE_LINE_BYTES, 1);
    seq[0] = 5; // as left by a worker that died between its two seq stores
    const r = new ReturnsReader(sab);
    expect(copy(r, 0, 1, 1)).to.equal(false);
    sample(new ReturnsWriter(sab), 0, 200, 1 * MS);
    expect(seq[0]).to.equal(8);
    expect(copy(r, 0, 1, 1)).to.deep.equal([Math.log(2)]);
  });

  it('refuses a buffer of another layout', () => {
    expect(() => new ReturnsReader(new SharedArrayBuffer(4096))).to.throw(/not a returns window/);
  });
});
