/** Batch runs: claimRun/readRun hand out back-to-back slots, stop at the buffer's end, and keep FIFO order across the wrap. */
import { expect } from 'chai';
import { RingConsumer, RingProducer, createRingBuffer } from '../ipc/spsc-ring.js';

describe('SPSC ring runs', () => {
  it('moves frames in runs that stop at the end of the buffer, in order, across many wraps', () => {
    const sab = createRingBuffer(8);
    const p = new RingProducer(sab);
    const c = new RingConsumer(sab);
    let written = 0;
    let read = 0;
    const sizes = [3, 5, 1, 8, 2, 7, 4, 6];
    for (let round = 0; round < 200; round++) {
      const want = sizes[round % sizes.length];
      const n = p.claimRun(want);
      expect(n).to.be.at.most(want);
      const startSlot = (p.runStart - 128) >> 4;
      expect(startSlot + n).to.be.at.most(8); // never past the end of the buffer
      for (let k = 0; k < n; k++) p.f64[(p.runStart >> 1) + k * 8] = written++;
      p.publish();
      const m = c.readRun(sizes[(round + 3) % sizes.length]);
      expect((c.runStart - 128) / 16 + m).to.be.at.most(8);
      for (let k = 0; k < m; k++) expect(c.f64[(c.runStart >> 1) + k * 8]).to.equal(read++);
      c.advance(m);
      c.release();
    }
    expect(read).to.be.greaterThan(500);
    expect(written - read).to.be.within(0, 8);
  });

  it('claims nothing from a full ring and reads nothing from an empty one', () => {
    const sab = createRingBuffer(4);
    const p = new RingProducer(sab);
    const c = new RingConsumer(sab);
    expect(c.readRun(4)).to.equal(0);
    expect(p.claimRun(10)).to.equal(4);
    expect(p.claimRun(1)).to.equal(0);
    p.publish();
    expect(c.readRun(10)).to.equal(4);
  });
});
