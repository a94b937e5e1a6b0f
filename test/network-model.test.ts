import { expect } from 'chai';
import { SimScheduler } from '../core/clock/scheduler.js';
import { PERFECT_NETWORK } from '../sim/network/conditions.js';
import { NetworkModel } from '../sim/network/network-model.js';
import { networkOptionsSchema } from '../sim/network/options.js';
import { Prng } from '../core/random/prng.js';

const T0 = Date.UTC(2026, 0, 1);

type Direction = 'toVenue' | 'toClient';

function meanDelay(model: NetworkModel, from: number, n: number, spacingMs: number, dir: Direction = 'toVenue'): { mean: number; lossRate: number } {
  let t = 0;
  let lost = 0;
  for (let i = 0; i < n; i++) {
    const f = model[dir](from + i * spacingMs);
    t += f.delayMs;
    if (f.lost) lost++;
  }
  return { mean: t / n, lossRate: lost / n };
}

describe('NetworkModel', () => {
  it("switches profile mid-run: what is sent after the switch has the new profile's statistics, in both directions", () => {
    const m = new NetworkModel(new SimScheduler(T0), { profile: 'good', seed: 9 });
    const good = meanDelay(m, T0, 20_000, 10_000);
    expect(good.mean).to.be.closeTo(10, 0.2);
    expect(good.lossRate).to.be.below(0.003);
    m.setProfile('Poor');
    expect(m.profile.name).to.equal('poor');
    // Messages 10 s apart: each burst holds one message by 500 ms, so the mean is 150 + 5 % of 500.
    const poor = meanDelay(m, T0 + 3e8, 20_000, 10_000, 'toClient');
    expect(poor.mean).to.be.closeTo(175, 6);
    expect(poor.lossRate).to.be.closeTo(0.05, 0.007);
    m.setProfile('perfect');
    const perfect = meanDelay(m, T0 + 6e8, 1000, 1, 'toVenue');
    expect(perfect.mean).to.be.closeTo(1, 0.05);
  });

  it('a switch ends a burst in force; an unknown profile name throws and changes nothing', () => {
    const m = new NetworkModel(new SimScheduler(T0), { profile: 'poor', seed: 2 });
    // Poor: base delay 150 +- 50, bursts hold messages for up to 500 ms. Find a burst in each direction.
    let t = T0;
    while (m.toVenue(t).delayMs < 450) t += 1;
    while (m.toClient(t).delayMs < 450) t += 1;
    expect(m.toVenue(t + 1).delayMs).to.be.above(400);
    expect(m.toClient(t + 1).delayMs).to.be.above(400);
    m.setProfile('good');
    expect(m.toVenue(t + 2).delayMs).to.be.below(25);
    expect(m.toClient(t + 2).delayMs).to.be.below(25);
    expect(() => m.setProfile('lossy')).to.throw(RangeError, /unknown network profile 'lossy'/);
    expect(m.profile.name).to.equal('good');
  });

  it('the two directions draw from their own streams; the same seed replays both', () => {
    const fates = (seed: number): number[] => {
      const m = new NetworkModel(new SimScheduler(T0), { profile: 'poor', seed });
      const out: number[] = [];
      for (let i = 0; i < 50; i++) out.push(m.toVenue(T0 + i * 1000).delayMs, m.toClient(T0 + i * 1000).delayMs);
      return out;
    };
    const a = fates(1);
    expect(fates(1)).to.deep.equal(a);
    expect(fates(2)).to.not.deep.equal(a);
    const venueward = a.filter((_, i) => i % 2 === 0);
    const clientward = a.filter((_, i) => i % 2 === 1);
    expect(venueward).to.not.deep.equal(clientward);
  });

  it('outage windows: down inside [start, start + duration) only; overlapping windows merge; onDown runs at each start, not for a past one', () => {
    const s = new SimScheduler(T0);
    const m = new NetworkModel(s, {});
    m.scheduleOutage(T0 + 1000, 500);
    m.scheduleOutage(T0 + 1400, 300); // overlaps the first
    m.scheduleOutage(T0 + 5000, 100);
    expect(m.outageWindows()).to.deep.equal([
      [T0 + 1000, T0 + 1700],
      [T0 + 5000, T0 + 5100],
    ]);
    expect(m.down(T0 + 999.9)).to.equal(false);
    expect(m.down(T0 + 1000)).to.equal(true);
    expect(m.down(T0 + 1699.9)).to.equal(true);
    expect(m.down(T0 + 1700)).to.equal(false);
    expect(m.down(T0 + 5050)).to.equal(true);
    expect(m.degraded(T0 + 1200)).to.equal(false);
    const seen: number[] = [];
    const stop = m.onDown(() => seen.push(s.nowMs()));
    s.runUntil(T0 + 2000);
    expect(seen).to.deep.equal([T0 + 1000, T0 + 1400]);
    m.scheduleOutage(T0 + 500, 1000); // already over: nothing to drop
    m.scheduleOutage(T0 + 1900, 200); // started 100 ms ago: drop at once
    s.advance(0);
    expect(seen).to.deep.equal([T0 + 1000, T0 + 1400, T0 + 2000]);
    stop();
    s.runUntil(T0 + 6000);
    expect(seen).to.have.length(3);
  });

  it('hundreds of random, overlapping windows: membership agrees with a plain scan', () => {
    const m = new NetworkModel(new SimScheduler(T0), {});
    const r = new Prng(4);
    const windows: [number, number][] = [];
    for (let i = 0; i < 500; i++) {
      const start = T0 + r.below(1_000_000);
      const d = 1 + r.below(2000);
      windows.push([start, start + d]);
      m.scheduleDegraded(start, d);
    }
    let disagree = 0;
    for (let i = 0; i < 5000; i++) {
      const t = T0 + r.next() * 1_001_000;
      const naive = windows.some(([a, b]) => a <= t && t < b);
      if (m.degraded(t) !== naive) disagree++;
    }
    expect(disagree).to.equal(0);
    expect(m.down(windows[0][0])).to.equal(false); // degraded is not down
  });

  it('a window needs a positive finite duration', () => {
    const m = new NetworkModel(new SimScheduler(T0), {});
    expect(() => m.scheduleOutage(T0, 0)).to.throw(RangeError);
    expect(() => m.scheduleDegraded(T0, Number.NaN)).to.throw(RangeError);
  });

  it('PERFECT_NETWORK: no delay, no loss, never down or degraded', () => {
    expect(PERFECT_NETWORK.toVenue(T0)).to.deep.equal({ delayMs: 0, lost: false });
    expect(PERFECT_NETWORK.toClient(T0)).to.deep.equal({ delayMs: 0, lost: false });
    expect(PERFECT_NETWORK.down(T0)).to.equal(false);
    expect(PERFECT_NETWORK.degraded(T0)).to.equal(false);
  });
});

describe('network options (zod)', () => {
  it('fills defaults, takes names in any case and numbers as strings', () => {
    expect(networkOptionsSchema.parse({})).to.deep.equal({ profile: 'perfect', ar1: 0.5, seed: 1 });
    expect(networkOptionsSchema.parse({ profile: 'Average', ar1: '0.8', seed: '12' })).to.deep.equal({ profile: 'average', ar1: 0.8, seed: 12 });
  });

  it('rejects an unknown profile, an AR(1) coefficient outside [0, 1), a fractional seed and unknown keys', () => {
    for (const bad of [{ profile: 'lossy' }, { ar1: 1 }, { ar1: -0.1 }, { ar1: 'x' }, { seed: 1.5 }, { jitter: 3 }]) {
      expect(networkOptionsSchema.safeParse(bad).success, JSON.stringify(bad)).to.equal(false);
    }
    expect(() => new NetworkModel(new SimScheduler(T0), { ar1: 1 })).to.throw();
  });
});
