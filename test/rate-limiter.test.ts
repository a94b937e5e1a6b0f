/**
 * The rate limiters on one thread with hand-moved time: each venue's rule,
 * multi-rule requests refused whole (earlier reservations rolled back), the
 * profiles and overrides, live limit changes, 32-bit wrap-around upkeep, and
 * no allocation per request.
 */
import { expect } from 'chai';
import { PerformanceObserver } from 'node:perf_hooks';
import { Header, Rule, RULE_I32, rulesByte } from '../core/limits/limiter-layout.js';
import { rateLimitsSchema, type RateLimitsConfigInput, type RateRuleInput } from '../core/limits/limiter-settings.js';
import { applyLimiterChange, compileLimiters, createRateLimiters, limiterChangeBlocker, RateLimiter, RateLimiters, shortenWindows } from '../core/limits/rate-limiter.js';
import { referenceProfile, resolveLimiters, venueProfile } from '../core/limits/venue-limits.js';
import { Market, Venue } from '../core/venue/venue.js';

const T0 = 5e15; // ns: a monotonic clock ~58 days after boot
const MS = 1e6;
const S = 1e9;

function limiters(input: RateLimitsConfigInput, now = T0, wallMs = 0): { set: RateLimiters; ids: string[]; sab: SharedArrayBuffer } {
  const { sab, ids } = createRateLimiters(rateLimitsSchema.parse(input), now, wallMs);
  return { set: new RateLimiters(sab), ids, sab };
}

function one(rules: RateRuleInput[], now = T0): RateLimiter {
  return limiters({ profile: 'reference', limiters: { 'x.test': { rules } } }, now).set.limiters[6];
}

function admitted(l: RateLimiter, n: number, orders: number, weight: number, now: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (l.tryAcquire(orders, weight, now)) k++;
  return k;
}

describe('rate limiter: venue profiles', () => {
  it('models each venue\'s documented rule', () => {
    const v = venueProfile('starter');
    expect(v['binance.spot'].rules).to.deep.equal([
      { kind: 'fixedWindow', counts: 'orders', limit: 50, windowMs: 10_000, align: 'wall' },
      { kind: 'fixedWindow', counts: 'weight', limit: 6000, windowMs: 60_000, align: 'wall' },
      { kind: 'fixedWindow', counts: 'orders', limit: 160_000, windowMs: 86_400_000, align: 'wall' },
    ]);
    expect(v['binance.usdm'].rules.map((r) => r.kind === 'fixedWindow' && [r.limit, r.windowMs])).to.deep.equal([[300, 10_000], [1200, 60_000]]);
    expect(v['kraken.spot'].rules).to.deep.equal([{ kind: 'decayingCounter', counts: 'weight', max: 15, decayPerSec: 0.33 }]);
    expect(venueProfile('intermediate')['kraken.spot'].rules[0]).to.include({ max: 20, decayPerSec: 0.5 });
    expect(venueProfile('pro')['kraken.spot'].rules[0]).to.include({ max: 20, decayPerSec: 1 });
    expect(v['coinbase.private'].rules[0]).to.include({ kind: 'tokenBucket', ratePerSec: 15, burst: 30 });
    expect(v['coinbase.public'].rules[0]).to.include({ kind: 'tokenBucket', ratePerSec: 10, burst: 15 });
  });

  it('the reference profile: Binance 20/50, Kraken 15/30, Coinbase 10/25 per second, spot/futures', () => {
    const r = referenceProfile();
    const rate = (id: string) => {
      const rule = r[id].rules[0];
      return rule.kind === 'tokenBucket' ? [rule.ratePerSec, rule.burst] : [];
    };
    expect([rate('binance.spot'), rate('binance.futures'), rate('kraken.spot'), rate('kraken.futures'), rate('coinbase.spot'), rate('coinbase.futures')]).to.deep.equal([
      [20, 20], [50, 50], [15, 15], [30, 30], [10, 10], [25, 25],
    ]);
  });

  it('routes orders per venue and market, and config overrides replace a profile limiter', () => {
    const { set, ids } = limiters({ limiters: { 'binance.spot': { orders: { venue: 'binance', market: 'spot' }, rules: [{ kind: 'fixedWindow', counts: 'orders', limit: 45, windowMs: 10_000 }] } } });
    expect(ids).to.deep.equal(['binance.spot', 'binance.usdm', 'coinbase.private', 'coinbase.public', 'kraken.spot']);
    expect(set.orderLimiterIndex(Venue.binance, Market.spot)).to.equal(0);
    expect(set.orderLimiterIndex(Venue.binance, Market.futures)).to.equal(1);
    expect(set.orderLimiterIndex(Venue.coinbase, Market.spot)).to.equal(2);
    expect(set.orderLimiterIndex(Venue.kraken, Market.spot)).to.equal(4);
    expect(set.forOrders(Venue.kraken, Market.futures)).to.equal(undefined);
    const l = set.forOrders(Venue.binance, Market.spot)!;
    expect(l.ruleCount).to.equal(1);
    expect(admitted(l, 100, 1, 1, T0)).to.equal(45);
  });

  it('refuses configs that cannot be laid out or are ambiguous', () => {
    expect(() => rateLimitsSchema.parse({ profile: 'fast' })).to.throw();
    expect(() => rateLimitsSchema.parse({ limiters: { x: { rules: [{ kind: 'tokenBucket', counts: 'orders', ratePerSec: -1, burst: 1 }] } } })).to.throw();
    expect(() => rateLimitsSchema.parse({ limiters: { x: { rules: [] } } })).to.throw();
    expect(() => resolveLimiters(rateLimitsSchema.parse({ limiters: { dup: { orders: { venue: 'kraken', market: 'spot' }, rules: [{ kind: 'tokenBucket', counts: 'orders', ratePerSec: 1, burst: 1 }] } } }))).to.throw(/both claim orders for kraken\/spot/);
    expect(() => createRateLimiters(rateLimitsSchema.parse({ limiters: { slow: { rules: [{ kind: 'decayingCounter', counts: 'weight', max: 1000, decayPerSec: 0.1 }] } } }), T0)).to.throw(/spans/);
  });
});

describe('rate limiter: fixed windows (Binance)', () => {
  it('admits the limit per window and opens a fresh window at the boundary', () => {
    const l = one([{ kind: 'fixedWindow', counts: 'orders', limit: 50, windowMs: 10_000, align: 'none' }]);
    const start = Math.ceil(T0 / (10 * S)) * 10 * S; // a window boundary
    expect(admitted(l, 80, 1, 0, start)).to.equal(50);
    expect(admitted(l, 10, 1, 0, start + 10 * S - 1)).to.equal(0);
    expect(admitted(l, 80, 1, 0, start + 10 * S)).to.equal(50);
  });

  it('aligns windows to the wall clock: the window turns when UTC crosses a multiple of the window', () => {
    // Created at monotonic T0 when the wall clock reads 12:00:07.250 (7.25 s into a 10 s window).
    const wallMs = Date.UTC(2026, 0, 1, 12, 0, 7, 250);
    const { set } = limiters({ limiters: { 'binance.spot': { orders: { venue: 'binance', market: 'spot' }, rules: [{ kind: 'fixedWindow', counts: 'orders', limit: 50, windowMs: 10_000 }] } } }, T0, wallMs);
    const l = set.forOrders(Venue.binance, Market.spot)!;
    expect(admitted(l, 60, 1, 1, T0)).to.equal(50);
    expect(admitted(l, 1, 1, 1, T0 + 2750 * MS - 1)).to.equal(0); // 12:00:09.999999999
    expect(admitted(l, 60, 1, 1, T0 + 2750 * MS)).to.equal(50); // 12:00:10.000
  });

  it('a request refused by a later rule gives back what earlier rules reserved', () => {
    // Binance spot shape, scaled: 5 orders / 10 s, weight 12 / 1 min, 100 orders / day.
    const l = one([
      { kind: 'fixedWindow', counts: 'orders', limit: 5, windowMs: 10_000, align: 'none' },
      { kind: 'fixedWindow', counts: 'weight', limit: 12, windowMs: 60_000, align: 'none' },
      { kind: 'fixedWindow', counts: 'orders', limit: 100, windowMs: 86_400_000, align: 'none' },
    ]);
    const t = Math.ceil(T0 / (86_400 * S)) * 86_400 * S;
    expect(l.tryAcquire(0, 10, t)).to.equal(true); // a weight-10 query: no order counted
    expect(admitted(l, 5, 1, 1, t)).to.equal(2); // weight 12 reached after 2 orders
    // Refused by the weight rule: the 10 s and daily order windows kept nothing of the refused orders.
    expect(admitted(l, 10, 1, 1, t + 60 * S)).to.equal(5); // new minute and new 10 s window: 5 orders
    expect(admitted(l, 200, 1, 1, t + 120 * S)).to.equal(5);
    expect(admitted(l, 200, 1, 1, t + 180 * S)).to.equal(5);
    // The daily rule saw exactly the 17 admitted orders: 83 left.
    let total = 0;
    for (let m = 4; m < 40; m++) total += admitted(l, 200, 1, 1, t + m * 60 * S);
    expect(total).to.equal(83);
  });

  it('a scratch copy for warm-up gets short, unaligned windows; buckets and limits stay', () => {
    const wallMs = Date.UTC(2026, 0, 1, 12, 0, 7, 250);
    const { sab } = limiters({ profile: 'reference', limiters: { 'x.test': { rules: [{ kind: 'fixedWindow', counts: 'orders', limit: 3, windowMs: 10_000 }, { kind: 'tokenBucket', counts: 'weight', ratePerSec: 1, burst: 100 }] } } }, T0, wallMs);
    shortenWindows(sab, 5 * MS);
    const l = new RateLimiters(sab).limiters[6];
    const start = Math.ceil(T0 / (5 * MS)) * 5 * MS;
    expect(admitted(l, 5, 1, 1, start)).to.equal(3);
    expect(admitted(l, 5, 1, 1, start + 5 * MS - 1)).to.equal(0);
    expect(admitted(l, 5, 1, 1, start + 5 * MS)).to.equal(3); // a 10 s window would still be full here
    expect(admitted(l, 200, 1, 1, start + 10_000 * MS)).to.equal(3);
    expect(admitted(l, 200, 0, 1, start + 10_000 * MS)).to.equal(97); // the bucket, full again after 10 s at 1/s, less those 3
  });

  it('a weight heavier than the whole window is refused, and counts as nothing', () => {
    const l = one([{ kind: 'fixedWindow', counts: 'weight', limit: 10, windowMs: 1000, align: 'none' }]);
    expect(l.tryAcquire(1, 11, T0)).to.equal(false);
    expect(admitted(l, 20, 1, 1, T0)).to.equal(10);
  });
});

describe('rate limiter: token bucket (Coinbase) and decaying counter (Kraken)', () => {
  it('Coinbase private: starts full at 30, refills 15/s, lazily, never faster', () => {
    const { set } = limiters({});
    const l = set.forOrders(Venue.coinbase, Market.spot)!;
    expect(admitted(l, 100, 1, 1, T0)).to.equal(30);
    expect(admitted(l, 100, 1, 1, T0 + 0.5 * S)).to.equal(7); // 7.5 tokens: 7 whole
    // One token takes ceil(1e6 / 15) = 66,667 µs, a third of a µs more than 1/15 s: rounding never admits early.
    expect(admitted(l, 100, 1, 1, T0 + 1 * S)).to.equal(7);
    expect(admitted(l, 100, 1, 1, T0 + 1 * S + 5000)).to.equal(1);
    expect(admitted(l, 100, 1, 1, T0 + 100 * S)).to.equal(30); // never more than the burst
  });

  it('Kraken starter: counter max 15, decays 0.33/s; a call of cost 2 needs 2 of headroom', () => {
    const { set } = limiters({});
    const l = set.forOrders(Venue.kraken, Market.spot)!;
    expect(admitted(l, 100, 1, 1, T0)).to.equal(15);
    expect(admitted(l, 1, 1, 1, T0 + 3.0 * S)).to.equal(0); // 0.99 decayed: not yet 1
    expect(admitted(l, 1, 1, 1, T0 + 3.031 * S)).to.equal(1);
    expect(l.tryAcquire(0, 2, T0 + 6.07 * S)).to.equal(false); // only 1 decayed since
    expect(l.tryAcquire(0, 2, T0 + 9.1 * S)).to.equal(true);
  });

  it('Kraken tiers decay at their own rates', () => {
    for (const [tier, max, per20s] of [['intermediate', 20, 10], ['pro', 20, 20]] as const) {
      const { set } = limiters({ krakenTier: tier });
      const l = set.forOrders(Venue.kraken, Market.spot)!;
      expect(admitted(l, 100, 1, 1, T0), tier).to.equal(max);
      expect(admitted(l, 1000, 1, 1, T0 + 20 * S), tier).to.equal(per20s);
      expect(admitted(l, 1000, 1, 1, T0 + 1000 * S), tier).to.equal(max); // never more than the counter's headroom
    }
  });

  it('the reference profile admits its rate per second with one second of burst', () => {
    const { set } = limiters({ profile: 'reference' });
    const l = set.forOrders(Venue.binance, Market.futures)!;
    expect(admitted(l, 100, 1, 1, T0)).to.equal(50);
    expect(admitted(l, 100, 1, 1, T0 + 0.1 * S)).to.equal(5);
  });
});

describe('rate limiter: upkeep and live changes', () => {
  it('maintain() keeps a bucket idle for over an hour from looking booked after 32-bit wrap-around', () => {
    const idle = (2 ** 32 - 10e6) * 1000; // just under 2^32 µs: the wrapped difference looks like 10 s ahead
    const stale = limiters({}).set.forOrders(Venue.coinbase, Market.spot)!;
    expect(stale.tryAcquire(1, 1, T0 + idle)).to.equal(false);
    const kept = limiters({}).set;
    for (let t = T0; t < T0 + idle; t += 60 * S) kept.maintain(t);
    expect(admitted(kept.forOrders(Venue.coinbase, Market.spot)!, 100, 1, 1, T0 + idle)).to.equal(30);
  });

  it('a live change lowers a fixed-window limit and a bucket rate in place', () => {
    const cfg = rateLimitsSchema.parse({});
    const { sab } = createRateLimiters(cfg, T0, 0);
    const set = new RateLimiters(sab);
    const next = rateLimitsSchema.parse({
      limiters: {
        'binance.spot': { orders: { venue: 'binance', market: 'spot' }, rules: [...venueProfile('starter')['binance.spot'].rules.map((r) => (r.kind === 'fixedWindow' && r.limit === 50 ? { ...r, limit: 40 } : r))] },
        'coinbase.private': { orders: { venue: 'coinbase', market: 'spot' }, rules: [{ kind: 'tokenBucket', counts: 'weight', ratePerSec: 5, burst: 10 }] },
      },
    });
    expect(limiterChangeBlocker(compileLimiters(cfg), compileLimiters(next))).to.equal(undefined);
    applyLimiterChange(sab, compileLimiters(cfg), compileLimiters(next));
    expect(admitted(set.forOrders(Venue.binance, Market.spot)!, 100, 1, 1, T0)).to.equal(40);
    expect(admitted(set.forOrders(Venue.coinbase, Market.spot)!, 100, 1, 1, T0)).to.equal(10);
  });

  it('names what a live change cannot do without a restart', () => {
    const cfg = compileLimiters(rateLimitsSchema.parse({}));
    const kraken = compileLimiters(rateLimitsSchema.parse({ profile: 'reference' }));
    expect(limiterChangeBlocker(cfg, kraken)).to.match(/rate limiters changed/);
    const window = compileLimiters(rateLimitsSchema.parse({ limiters: { 'coinbase.public': { rules: [{ kind: 'fixedWindow', counts: 'weight', limit: 10, windowMs: 1000 }] } } }));
    expect(limiterChangeBlocker(cfg, window)).to.match(/coinbase.public rule 0: kind/);
    const big = compileLimiters(rateLimitsSchema.parse({ limiters: { 'binance.usdm': { orders: { venue: 'binance', market: 'futures' }, rules: [{ kind: 'fixedWindow', counts: 'orders', limit: 3000, windowMs: 10_000 }, { kind: 'fixedWindow', counts: 'orders', limit: 1200, windowMs: 60_000 }] } } }));
    expect(limiterChangeBlocker(cfg, big)).to.match(/limit 3000 exceeds/);
  });

  it('reports each rule\'s share in use, for metrics', () => {
    const { set } = limiters({});
    const spot = set.forOrders(Venue.binance, Market.spot)!;
    for (let i = 0; i < 25; i++) spot.tryAcquire(1, 4, T0);
    expect(spot.usage(T0)).to.deep.equal([0.5, 100 / 6000, 25 / 160_000]);
    const coinbase = set.forOrders(Venue.coinbase, Market.spot)!;
    for (let i = 0; i < 15; i++) coinbase.tryAcquire(1, 1, T0);
    expect(coinbase.usage(T0)[0]).to.be.closeTo(0.5, 1e-9);
    expect(coinbase.usage(T0 + 10 * S)).to.deep.equal([0]);
  });

  it('lays each rule on its own 128-byte line', () => {
    const { sab } = createRateLimiters(rateLimitsSchema.parse({}), T0, 0);
    const i32 = new Int32Array(sab);
    const rules = i32[Header.rules];
    expect(sab.byteLength).to.equal(rulesByte(i32[Header.limiters]) + rules * 128);
    for (let r = 0; r < rules; r++) expect([1, 2]).to.include(i32[(rulesByte(i32[Header.limiters]) >> 2) + r * RULE_I32 + Rule.kind]);
  });
});

describe('rate limiter: allocation', () => {
  // The caller reads the clock once per batch and passes that reading, as the clock returned it, to every
  // request of the batch. (A time the caller computes is a raw double, boxed when handed to a call V8 did not
  // inline: times come from a generic array here, whose elements are already boxed, like a clock's result.)
  function hammer(ls: readonly RateLimiter[], times: readonly unknown[]): number {
    let ok = 0;
    for (let b = 1; b < times.length; b++) {
      const now = times[b] as number;
      for (let i = 0; i < 256; i++) if (ls[i % ls.length].tryAcquire(1, 1, now)) ok++;
    }
    return ok;
  }

  function clockReadings(from: number, batches: number): unknown[] {
    const out: unknown[] = [{}];
    for (let b = 0; b < batches; b++) out.push(from + b * 1e6);
    return out;
  }

  it('allocates nothing per request (no GC over 3 M requests on every rule kind)', async () => {
    const { set } = limiters({});
    const ls = set.limiters;
    let gcs = 0;
    const obs = new PerformanceObserver((list) => (gcs += list.getEntries().length));
    const warm = clockReadings(T0, 1000);
    const times = clockReadings(T0 + 1e9, 12_000);
    // Warm up: optimise first. TurboFan compiles on a background thread, slower on a loaded
    // machine: several rounds with pauses let its code be installed before the measured run.
    for (let round = 0; round < 5; round++) {
      hammer(ls, warm);
      await new Promise((r) => setTimeout(r, 20));
    }
    obs.observe({ entryTypes: ['gc'] });
    const ok = hammer(ls, times);
    await new Promise((r) => setTimeout(r, 20));
    obs.disconnect();
    expect(ok).to.be.greaterThan(0);
    expect(gcs).to.equal(0);
  });
});
