import { expect } from 'chai';
import { Insert, LiveOrderSet, usableLiveOrders } from '../core/risk/live-order-set.js';
import { Prng } from '../core/random/prng.js';

describe('LiveOrderSet', () => {
  it('holds 3/4 of its slots: none in 2, 3 in 4 (what --live-orders is bounded by)', () => {
    for (const slots of [2, 4, 8, 65536]) {
      const set = new LiveOrderSet(slots);
      let held = 0;
      while (set.insert(held + 1) === Insert.Added) held++;
      expect([held, set.limit]).to.deep.equal([usableLiveOrders(slots), usableLiveOrders(slots)]);
    }
    expect([usableLiveOrders(2), usableLiveOrders(4)]).to.deep.equal([0, 3]);
  });

  it('agrees with a Set under random churn, including ids above 2^32', () => {
    const set = new LiveOrderSet(1 << 12);
    const ref = new Set<number>();
    const rng = new Prng(7);
    for (let i = 0; i < 60_000; i++) {
      const id = rng.below(5000) + (rng.next() < 0.5 ? 0 : 2 ** 40);
      if (rng.next() < 0.55) {
        const r = set.insert(id);
        if (ref.has(id)) expect(r).to.equal(Insert.Exists);
        else if (ref.size >= set.limit) expect(r).to.equal(Insert.Full);
        else {
          expect(r).to.equal(Insert.Added);
          ref.add(id);
        }
      } else {
        expect(set.delete(id)).to.equal(ref.delete(id));
      }
      expect(set.size).to.equal(ref.size);
    }
    for (const id of ref) expect(set.has(id)).to.equal(true);
  });

  it('agrees with a Set for sequential, strided and clustered ids (a sliding window of live orders)', () => {
    for (const [stride, base] of [[1, 0], [1, 2 ** 45 - 3], [8, 0], [11, 5], [1 << 16, 0], [2 ** 32, 7], [2 ** 35, 0]]) {
      const set = new LiveOrderSet(1 << 10);
      const ref = new Set<number>();
      const window = 500;
      for (let i = 0; i < 8_000; i++) {
        const id = base + i * stride;
        expect(set.insert(id), `insert ${id}`).to.equal(Insert.Added);
        ref.add(id);
        if (i >= window) {
          const old = base + (i - window) * stride;
          expect(set.take(old), `take ${old}`).to.not.equal(-1);
          ref.delete(old);
        }
        expect(set.size).to.equal(ref.size);
      }
      for (const id of ref) expect(set.has(id), `has ${id}`).to.equal(true);
      expect(set.has(base + 8_000 * stride)).to.equal(false);
    }
  });
});
