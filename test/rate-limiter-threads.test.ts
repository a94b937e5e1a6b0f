/**
 * Every venue rule under real worker threads hammering one shared limiter:
 * no fixed window admits more than its limit, no bucket admits more than
 * burst + rate x elapsed (exactly, in the limiter's integer microseconds),
 * and no admission is lost (the shared state accounts for every one).
 */
import { expect } from 'chai';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { Rule, RULE_I32, RuleKind, rulesByte, Header, Directory, DIRECTORY_BYTE, DIRECTORY_ENTRY_I32 } from '../core/limits/limiter-layout.js';
import { rateLimitsSchema, type RateLimitsConfigInput } from '../core/limits/limiter-settings.js';
import { createRateLimiters } from '../core/limits/rate-limiter.js';
import type { HammerData, HammerResult } from './fixtures/limiter-hammer.js';

const THREADS = Math.max(8, 2 * os.availableParallelism());
const MS = 300;
let pool: Worker[] = [];
const clock = monotonicClock();

interface RuleView {
  kind: number;
  counts: number;
  countBits: number;
  limit: number;
  emitUs: number;
  tauUs: number;
  state(): number;
}

function ruleViews(sab: SharedArrayBuffer, limiter: number): RuleView[] {
  const i32 = new Int32Array(sab);
  const dir = (DIRECTORY_BYTE >> 2) + limiter * DIRECTORY_ENTRY_I32;
  const first = (rulesByte(i32[Header.limiters]) >> 2) + i32[dir + Directory.firstRule] * RULE_I32;
  return Array.from({ length: i32[dir + Directory.ruleCount] }, (_, r) => {
    const b = first + r * RULE_I32;
    return {
      kind: i32[b + Rule.kind],
      counts: i32[b + Rule.counts],
      countBits: i32[b + Rule.countBits],
      limit: i32[b + Rule.limit],
      emitUs: i32[b + Rule.emitUs],
      tauUs: i32[b + Rule.tauUs],
      state: () => Atomics.load(i32, b + Rule.state),
    };
  });
}

async function hammer(config: RateLimitsConfigInput, id: string, orders: number, weight: number): Promise<void> {
  const { sab, ids } = createRateLimiters(rateLimitsSchema.parse(config), clock.nowNs());
  const limiter = ids.indexOf(id);
  expect(limiter, id).to.be.at.least(0);
  const rules = ruleViews(sab, limiter);
  const windowRules = rules.map((r, k) => (r.kind === RuleKind.FIXED_WINDOW ? k : -1)).filter((k) => k >= 0);
  const ctrl = new SharedArrayBuffer(4);
  const results = pool.map(
    (w) =>
      new Promise<HammerResult>((resolve, reject) => {
        w.once('error', reject);
        w.once('message', (m: HammerResult) => {
          w.off('error', reject);
          resolve(m);
        });
        const job: HammerData = { sab, ctrl, limiter, orders, weight, ms: MS, windowRules };
        w.postMessage(job);
      }),
  );
  // Let every worker reach its spin before the start.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const start = clock.nowNs();
  Atomics.store(new Int32Array(ctrl), 0, 1);
  const out = await Promise.all(results);
  const end = clock.nowNs();
  const admitted = out.reduce((a, r) => a + r.admitted, 0);
  expect(admitted, `${id}: nothing admitted`).to.be.greaterThan(0);

  rules.forEach((rule, r) => {
    const cost = rule.counts === 0 ? orders : weight;
    if (rule.kind === RuleKind.FIXED_WINDOW) {
      const perWindow = new Map<number, number>();
      for (const res of out) {
        for (const [key, n] of Object.entries(res.windows)) {
          const [rr, tag] = key.split(':').map(Number);
          if (rr === r) perWindow.set(tag, (perWindow.get(tag) ?? 0) + n);
        }
      }
      for (const [tag, n] of perWindow) expect(n * cost, `${id} rule ${r} window ${tag}`).to.be.at.most(rule.limit);
      // The window in force now holds exactly what the threads were admitted in it.
      const s = rule.state();
      const tag = s >>> rule.countBits;
      expect(s & ((1 << rule.countBits) - 1), `${id} rule ${r}: count of window ${tag}`).to.equal((perWindow.get(tag) ?? 0) * cost);
    } else {
      // Integer µs, as the limiter counts: admitted * emit <= elapsed + tau, and the state accounts for all of it.
      const booked = admitted * cost * rule.emitUs;
      const t0us = Math.floor(start / 1000);
      const t1us = Math.floor(end / 1000);
      expect(booked, `${id}: admitted ${admitted}`).to.be.at.most(t1us - t0us + rule.tauUs);
      expect((rule.state() - (t0us | 0)) | 0, `${id}: booked time lost`).to.be.at.least(booked);
    }
  });
}

describe(`rate limiter: ${THREADS} real threads hammering one limiter for ${MS} ms`, function () {
  this.timeout(60_000);

  before(async () => {
    pool = Array.from({ length: THREADS }, () => new Worker(new URL('./fixtures/limiter-hammer.js', import.meta.url)));
    await Promise.all(pool.map((w) => new Promise((resolve) => w.once('online', resolve))));
  });

  after(async () => {
    await Promise.all(pool.map((w) => new Promise((resolve) => {
      w.once('exit', resolve);
      w.postMessage('exit');
    })));
  });

  it('Binance spot, real limits (50/10 s, 6000 weight/min, 160,000/day, wall-aligned)', () => hammer({}, 'binance.spot', 1, 1));

  it('Binance spot shape, scaled to short windows: three rules binding in turn, refusals rolled back', () =>
    hammer(
      {
        limiters: {
          'binance.spot': {
            orders: { venue: 'binance', market: 'spot' },
            rules: [
              { kind: 'fixedWindow', counts: 'orders', limit: 50, windowMs: 20, align: 'none' },
              { kind: 'fixedWindow', counts: 'weight', limit: 80, windowMs: 10, align: 'none' },
              { kind: 'fixedWindow', counts: 'orders', limit: 4000, windowMs: 400, align: 'none' },
            ],
          },
        },
      },
      'binance.spot',
      1,
      2,
    ));

  it('Binance USD-M, real limits (300/10 s, 1200/min)', () => hammer({}, 'binance.usdm', 1, 1));

  it('Binance USD-M shape, scaled (300/5 ms, 1200/25 ms)', () =>
    hammer(
      {
        limiters: {
          'binance.usdm': {
            orders: { venue: 'binance', market: 'futures' },
            rules: [
              { kind: 'fixedWindow', counts: 'orders', limit: 300, windowMs: 5, align: 'none' },
              { kind: 'fixedWindow', counts: 'orders', limit: 1200, windowMs: 25, align: 'none' },
            ],
          },
        },
      },
      'binance.usdm',
      1,
      1,
    ));

  for (const tier of ['starter', 'intermediate', 'pro'] as const) {
    it(`Kraken ${tier}, real decaying counter`, () => hammer({ krakenTier: tier }, 'kraken.spot', 1, 1));
  }

  it('Kraken decaying counter, fast decay (max 20, 20,000/s), cost 2', () =>
    hammer({ limiters: { 'kraken.spot': { orders: { venue: 'kraken', market: 'spot' }, rules: [{ kind: 'decayingCounter', counts: 'weight', max: 20, decayPerSec: 20_000 }] } } }, 'kraken.spot', 1, 2));

  it('Coinbase private and public, real token buckets (15/s burst 30; 10/s burst 15)', async () => {
    await hammer({}, 'coinbase.private', 1, 1);
    await hammer({}, 'coinbase.public', 0, 1);
  });

  it('Coinbase token bucket, fast refill (burst 30, 30,000/s)', () =>
    hammer({ limiters: { 'coinbase.private': { orders: { venue: 'coinbase', market: 'spot' }, rules: [{ kind: 'tokenBucket', counts: 'weight', ratePerSec: 30_000, burst: 30 }] } } }, 'coinbase.private', 1, 1));

  it('reference profile (Binance spot 20/s)', () => hammer({ profile: 'reference' }, 'binance.spot', 1, 1));
});
