import { expect } from 'chai';
import { Prng } from '../core/random/prng.js';
import { DirectionProcess } from '../sim/network/direction.js';
import { BURST_PROBABILITY, PROFILE_NAMES, PROFILES, profileByName, type NetworkProfile } from '../sim/network/profiles.js';

const N = 100_000;
/** Farther apart than the longest burst (5 s), so each burst holds exactly the message that starts it. */
const SPACING_MS = 10_000;

interface Sample {
  base: Float64Array;
  burst: Float64Array;
  delay: Float64Array;
  lost: number;
}

function sample(p: NetworkProfile, phi: number, seed: number, n = N, spacingMs = SPACING_MS): Sample {
  const d = new DirectionProcess(new Prng(seed), phi);
  const s: Sample = { base: new Float64Array(n), burst: new Float64Array(n), delay: new Float64Array(n), lost: 0 };
  for (let i = 0; i < n; i++) {
    const f = d.next(i * spacingMs, p);
    s.base[i] = d.lastBaseMs;
    s.burst[i] = d.lastBurstMs;
    s.delay[i] = f.delayMs;
    if (f.lost) s.lost++;
  }
  return s;
}

function mean(x: Float64Array): number {
  let t = 0;
  for (const v of x) t += v;
  return t / x.length;
}

function sd(x: Float64Array): number {
  const m = mean(x);
  let t = 0;
  for (const v of x) t += (v - m) ** 2;
  return Math.sqrt(t / (x.length - 1));
}

function lag1(x: Float64Array): number {
  const m = mean(x);
  let num = 0;
  let den = 0;
  for (let i = 0; i < x.length; i++) {
    den += (x[i] - m) ** 2;
    if (i > 0) num += (x[i] - m) * (x[i - 1] - m);
  }
  return num / den;
}

/** Binomial proportion check: within 4 standard errors of p (exactly 0 when p is 0). */
function expectRate(count: number, n: number, p: number): void {
  if (p === 0) {
    expect(count).to.equal(0);
    return;
  }
  const se = Math.sqrt((p * (1 - p)) / n);
  expect(count / n).to.be.closeTo(p, 4 * se);
}

describe('network profiles: each profile\'s statistics over many messages', () => {
  for (const name of PROFILE_NAMES) {
    const p = PROFILES[name];
    it(`${name}: mean ${p.meanMs} ms, sigma ${p.sigmaMs}, loss ${p.lossRate}, bursts of ${p.burstMs} ms at 5 %, lag-1 autocorrelation 0.5`, () => {
      const s = sample(p, 0.5, 7);
      // Clamping at 0 moves the Outage profile's mean by +0.008 sigma and its sigma by -2 %; the others not measurably.
      expect(mean(s.base)).to.be.closeTo(p.meanMs, 0.03 * p.sigmaMs);
      expect(sd(s.base)).to.be.closeTo(p.sigmaMs, 0.05 * p.sigmaMs);
      expect(lag1(s.base)).to.be.closeTo(0.5, 0.02);
      expectRate(s.lost, N, p.lossRate);
      let bursts = 0;
      let bad = 0; // messages whose delay is negative, not base + burst, or held by other than the burst duration
      for (let i = 0; i < N; i++) {
        if (s.delay[i] < 0 || s.delay[i] !== s.base[i] + s.burst[i]) bad++;
        if (s.burst[i] > 0) {
          bursts++;
          if (s.burst[i] !== p.burstMs) bad++;
        }
      }
      expect(bad).to.equal(0);
      expectRate(bursts, N, p.burstMs > 0 ? BURST_PROBABILITY : 0);
    });
  }

  it('the lag-1 autocorrelation follows the configured AR(1) coefficient', () => {
    for (const phi of [0, 0.8, 0.95]) expect(lag1(sample(PROFILES.good, phi, 3, 50_000).base), `phi ${phi}`).to.be.closeTo(phi, 0.03);
  });

  it('delays are never negative, even where the jitter reaches below zero', () => {
    const wide: NetworkProfile = { name: 'outage', meanMs: 10, sigmaMs: 50, lossRate: 0, burstMs: 0 };
    const s = sample(wide, 0.5, 11, 20_000);
    expect(Math.min(...s.delay)).to.equal(0);
  });

  it('a burst holds every message sent inside it until it ends, then stops', () => {
    const d = new DirectionProcess(new Prng(5), 0.5);
    const p = PROFILES.average;
    let t = 0;
    while (d.next(t, p) && d.lastBurstMs === 0) t += 1;
    const end = t + p.burstMs;
    expect(d.lastBurstMs).to.equal(p.burstMs);
    for (t += 1; t < end; t += 7) {
      d.next(t, p);
      expect(d.lastBurstMs).to.equal(end - t);
    }
    // After the window, a message is held again only if it starts a new burst (5 %), i.e. by the full duration.
    let held = 0;
    for (let k = 0; k < 2000; k++) {
      d.next(end + k * 1000, p);
      if (d.lastBurstMs > 0) held++;
      expect([0, p.burstMs]).to.include(d.lastBurstMs);
    }
    expectRate(held, 2000, BURST_PROBABILITY);
  });

  it('profiles are found by name in any letter case; an unknown name is a RangeError naming the choices', () => {
    expect(profileByName('Poor')).to.equal(PROFILES.poor);
    expect(() => profileByName('lossy')).to.throw(RangeError, /perfect, good, average, poor, outage/);
  });

  it('the same seed replays the same fates; another seed does not', () => {
    const a = sample(PROFILES.poor, 0.5, 42, 1000);
    const b = sample(PROFILES.poor, 0.5, 42, 1000);
    const c = sample(PROFILES.poor, 0.5, 43, 1000);
    expect(a.delay).to.deep.equal(b.delay);
    expect(a.delay).to.not.deep.equal(c.delay);
  });
});
