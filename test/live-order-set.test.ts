import { expect } from 'chai';
import { Insert, LiveOrderSet } from '../core/risk/live-order-set.js';
import { Prng } from '../core/generator/prng.js';

describe('LiveOrderSet', () => {
  it('agrees with a Set under random churn, including ids above 2^32', () => {
    const set = new LiveOrderSet(1 << 12);
    const ref = new Set<number>();
    const rng = new Prng(7);
    for (let i = 0; i < 200_000; i++) {
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
});
